/**
 * 督办台账 in a real browser on 2017-01-17 (test/helpers/ledger-case.ts): the office director sees
 * 省财政厅 overdue in red and in words, the statistics with their charts (ECharts, served by the API
 * under its own Content-Security-Policy), filters to the red rows, and exports them as an .xlsx
 * that reads back as the screen showed; 省财政厅 sees its own row only.
 */
import ExcelJS from 'exceljs';
import { LEDGER_COLUMNS } from '../../api/ledger-export';
import { seriousViolations } from '../helpers/axe';
import { useBrowser } from '../helpers/browser';
import { LEDGER_PEOPLE, ledgerCase } from '../helpers/ledger-case';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi(LEDGER_PEOPLE, { listen: true });
const ui = useBrowser(() => api.baseUrl, 'duban-ledger-web');
let A = '';
/** The browser's window, as far as these checks use it (the tests are compiled without the DOM's types). */
type Browser = { getComputedStyle(el: unknown): { backgroundColor: string } };

beforeAll(async () => {
  ({ a: A } = await ledgerCase(api).carry());
});

const rowsOf = (page: import('playwright-core').Page) =>
  page.$$eval('#ledger tr[data-rag]', (trs) =>
    trs.map((tr) => ({
      rag: tr.getAttribute('data-rag'),
      department: tr.getAttribute('data-department'),
      light: tr.querySelector('.rag')?.textContent,
    })),
  );

test('the office director sees 省财政厅 overdue in red and in words, filters to it and exports it as .xlsx', async () => {
  const page = await ui.signedIn('zh1-director');
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));

  await page.click('#nav a:has-text("督办台账")');
  await page.waitForSelector('#ledger');
  expect(await rowsOf(page)).toEqual([
    { rag: 'yellow', department: 'GDSFT', light: '2 日内到期' },
    { rag: 'green', department: 'GDFGW', light: '正常，剩 9 天' },
    { rag: 'grey', department: 'GDFGW', light: '按期回报' },
    { rag: 'red', department: 'GDCZT', light: '逾期 3 天' },
  ]);
  const red = page.locator('#ledger tr[data-department="GDCZT"]');
  expect(await red.textContent()).toContain('省财政厅');
  expect(await red.textContent()).toContain('会办');
  // Red by colour too, not only by its words.
  expect(
    await red
      .locator('.rag')
      .evaluate((el) => (globalThis as unknown as Browser).getComputedStyle(el).backgroundColor),
  ).toBe('rgb(253, 226, 226)');
  expect(await page.textContent('.ledger-today')).toContain('按系统日期 2017-01-17 计');

  // The statistics, and their charts drawn by ECharts loaded from this host.
  const czt = page.locator('#ledger-stats tr[data-department="GDCZT"]');
  expect(await czt.locator('td').allTextContents()).toEqual([
    '省财政厅',
    '1',
    '0',
    '0',
    '1',
    '1',
    '0.0%',
    '—',
  ]);
  await page.waitForSelector('#ledger-chart-counts canvas');
  await page.waitForSelector('#ledger-chart-rate canvas');
  await page.screenshot({ path: ui.shot('ledger-office.png'), fullPage: true });
  // Usable by everyone (axe, WCAG 2 A/AA): no serious or critical violation.
  expect(await seriousViolations(page)).toEqual([]);

  // Filtered to the red rows: the address keeps the filter, the table shows 省财政厅 alone.
  await page.selectOption('#ledger-filters select[name=rag]', 'red');
  await page.click('#ledger-filters button[type=submit]');
  await page.waitForURL(/#\/ledger\?rag=red$/);
  await page.waitForSelector('#ledger tr[data-rag="yellow"]', { state: 'detached' });
  expect(await rowsOf(page)).toEqual([{ rag: 'red', department: 'GDCZT', light: '逾期 3 天' }]);
  expect(await page.textContent('#ledger-export')).toContain('全部 1 条');
  await page.screenshot({ path: ui.shot('ledger-filtered.png'), fullPage: true });

  // The export is what the screen shows: the red row, read back from the .xlsx.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#ledger-export button[data-format=xlsx]'),
  ]);
  expect(download.suggestedFilename()).toBe('督办台账-2017-01-17.xlsx');
  const saved = ui.shot('ledger-export.xlsx');
  await download.saveAs(saved);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(saved);
  const values = workbook
    .getWorksheet('督办台账')!
    .getSheetValues()
    .slice(1)
    .map((row) => (row as ExcelJS.CellValue[]).slice(1));
  const [headers, ...rows] = values;
  expect(headers).toEqual(LEDGER_COLUMNS.map(([h]) => h));
  expect(rows).toHaveLength(1);
  const cell = (header: string) => rows[0]![headers!.indexOf(header)];
  expect([cell('收文编号'), cell('承办单位'), cell('逾期天数'), cell('预警'), cell('预警说明')]).toEqual([
    A,
    '省财政厅',
    3,
    '红灯',
    '逾期 3 天',
  ]);
  // Nothing refused by the Content-Security-Policy, nothing thrown.
  expect(problems).toEqual([]);
});

test('省财政厅 sees its own task only, and its own statistics', async () => {
  const page = await ui.signedIn('czt-handler');
  await page.goto(`${api.baseUrl}/#/ledger`);
  await page.waitForSelector('#ledger');
  expect(await rowsOf(page)).toEqual([{ rag: 'red', department: 'GDCZT', light: '逾期 3 天' }]);
  expect(
    await page.$$eval('#ledger-stats tr[data-department]', (trs) =>
      trs.map((tr) => String(tr.getAttribute('data-department'))),
    ),
  ).toEqual(['GDCZT']);
  await page.waitForSelector('#ledger-chart-counts canvas');
  await page.screenshot({ path: ui.shot('ledger-department.png'), fullPage: true });
  // On a 390 px phone the table and the charts scroll in their boxes; the page does not scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(
    await page.evaluate<boolean>(
      'document.documentElement.scrollWidth > document.documentElement.clientWidth + 1',
    ),
  ).toBe(false);
  await page.screenshot({ path: ui.shot('ledger-phone.png'), fullPage: true });
});
