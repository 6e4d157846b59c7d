/**
 * 督办台账 exported as the screen shows it: the same rows, the same columns, Chinese headers. An
 * .xlsx (exceljs) with the ledger and a sheet of the statistics, or a CSV with a UTF-8 byte order
 * mark so Excel reads the Chinese.
 *
 * Formula-safe: the CSV goes through the integrity export's toCsv, which quotes and prefixes text
 * a spreadsheet would run as a formula (=, +, -, @ first). The .xlsx stores every text as a string
 * cell (exceljs writes a formula only when given one as {formula}), so a title typed as
 * =HYPERLINK(…) shows as that text and never runs.
 */
import type ExcelJS from 'exceljs';
import { toCsv } from './integrity-views';
import { RAG_LABELS, type DepartmentStats, type LedgerRow } from './ledger';

type Cell = string | number | null;

/** The ledger's columns: header, width (characters), and how a row fills it. */
export const LEDGER_COLUMNS: readonly [string, number, (r: LedgerRow) => Cell][] = [
  ['收文编号', 11, (r) => r.receiptNumber],
  ['办文编号', 10, (r) => r.handlingNumber],
  ['文号', 18, (r) => r.docNumber],
  ['标题', 40, (r) => r.title],
  ['紧急程度', 8, (r) => r.urgency],
  ['批示领导', 12, (r) => r.leaders.map((l) => l.name).join('、')],
  ['主办/会办', 9, (r) => r.roleName],
  ['承办单位', 16, (r) => r.departmentName],
  ['办理状态', 12, (r) => r.statusName],
  ['收文日期', 11, (r) => r.receivedDate],
  ['转办日期', 11, (r) => r.dispatchedDate],
  ['回报期限', 11, (r) => r.dueDate],
  ['回报日期', 11, (r) => r.reportedDate],
  ['已用天数', 8, (r) => r.daysUsed],
  ['逾期天数', 8, (r) => r.overdueDays],
  ['预警', 6, (r) => RAG_LABELS[r.rag]],
  ['预警说明', 16, (r) => r.ragText],
];

const percent = (rate: number | null) => (rate === null ? null : `${(rate * 100).toFixed(1)}%`);

/** The statistics' columns, as the page's table. */
export const STATS_COLUMNS: readonly [string, number, (s: DepartmentStats) => Cell][] = [
  ['承办单位', 18, (s) => s.departmentName],
  ['交办件数', 9, (s) => s.received],
  ['按期回报', 9, (s) => s.onTime],
  ['逾期回报', 9, (s) => s.late],
  ['未回报', 8, (s) => s.open],
  ['其中已逾期', 10, (s) => s.overdueOpen],
  ['按期回报率', 10, (s) => percent(s.onTimeRate)],
  ['平均回报天数', 12, (s) => s.averageDays],
];

/** The light's fill in the .xlsx; the 预警 and 预警说明 cells say it in words as well. */
const RAG_FILLS: Record<LedgerRow['rag'], string | undefined> = {
  red: 'FFF4CCCC',
  yellow: 'FFFFF2B3',
  green: 'FFD9EAD3',
  grey: undefined,
};

function addSheet<T>(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: readonly [string, number, (x: T) => Cell][],
  items: readonly T[],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map(([header, width]) => ({ header, width }));
  sheet.getRow(1).font = { bold: true };
  for (const item of items) sheet.addRow(columns.map(([, , value]) => value(item)));
  return sheet;
}

/** The .xlsx: 督办台账 (the rows, each light coloured and named) and 统计 (per department, then 合计). */
export async function ledgerXlsx(
  rows: readonly LedgerRow[],
  stats: { departments: DepartmentStats[]; total: DepartmentStats },
  madeAt: Date,
): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = '督办';
  workbook.created = madeAt;
  workbook.modified = madeAt;
  const ledger = addSheet(workbook, '督办台账', LEDGER_COLUMNS, rows);
  const ragColumns = [LEDGER_COLUMNS.length - 1, LEDGER_COLUMNS.length]; // 预警, 预警说明 (1-based)
  rows.forEach((r, i) => {
    const argb = RAG_FILLS[r.rag];
    if (!argb) return;
    for (const col of ragColumns)
      ledger.getRow(i + 2).getCell(col).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb } };
  });
  ledger.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: LEDGER_COLUMNS.length } };
  const summary = addSheet(workbook, '统计', STATS_COLUMNS, [...stats.departments, stats.total]);
  summary.lastRow!.font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The CSV: the ledger's columns, a UTF-8 BOM first, CRLF lines, formula-safe fields. */
export function ledgerCsv(rows: readonly LedgerRow[]): string {
  return toCsv([
    LEDGER_COLUMNS.map(([header]) => header),
    ...rows.map((r) =>
      LEDGER_COLUMNS.map(([, , value]) => value(r)).map((v) => (v === null ? null : String(v))),
    ),
  ]);
}

/** exceljs loads with the first import or export, not with the API (it weighs ~17 MB). */
async function loadExcel(): Promise<typeof ExcelJS> {
  const loaded = (await import('exceljs')) as unknown as { default?: typeof ExcelJS };
  return loaded.default ?? (loaded as unknown as typeof ExcelJS);
}
