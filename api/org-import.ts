/**
 * 导入机构与用户: departments and accounts from a sheet (.xlsx, read with exceljs) or a CSV file,
 * judged row by row with the same rules as the administrator's forms (organisation.ts).
 *
 * A sheet is recognised by its header row: 用户名 … makes it accounts (用户名, 姓名, 单位代码, 角色,
 * 电话), 单位名称 … departments (单位代码, 单位名称, 单位类型, 上级单位代码). A workbook may hold
 * both, one per sheet; a CSV file holds one. Departments are judged before accounts and in the
 * sheet's order, so an account may name a department created by the same file, and a section a
 * parent created above it. Each row is either good or refused with its fields and reasons; the
 * route applies all the good rows together, in one transaction, and none of the refused ones.
 * The import creates, never changes: a code or username already there is refused, so importing
 * the same file twice adds nothing.
 */
import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { z } from 'zod';
import type { DepartmentKind, Role } from '../core/roles';
import type { FieldProblem } from '../workflows/incoming-document';
import { HttpError } from './errors';
import {
  accountProblems,
  departmentCodeField,
  departmentKindField,
  departmentNameField,
  displayNameField,
  parentCodeField,
  phoneField,
  rolesField,
  treeProblems,
  usernameField,
  type DepartmentFacts,
} from './organisation';

/** More rows than an office has people is a wrong file, not an organisation. */
export const MAX_IMPORT_ROWS = 5000;

const DEPARTMENT_COLUMNS = {
  code: '单位代码',
  name: '单位名称',
  kind: '单位类型',
  parentCode: '上级单位代码',
};
const USER_COLUMNS = {
  username: '用户名',
  displayName: '姓名',
  departmentCode: '单位代码',
  roles: '角色',
  phone: '电话',
};

export interface SheetRow {
  sheet: string;
  /** The row's number as the spreadsheet shows it (the header is row 1). */
  row: number;
  cells: Record<string, string>;
}
export interface Sheet {
  name: string;
  kind: 'departments' | 'users';
  rows: SheetRow[];
}

/** Reads the file's sheets, each with the kind its header row names; 400 or 415 when it cannot. */
export async function readSheets(fileName: string, content: Buffer): Promise<Sheet[]> {
  const extension = fileName.toLowerCase().split('.').pop();
  const workbook = new (await loadExcel()).Workbook();
  try {
    if (extension === 'xlsx') {
      // A zip (PK\3\4): anything else is not an .xlsx, whatever its name says.
      if (content.subarray(0, 4).toString('binary') !== 'PK\u0003\u0004') throw new Error('not a zip');
      await workbook.xlsx.load(content as unknown as ArrayBuffer);
    } else if (extension === 'csv') {
      // Every cell as text: a code 0001 or a phone number stays as written, never a number or a date.
      await workbook.csv.read(Readable.from([decodeCsv(content)]), {
        map: (value: unknown) => value,
        sheetName: fileName,
      });
    } else {
      throw new HttpError(415, 'unsupported_type', '只能导入 .xlsx 或 .csv 文件', [
        { field: 'fileName', reason: '文件类型须为 .xlsx 或 .csv' },
      ]);
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'unreadable_file', `无法读取文件 ${fileName}：不是有效的 ${extension} 文件`);
  }
  const sheets: Sheet[] = [];
  let total = 0;
  workbook.eachSheet((ws) => {
    const header: string[] = [];
    ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => (header[col] = cellText(cell)));
    const kind = header.includes(USER_COLUMNS.username)
      ? 'users'
      : header.includes(DEPARTMENT_COLUMNS.name)
        ? 'departments'
        : undefined;
    if (!kind) return;
    const rows: SheetRow[] = [];
    ws.eachRow((row, number) => {
      if (number === 1) return;
      const cells: Record<string, string> = {};
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        const name = header[col];
        if (name) cells[name] = cellText(cell);
      });
      if (Object.values(cells).every((v) => v === '')) return; // a blank line
      rows.push({ sheet: ws.name, row: number, cells });
    });
    total += rows.length;
    sheets.push({ name: ws.name, kind, rows });
  });
  if (!sheets.length)
    throw new HttpError(
      400,
      'no_sheet',
      `文件中没有可导入的表：首行须为列名，单位表含“${DEPARTMENT_COLUMNS.name}”列，用户表含“${USER_COLUMNS.username}”列`,
    );
  if (total > MAX_IMPORT_ROWS)
    throw new HttpError(400, 'too_many_rows', `一次至多导入 ${MAX_IMPORT_ROWS} 行，本文件有 ${total} 行`);
  return sheets;
}

/** UTF-8 (with or without the BOM Excel writes), else GB18030: what Excel in Chinese saves as CSV. */
function decodeCsv(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    return new TextDecoder('gb18030').decode(content);
  }
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  return (cell.text ?? '').trim();
}

// ---------------------------------------------------------------------------------------------
// Judging the rows

export interface NewDepartment {
  code: string;
  name: string;
  kind: DepartmentKind;
  parentCode: string | null;
}
export interface NewUser {
  username: string;
  displayName: string;
  departmentCode: string;
  roles: Role[];
  phone: string | null;
}

export type ReportRow = { sheet: string; row: number; key: string } & (
  | { ok: true; kind: 'department'; department: NewDepartment }
  | { ok: true; kind: 'user'; user: NewUser }
  | { ok: false; kind: 'department' | 'user'; problems: FieldProblem[] }
);

const departmentRow = z.object({
  code: departmentCodeField,
  name: departmentNameField,
  kind: departmentKindField,
  parentCode: parentCodeField,
});
const userRow = z.object({
  username: usernameField,
  displayName: displayNameField,
  departmentCode: departmentCodeField,
  roles: rolesField,
  phone: phoneField,
});

/** The row's cells under the form's field names, and the zod issues back under the sheet's columns. */
function parseRow<S extends z.ZodType>(
  schema: S,
  columns: Record<string, string>,
  cells: Record<string, string>,
): { data?: z.output<S>; problems: FieldProblem[] } {
  const input = Object.fromEntries(
    Object.entries(columns).map(([field, column]) => [field, cells[column] ?? '']),
  );
  const parsed = schema.safeParse(input);
  if (parsed.success) return { data: parsed.data, problems: [] };
  return {
    problems: parsed.error.issues.map((i) => ({
      field: columns[String(i.path[0])] ?? String(i.path[0]),
      reason: i.message,
    })),
  };
}
const toColumn = (columns: Record<string, string>, problems: FieldProblem[]) =>
  problems.map((p) => ({ ...p, field: columns[p.field] ?? p.field }));

/**
 * Judges every row against the organisation as it stands plus the good rows before it. Pure: the
 * route reads the organisation, calls this, and writes what it answers as good.
 */
export function judgeRows(
  sheets: readonly Sheet[],
  existing: { departments: readonly DepartmentFacts[]; usernames: readonly string[] },
): ReportRow[] {
  const departments = new Map(existing.departments.map((d) => [d.code, d]));
  const names = new Set(existing.departments.map((d) => d.name));
  const usernames = new Set(existing.usernames);
  const report: ReportRow[] = [];
  const ordered = [
    ...sheets.filter((s) => s.kind === 'departments'),
    ...sheets.filter((s) => s.kind === 'users'),
  ];
  for (const sheet of ordered) {
    for (const r of sheet.rows) {
      const at = { sheet: r.sheet, row: r.row };
      if (sheet.kind === 'departments') {
        const key = r.cells[DEPARTMENT_COLUMNS.code] ?? '';
        const { data, problems } = parseRow(departmentRow, DEPARTMENT_COLUMNS, r.cells);
        if (data) {
          if (departments.has(data.code))
            problems.push({ field: DEPARTMENT_COLUMNS.code, reason: `单位代码 ${data.code} 已存在` });
          if (names.has(data.name))
            problems.push({ field: DEPARTMENT_COLUMNS.name, reason: `单位名称“${data.name}”已存在` });
          const parent = data.parentCode ? departments.get(data.parentCode) : undefined;
          problems.push(...toColumn(DEPARTMENT_COLUMNS, treeProblems(data, parent, [])));
        }
        if (!data || problems.length) {
          report.push({ ...at, key, ok: false, kind: 'department', problems });
          continue;
        }
        departments.set(data.code, data);
        names.add(data.name);
        report.push({ ...at, key, ok: true, kind: 'department', department: data });
      } else {
        const key = r.cells[USER_COLUMNS.username] ?? '';
        const { data, problems } = parseRow(userRow, USER_COLUMNS, r.cells);
        if (data) {
          if (usernames.has(data.username))
            problems.push({ field: USER_COLUMNS.username, reason: `用户名 ${data.username} 已存在` });
          const department = departments.get(data.departmentCode);
          problems.push(...toColumn(USER_COLUMNS, accountProblems(data, department, data.departmentCode)));
        }
        if (!data || problems.length) {
          report.push({ ...at, key, ok: false, kind: 'user', problems });
          continue;
        }
        usernames.add(data.username);
        report.push({ ...at, key, ok: true, kind: 'user', user: data });
      }
    }
  }
  return report;
}

/** exceljs loads with the first import or export, not with the API (it weighs ~17 MB). */
async function loadExcel(): Promise<typeof ExcelJS> {
  const loaded = (await import('exceljs')) as unknown as { default?: typeof ExcelJS };
  return loaded.default ?? (loaded as unknown as typeof ExcelJS);
}
