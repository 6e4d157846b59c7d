/**
 * 督办台账 over HTTP on the seed's days (test/helpers/ledger-case.ts): on 2017-01-17 by the
 * application clock, 省财政厅 is 3 days overdue on 国发〔2016〕76号 (red), 省司法厅's report on
 * 粤府办〔2017〕3号 falls due within 3 days (yellow), 省发展改革委 reported on time (grey) and has
 * 9 days left on the other (green). The rows, their filters and pages, who sees which, the
 * statistics, and the export as .xlsx (read back) and CSV; then 省财政厅 reports, late.
 */
import ExcelJS from 'exceljs';
import type { DepartmentStats } from '../../api/ledger';
import { LEDGER_COLUMNS, STATS_COLUMNS } from '../../api/ledger-export';
import { DIRECTIVE_B, LEDGER_PEOPLE, ledgerCase } from '../helpers/ledger-case';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { SEED_DIRECTIVE } from '../helpers/stack';

jest.setTimeout(240_000);

const api = useSeedDayApi([...LEDGER_PEOPLE, 'ducha', 'baomi', 'admin']);
const { as } = api;
const theCase = ledgerCase(api);
let A = '';
let B = '';

interface Row {
  receiptNumber: string;
  departmentCode: string;
  departmentName: string;
  roleName: string;
  statusName: string;
  rag: string;
  ragText: string;
  daysUsed: number | null;
  overdueDays: number;
  dispatchedDate: string | null;
  dueDate: string;
  reportedDate: string | null;
  leaders: { id: string; name: string }[];
}

const ledger = async (who: string, query = '') => {
  const res = await as(who).get(`/api/ledger${query}`);
  expect(res.status).toBe(200);
  return res.body as {
    today: string;
    total: number;
    page: number;
    pageSize: number;
    items: Row[];
    choices: { departments: { code: string; name: string }[]; leaders: { id: string; name: string }[] };
  };
};
/** Each row as `收文编号 单位 light text`, in the ledger's order. */
const lines = async (who: string, query = '') =>
  (await ledger(who, query)).items.map((r) => `${r.receiptNumber} ${r.departmentCode} ${r.rag} ${r.ragText}`);

beforeAll(async () => {
  ({ a: A, b: B } = await theCase.carry());
});

test('on 2017-01-17 the ledger lights each task by the application clock: red, yellow, green, grey', async () => {
  const office = await ledger('huangweiyan');
  expect(office.today).toBe('2017-01-17'); // the server's clock, not the machine's
  expect(office.total).toBe(4);
  // Newest 收文 first; within a directive the 主办 before its 会办.
  expect(office.items.map((r) => `${r.receiptNumber} ${r.departmentCode} ${r.rag} ${r.ragText}`)).toEqual([
    `${B} GDSFT yellow 2 日内到期`,
    `${B} GDFGW green 正常，剩 9 天`,
    `${A} GDFGW grey 按期回报`,
    `${A} GDCZT red 逾期 3 天`,
  ]);
  const overdue = office.items.find((r) => r.departmentCode === 'GDCZT')!;
  expect(overdue).toMatchObject({
    receiptNumber: A,
    handlingNumber: '发改 0001',
    docNumber: SEED_DIRECTIVE.docNumber,
    title: SEED_DIRECTIVE.title,
    urgency: '平急',
    leaders: [{ id: 'u-chunxin', name: '春新' }],
    departmentName: '省财政厅',
    role: 'CO',
    roleName: '会办',
    status: 'DISPATCHED',
    statusName: '已转办',
    receivedDate: '2017-01-03',
    dispatchedDate: '2017-01-04',
    dueDate: '2017-01-14',
    reportedDate: null,
    daysUsed: 13,
    overdueDays: 3,
  });
  expect(office.items.find((r) => r.receiptNumber === A && r.departmentCode === 'GDFGW')).toMatchObject({
    roleName: '主办',
    statusName: '回报通过',
    reportedDate: '2017-01-10',
    daysUsed: 6,
    overdueDays: 0,
  });
  expect(office.items[0]).toMatchObject({
    leaders: [{ id: 'u-mishuzhang', name: '办公厅秘书长' }],
    dueDate: '2017-01-19',
  });
});

test.each([
  ['收文日期 from', '?from=2017-01-10', ['B GDSFT', 'B GDFGW']],
  ['收文日期 to', '?to=2017-01-03', ['A GDFGW', 'A GDCZT']],
  ['收文日期 range without either', '?from=2017-01-04&to=2017-01-15', []],
  ['department', '?department=GDFGW', ['B GDFGW', 'A GDFGW']],
  ['status', '?status=ACCEPTED,DISPATCHED&department=GDCZT', ['A GDCZT']],
  ['urgency', '?urgency=特急', ['B GDSFT', 'B GDFGW']],
  ['leader who gave the 批示', '?leader=u-chunxin', ['A GDFGW', 'A GDCZT']],
  ['red', '?rag=red', ['A GDCZT']],
  ['yellow', '?rag=yellow', ['B GDSFT']],
  ['green', '?rag=green', ['B GDFGW']],
  ['grey', '?rag=grey', ['A GDFGW']],
])('the ledger filters by %s', async (_what, query, expected) => {
  const rows = (await ledger('zh1-director', encodeURI(query))).items;
  const named = (rn: string) => (rn === A ? 'A' : rn === B ? 'B' : rn);
  expect(rows.map((r) => `${named(r.receiptNumber)} ${r.departmentCode}`)).toEqual(expected);
});

test('the ledger pages as the lists do', async () => {
  const all = await ledger('huangweiyan');
  const second = await ledger('huangweiyan', '?page=2&pageSize=1');
  expect(second).toMatchObject({ total: 4, page: 2, pageSize: 1 });
  expect(second.items).toEqual([all.items[1]]);
  expect((await ledger('huangweiyan', '?page=3&pageSize=2')).items).toEqual([]);
});

test.each([
  ['a period that ends before it starts', '?from=2017-01-10&to=2017-01-01', 'to'],
  ['a status that does not exist', '?status=LOST', 'status'],
  ['a light that does not exist', '?rag=blue', 'rag'],
  ['a date that is not one', '?from=2017-02-30', 'from'],
  ['a filter the ledger does not have', '?overdue=true', 'overdue'],
  ['a page size over 100', '?pageSize=101', 'pageSize'],
])('the ledger refuses %s (400 naming the field)', async (_what, query, field) => {
  const res = await as('huangweiyan').get(`/api/ledger${query}`);
  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual([field]);
});

test('a department sees its own tasks only; a leader those he gave the 批示 on', async () => {
  expect(await lines('czt-handler')).toEqual([`${A} GDCZT red 逾期 3 天`]);
  expect(await lines('fgw-head')).toEqual([`${B} GDFGW green 正常，剩 9 天`, `${A} GDFGW grey 按期回报`]);
  expect(await lines('sft-handler')).toEqual([`${B} GDSFT yellow 2 日内到期`]);
  // Another department named in the filter shows nothing, rather than its status.
  expect(await lines('czt-handler', '?department=GDFGW')).toEqual([]);
  expect((await lines('chunxin')).map((l) => l.split(' ')[0])).toEqual([A, A]);
  expect((await lines('mishuzhang')).map((l) => l.split(' ')[0])).toEqual([B, B]);
  // What the filter form offers follows the same scope.
  expect((await ledger('czt-handler')).choices).toEqual({
    departments: [{ code: 'GDCZT', name: '省财政厅' }],
    leaders: [{ id: 'u-chunxin', name: '春新' }],
  });
});

const stats = async (who: string, query = '') => {
  const res = await as(who).get(`/api/ledger/stats${query}`);
  expect(res.status).toBe(200);
  return res.body as { departments: DepartmentStats[]; total: DepartmentStats };
};

test('the statistics count each department’s tasks received in the period, by the application clock', async () => {
  const all = await stats('zh1-director', '?from=2017-01-01&to=2017-01-31');
  expect(all).toMatchObject({
    today: '2017-01-17',
    from: '2017-01-01',
    to: '2017-01-31',
    basis: 'receivedDate',
  });
  expect(all.departments).toEqual([
    {
      departmentCode: 'GDCZT',
      departmentName: '省财政厅',
      received: 1,
      onTime: 0,
      late: 0,
      open: 1,
      overdueOpen: 1,
      onTimeRate: 0, // already overdue: it counts against
      averageDays: null,
    },
    {
      departmentCode: 'GDFGW',
      departmentName: '省发展改革委',
      received: 2,
      onTime: 1,
      late: 0,
      open: 1,
      overdueOpen: 0,
      onTimeRate: 1,
      averageDays: 6,
    },
    {
      departmentCode: 'GDSFT',
      departmentName: '省司法厅',
      received: 1,
      onTime: 0,
      late: 0,
      open: 1,
      overdueOpen: 0,
      onTimeRate: null, // nothing due yet
      averageDays: null,
    },
  ]);
  expect(all.total).toMatchObject({
    departmentName: '合计',
    received: 4,
    onTime: 1,
    late: 0,
    open: 3,
    overdueOpen: 1,
    onTimeRate: 0.5,
    averageDays: 6,
  });
  // The period is the 收文日期: early January holds A's two departments only.
  const early = await stats('zh1-director', '?from=2017-01-01&to=2017-01-05');
  expect(early.departments.map((d) => d.departmentCode)).toEqual(['GDCZT', 'GDFGW']);
  // A department counts its own.
  const own = await stats('czt-handler');
  expect(own.departments.map((d) => d.departmentCode)).toEqual(['GDCZT']);
  expect((await as('zh1-director').get('/api/ledger/stats?rag=red')).status).toBe(400);
});

const download = async (who: string, query: string) => {
  const res = await as(who).download(`/api/ledger/export${query}`);
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res;
};
const readXlsx = async (content: Buffer) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const values = (sheet: string) =>
    workbook
      .getWorksheet(sheet)!
      .getSheetValues()
      .slice(1)
      .map((row) => (row as ExcelJS.CellValue[]).slice(1));
  return { values, workbook };
};

test('the .xlsx export holds the ledger as on screen, Chinese headers, the overdue row named in words, and the statistics', async () => {
  const res = await download('huangweiyan', '?format=xlsx');
  expect(res.headers['content-type']).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  expect(res.headers['content-disposition']).toMatch(
    /filename\*=UTF-8''%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6-2017-01-17\.xlsx/,
  );
  const { values } = await readXlsx(res.body as Buffer);
  const [headers, ...rows] = values('督办台账');
  expect(headers).toEqual(LEDGER_COLUMNS.map(([h]) => h));
  expect(headers).toEqual(
    expect.arrayContaining([
      '收文编号',
      '办文编号',
      '文号',
      '标题',
      '批示领导',
      '主办/会办',
      '承办单位',
      '回报期限',
      '逾期天数',
      '预警',
    ]),
  );
  expect(rows).toHaveLength(4);
  const cell = (row: ExcelJS.CellValue[] | undefined, header: string) => row?.[headers!.indexOf(header)];
  const overdue = rows.find((r) => cell(r, '承办单位') === '省财政厅');
  expect(Object.fromEntries(headers!.map((h, i) => [h, overdue?.[i] ?? null]))).toEqual({
    收文编号: A,
    办文编号: '发改 0001',
    文号: '国发〔2016〕76号',
    标题: SEED_DIRECTIVE.title,
    紧急程度: '平急',
    批示领导: '春新',
    '主办/会办': '会办',
    承办单位: '省财政厅',
    办理状态: '已转办',
    收文日期: '2017-01-03',
    转办日期: '2017-01-04',
    回报期限: '2017-01-14',
    回报日期: null,
    已用天数: 13,
    逾期天数: 3,
    预警: '红灯',
    预警说明: '逾期 3 天',
  });
  // The hostile title is text in its cell, never a formula.
  expect(cell(rows[0], '标题')).toBe(DIRECTIVE_B.title);
  const [statsHeaders, ...statsRows] = values('统计');
  expect(statsHeaders).toEqual(STATS_COLUMNS.map(([h]) => h));
  expect(statsRows.map((r) => r.slice(0, 8))).toEqual([
    ['省财政厅', 1, 0, 0, 1, 1, '0.0%', undefined],
    ['省发展改革委', 2, 1, 0, 1, 0, '100.0%', 6],
    ['省司法厅', 1, 0, 0, 1, 0, undefined, undefined],
    ['合计', 4, 1, 0, 3, 1, '50.0%', 6],
  ]);

  // The same filters as the screen: red only.
  const red = await readXlsx((await download('huangweiyan', '?format=xlsx&rag=red')).body as Buffer);
  expect(
    red
      .values('督办台账')
      .slice(1)
      .map((r) => r[LEDGER_COLUMNS.findIndex(([h]) => h === '承办单位')]),
  ).toEqual(['省财政厅']);
  // A department exports its own row only.
  const own = await readXlsx((await download('czt-handler', '?format=xlsx')).body as Buffer);
  expect(own.values('督办台账')).toHaveLength(2);
});

test('the CSV export starts with the UTF-8 byte order mark, has Chinese headers and formula-safe cells', async () => {
  const res = await download('huangweiyan', '?format=csv&urgency=%E7%89%B9%E6%80%A5');
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  const content = res.body as Buffer;
  expect([...content.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = content.toString('utf8').slice(1);
  const [header, ...rows] = text.split('\r\n').filter(Boolean);
  expect(header).toBe(LEDGER_COLUMNS.map(([h]) => h).join(','));
  expect(rows).toHaveLength(2);
  // "=关于…" would run as a formula: it is written as text.
  expect(rows[0]).toContain(`,'${DIRECTIVE_B.title},`);
  expect(rows[0]).toContain(',黄灯,2 日内到期');
  expect((await as('huangweiyan').get('/api/ledger/export?format=pdf')).status).toBe(400);
});

test('省财政厅 reports on 2017-01-18: late by 4 days, grey, and the statistics count it late', async () => {
  await api.until('2017-01-18T10:00');
  await theCase.reportLate(A);
  expect(await lines('czt-head')).toEqual([`${A} GDCZT grey 逾期 4 天回报`]);
  const row = (await ledger('czt-head')).items[0]!;
  expect(row).toMatchObject({
    statusName: '已回报',
    reportedDate: '2017-01-18',
    daysUsed: 14,
    overdueDays: 4,
  });
  const czt = (await stats('zh1-director')).departments.find((d) => d.departmentCode === 'GDCZT');
  expect(czt).toMatchObject({
    received: 1,
    onTime: 0,
    late: 1,
    open: 0,
    overdueOpen: 0,
    onTimeRate: 0,
    averageDays: 14,
  });
});

test('the 督查室, the 保密员 and the administrator handle no directive: the ledger is not theirs (403)', async () => {
  for (const who of ['ducha', 'baomi', 'admin'])
    for (const url of ['/api/ledger', '/api/ledger/stats', '/api/ledger/export'])
      expect((await as(who).get(url)).status).toBe(403);
});
