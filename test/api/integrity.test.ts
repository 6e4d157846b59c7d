/**
 * The integrity chain (政务诚信) through the HTTP API, as 国发〔2016〕76号 describes it: the
 * 督查室 registers a 政务失信记录 against 省财政厅 for a commitment it did not keep; 省财政厅
 * explains in writing, plans and reports its rectification (限期整改); the 信用管理员 verifies;
 * 省财政厅 objects (异议) to the record and to a decision (追究责任); the evaluation (政务诚信评价)
 * ranks the bodies before and after; the records go to the credit-sharing platform as JSON and
 * CSV; after the waiting period the record is repaired (信用修复). Then every refusal. The pure
 * parts (the score, the steps offered, the CSV, the request parser) first, without a server.
 */
import type { Request } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { hashPassword } from '../../api/auth/passwords';
import type { HttpError } from '../../api/errors';
import {
  caseSteps,
  csvField,
  integrityScope,
  integrityScore,
  recordSteps,
  toCsv,
  type ScoredCase,
  type ScoredRecord,
} from '../../api/integrity-views';
import { calendarDate, oneOf, parseRequest, requestSchema, text, wholeNumberText } from '../../api/parse';
import { DEFAULT_INTEGRITY_POLICY } from '../../workflows/integrity-policy';
import { SEVERITIES } from '../../workflows/integrity-types';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { signIn } from '../helpers/stack';

jest.setTimeout(300_000);

const FORMULA = DEFAULT_INTEGRITY_POLICY.evaluation;

// ---------------------------------------------------------------------------------------------
// Pure: no server

describe('政务诚信评价: integrityScore', () => {
  const rec = (severity: string, status = 'PLAN_DUE', overdueSteps = 0): ScoredRecord => ({
    severity,
    status,
    overdueSteps,
  });
  const decided = (measure: string | null, status = 'DECIDED'): ScoredCase => ({ measure, status });

  it.each<[string, ScoredRecord[], ScoredCase[], number]>([
    ['a body with nothing against it keeps the base', [], [], 100],
    ['an open 较重 record costs 5', [rec('SERIOUS')], [], 95],
    ['一般 2, 严重 10, together', [rec('GENERAL'), rec('SEVERE', 'VERIFYING')], [], 88],
    ['each overdue rectification step costs 1 more', [rec('GENERAL', 'COMPLETION_DUE', 2)], [], 96],
    [
      'a repaired record (信用修复) no longer counts, nor its overdue steps',
      [rec('SEVERE', 'REPAIRED', 3)],
      [],
      100,
    ],
    ['a record revoked on objection does not count', [rec('SERIOUS', 'REVOKED')], [], 100],
    ['a decision in its 异议期 counts', [], [decided('PUBLIC_CRITICISM')], 97],
    ['a final decision counts', [], [decided('NO_HONOURS', 'FINAL')], 95],
    ['a decision under objection does not count yet', [], [decided('NO_HONOURS', 'OBJECTED')], 100],
    ['免于 (no measure) costs nothing', [], [decided(null, 'FINAL')], 100],
    ['never below the floor', Array.from({ length: 12 }, () => rec('SEVERE')), [], 0],
  ])('%s', (_, records, cases, score) => {
    expect(integrityScore(FORMULA, { records, cases }).score).toBe(score);
  });

  it('lists each deduction with its count and points', () => {
    const result = integrityScore(FORMULA, {
      records: [rec('GENERAL', 'PLAN_DUE', 1), rec('GENERAL'), rec('SEVERE', 'REPAIRED')],
      cases: [decided('PUBLIC_CRITICISM'), decided('REFERRED', 'OBJECTED')],
    });
    expect(result).toEqual({
      score: 92,
      base: 100,
      floor: 0,
      deductions: [
        { what: '失信记录（一般）', kind: 'record', key: 'GENERAL', count: 2, each: 2, points: 4 },
        { what: '整改逾期', kind: 'overdueStep', count: 1, each: 1, points: 1 },
        {
          what: '追责：公开通报批评',
          kind: 'measure',
          key: 'PUBLIC_CRITICISM',
          count: 1,
          each: 3,
          points: 3,
        },
      ],
    });
  });
});

describe('the steps offered on a record and a case', () => {
  const ducha = { id: 'u-ducha', roles: ['CREDIT_OFFICER'], departmentCode: 'GDBGT-DC', clearance: '非密' };
  const xinyong = {
    id: 'u-xinyong',
    roles: ['CREDIT_OFFICER'],
    departmentCode: 'GDBGT-DC',
    clearance: '非密',
  };
  const cztHead = { id: 'u-czt-head', roles: ['DEPT_HEAD'], departmentCode: 'GDCZT', clearance: '非密' };
  const fgwHead = { id: 'u-fgw-head', roles: ['DEPT_HEAD'], departmentCode: 'GDFGW', clearance: '非密' };
  const record = {
    status: 'PLAN_DUE',
    subjectDepartmentCode: 'GDCZT',
    objectionDueDate: '2017-01-18',
    repairableFrom: null,
    openedById: 'u-ducha',
  };
  const pending = [{ status: 'PENDING' }];

  it.each([
    [
      'the subject body plans and may object in the 异议期',
      cztHead,
      record,
      [],
      '2017-01-10',
      ['submitPlan', 'fileObjection'],
    ],
    ['not after the 异议期', cztHead, record, [], '2017-01-19', ['submitPlan']],
    ['nor while an objection is pending', cztHead, record, pending, '2017-01-10', ['submitPlan']],
    ['another body takes none of the subject’s steps', fgwHead, record, [], '2017-01-10', []],
    [
      'the registrar does not review an objection to his own record (回避)',
      ducha,
      record,
      pending,
      '2017-01-10',
      ['correctRecord', 'openCase'],
    ],
    [
      'another officer does',
      xinyong,
      record,
      pending,
      '2017-01-10',
      ['correctRecord', 'openCase', 'reviewObjection'],
    ],
    [
      '信用修复 not before repairableFrom',
      cztHead,
      { ...record, status: 'RECTIFIED', repairableFrom: '2017-04-19' },
      [],
      '2017-04-18',
      [],
    ],
    [
      'from repairableFrom on',
      cztHead,
      { ...record, status: 'RECTIFIED', repairableFrom: '2017-04-19', objectionDueDate: '2017-01-18' },
      [],
      '2017-04-19',
      ['applyRepair'],
    ],
    [
      'nothing on a repaired record: its workflow has ended',
      ducha,
      { ...record, status: 'REPAIRED' },
      [],
      '2017-05-01',
      [],
    ],
  ])('%s', (_, viewer, r, objections, today, steps) => {
    expect(recordSteps(r, objections, viewer, today)).toEqual(steps);
  });

  it('a case’s objection is reviewed by someone other than the decider', () => {
    const director = {
      id: 'u-zh1-director',
      roles: ['OFFICE_DIRECTOR'],
      departmentCode: 'GDBGT-ZH1',
      clearance: '非密',
    };
    const c = {
      status: 'OBJECTED',
      subjectDepartmentCode: 'GDCZT',
      objectionDueDate: '2017-02-10',
      decidedById: director.id,
    };
    expect(caseSteps(c, pending, director, '2017-02-01')).toEqual([]);
    expect(caseSteps(c, pending, xinyong, '2017-02-01')).toEqual(['reviewObjection']);
    expect(caseSteps({ ...c, status: 'DECIDED' }, [], cztHead, '2017-02-10')).toEqual(['fileObjection']);
    expect(caseSteps({ ...c, status: 'DECIDED' }, [], cztHead, '2017-02-11')).toEqual([]);
  });

  it('the credit staff and the office see every body; a department only itself', () => {
    expect(integrityScope(ducha)).toEqual({});
    expect(integrityScope({ roles: ['OFFICE_DIRECTOR'], departmentCode: 'GDBGT-ZH1' })).toEqual({});
    expect(integrityScope(cztHead)).toEqual({ subjectDepartmentCode: 'GDCZT' });
  });
});

describe('CSV for the credit-sharing platform (RFC 4180)', () => {
  it.each([
    ['plain text stays as it is', '省财政厅', '省财政厅'],
    ['a comma is quoted', '说明，整改,完成', '"说明，整改,完成"'],
    ['a quote is doubled inside quotes', '“放管服”及"互联网+"', '"“放管服”及""互联网+"""'],
    ['a line break is quoted', '第一行\n第二行', '"第一行\n第二行"'],
    ['a carriage return is quoted', 'a\rb', '"a\rb"'],
    ['nothing is an empty field', null, ''],
    ['a formula is text, not run', '=HYPERLINK("http://x","点我")', `"'=HYPERLINK(""http://x"",""点我"")"`],
    ['an @ or + first is text too', '@SUM(A1)', "'@SUM(A1)"],
  ])('%s', (_, value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('starts with a byte order mark and ends every line with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b'],
        ['1', null],
      ]),
    ).toBe('\uFEFFa,b\r\n1,\r\n');
  });
});

describe('parseRequest: one schema for body, params and query', () => {
  const schema = requestSchema({
    params: z.object({ id: wholeNumberText('记录序号') }).strict(),
    body: z
      .object({
        severity: z.object({ level: oneOf('严重程度', SEVERITIES) }).strict(),
        months: z.number().int().min(1).max(60).optional(),
        published: z.boolean(),
        occurredOn: calendarDate('发生日期'),
        names: z.array(text('姓名', 5)).optional(),
      })
      .strict(),
  });
  const ok = { severity: { level: 'SERIOUS' }, published: true, occurredOn: '2017-01-03' };
  const problems = (body: unknown, params: object = { id: '1' }, query: object = {}) => {
    try {
      parseRequest(schema, { body, params, query } as unknown as Request);
      return [];
    } catch (err) {
      expect((err as HttpError).status).toBe(400);
      return (err as HttpError).fields;
    }
  };

  it('passes a good request, text trimmed and params as numbers', () => {
    expect(
      parseRequest(schema, {
        body: { ...ok, names: ['  张三 '] },
        params: { id: '7' },
        query: {},
      } as unknown as Request),
    ).toEqual({ body: { ...ok, names: ['张三'] }, params: { id: 7 }, query: {} });
  });

  it.each([
    ['a string where a number belongs', { ...ok, months: '12' }, 'months', '“months”须为数字，而非文字 "12"'],
    [
      'a fraction where a whole number belongs',
      { ...ok, months: 1.5 },
      'months',
      '“months”须为整数，而非数字 1.5',
    ],
    [
      'a string where true or false belongs',
      { ...ok, published: 'true' },
      'published',
      '“published”须为布尔值（true 或 false），而非文字 "true"',
    ],
    [
      'a level not in the catalogue, named in Chinese',
      { ...ok, severity: { level: 'HIGH' } },
      'severity.level',
      '严重程度须为以下之一：GENERAL（一般）、SERIOUS（较重）、SEVERE（严重）',
    ],
    [
      'a date that does not exist',
      { ...ok, occurredOn: '2017-02-30' },
      'occurredOn',
      '发生日期不是有效日期（YYYY-MM-DD）',
    ],
    [
      'a field missing',
      { severity: ok.severity, occurredOn: ok.occurredOn },
      'published',
      '“published”为必填项',
    ],
    ['blank text', { ...ok, names: ['   '] }, 'names[0]', '姓名为必填项'],
    ['text too long', { ...ok, names: ['一二三四五六'] }, 'names[0]', '姓名不得超过 5 个字符'],
    ['an unknown field', { ...ok, remark: 'x' }, 'remark', '“remark”不是本表单的字段'],
    [
      'an unknown nested field',
      { ...ok, severity: { level: 'GENERAL', extra: 1 } },
      'severity.extra',
      '“extra”不是本表单的字段',
    ],
    ['a body that is not an object', ['x'], 'body', '请求内容须为 JSON 对象'],
  ])('refuses %s', (_, body, field, reason) => {
    expect(problems(body)).toEqual([{ field, reason }]);
  });

  it('refuses a bad param and an unknown query key, each by name', () => {
    expect(problems(ok, { id: 'abc' }, { foo: '1' })).toEqual([
      { field: 'id', reason: '记录序号须为不小于 1 的整数' },
      { field: 'foo', reason: '“foo”不是本列表的筛选条件' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Through the API, on the seed's days

const api = useSeedDayApi([
  'ducha',
  'xinyong',
  'zh1-director',
  'czt-head',
  'czt-handler',
  'fgw-head',
  'admin',
]);
const { as } = api;

/** 省财政厅 did not keep its commitment to publish its budget execution (承诺未履行). */
const CZT_BREACH = {
  subject: { kind: 'BODY', departmentCode: 'GDCZT' },
  source: 'BROKEN_COMMITMENT',
  sourceRef: '省财政厅2016年政务公开承诺书第三条',
  facts: '承诺于2016年12月31日前公开部门预算执行情况，逾期未公开。',
  principal: { name: '省财政厅主要负责人', title: '厅长' },
  severity: { level: 'SERIOUS', loss: '政府公信力受损', socialImpact: '媒体报道，群众来信询问' },
  published: true,
  occurredOn: '2017-01-01',
};

let recordId = '';
let caseId = '';
const R = (id = recordId) => `/api/integrity/records/${id}`;
const C = (id = caseId) => `/api/integrity/cases/${id}`;

const ranking = async (who = 'ducha') => {
  const res = await as(who).get('/api/integrity/evaluation');
  expect(res.status).toBe(200);
  return res.body.ranking as { departmentCode: string; score: number }[];
};
const scoreOf = async (code: string) => (await ranking()).find((b) => b.departmentCode === code)?.score;
/** The availableSteps of a record ({ record, cases }) or a case (a list). */
type Steps = { record: string[]; cases: Record<string, string[]> } & string[];
const stepsOf = async (who: string, path = R()): Promise<Steps> =>
  (await as(who).get(path)).body.availableSteps as Steps;
const expectRefused = (
  res: { status: number; body: { error: { code: string } } },
  status: number,
  code?: string,
) => {
  expect({ status: res.status, ...(code ? { code: res.body.error?.code } : {}) }).toEqual({
    status,
    ...(code ? { code } : {}),
  });
};

test('督查员 registers 省财政厅’s broken commitment; only those who may see it do; the ranking counts it', async () => {
  const before = await as('ducha').get('/api/integrity/evaluation');
  expect(before.body).toMatchObject({ from: '2017-01-01', to: '2017-12-31', formula: FORMULA });
  expect(
    before.body.ranking.map((b: { departmentCode: string; score: number }) => [b.departmentCode, b.score]),
  ).toEqual([
    ['GDCZT', 100],
    ['GDFGW', 100],
    ['GDJXW', 100],
    ['GDRST', 100],
    ['GDSFT', 100],
    ['GZ', 100],
  ]);

  const registered = await as('ducha').post('/api/integrity/records', CZT_BREACH);
  expect(registered.status).toBe(201);
  recordId = registered.body.record.recordId;
  expect(recordId).toMatch(/^SX20170103-[0-9a-f]{6}$/);
  expect(registered.headers.location).toBe(`/api/integrity/records/${recordId}`);
  expect(registered.body.record).toMatchObject({
    subjectKind: 'BODY',
    subjectDepartmentCode: 'GDCZT',
    source: 'BROKEN_COMMITMENT',
    principalName: '省财政厅主要负责人',
    severity: 'SERIOUS',
    published: true,
    occurredOn: '2017-01-01',
    status: 'EXPLANATION_DUE',
    openedById: 'u-ducha',
    evidence: null,
  });
  expect(registered.body.entries.map((e: { action: string }) => e.action)).toEqual(['登记失信记录']);
  expect(registered.body).toMatchObject({ cases: [], objections: [], attachments: [] });
  expect(registered.body.task).toBeUndefined();
  expect(registered.body.availableSteps).toEqual({ record: ['correctRecord', 'openCase'], cases: {} });

  // 省财政厅 sees its record and its steps: the head and the handler explain, the head may object.
  expect(await stepsOf('czt-head')).toEqual({ record: ['explain', 'fileObjection'], cases: {} });
  expect(await stepsOf('czt-handler')).toEqual({ record: ['explain'], cases: {} });
  expect(await stepsOf('zh1-director')).toEqual({ record: [], cases: {} });
  // 省发展改革委 does not see it, in the detail or in the list.
  expectRefused(await as('fgw-head').get(R()), 404, 'not_found');
  expect((await as('fgw-head').get('/api/integrity/records')).body).toEqual({
    items: [],
    total: 0,
    page: 1,
    pageSize: 20,
  });
  const own = await as('czt-head').get('/api/integrity/records?status=EXPLANATION_DUE,PLAN_DUE&q=预算');
  expect(own.body).toMatchObject({ total: 1, items: [{ recordId }] });

  const after = await ranking();
  expect(after.map((b) => [b.departmentCode, b.score])).toEqual([
    ['GDFGW', 100],
    ['GDJXW', 100],
    ['GDRST', 100],
    ['GDSFT', 100],
    ['GZ', 100],
    ['GDCZT', 95],
  ]);
  expect(after[5]).toMatchObject({
    records: { open: 1, repaired: 0, revoked: 0 },
    overdueSteps: 0,
    cases: { open: 0, decided: 0 },
  });
});

test('every refused registration names its field and writes nothing', async () => {
  const cases: [string, object, string, string?][] = [
    ['a string where true or false belongs', { ...CZT_BREACH, published: 'true' }, 'published'],
    ['an unknown field', { ...CZT_BREACH, remark: '补充' }, 'remark', '“remark”不是本表单的字段'],
    [
      'a severity not in the catalogue',
      { ...CZT_BREACH, severity: { ...CZT_BREACH.severity, level: 'HIGH' } },
      'severity.level',
      '严重程度须为以下之一：GENERAL（一般）、SERIOUS（较重）、SEVERE（严重）',
    ],
    ['a date that does not exist', { ...CZT_BREACH, occurredOn: '2016-02-30' }, 'occurredOn'],
    [
      'a date after today',
      { ...CZT_BREACH, occurredOn: '2017-01-04' },
      'occurredOn',
      '发生日期不能晚于今天（2017-01-03）',
    ],
    ['a number where a date belongs', { ...CZT_BREACH, occurredOn: 20170101 }, 'occurredOn'],
    ['the source routing alone records', { ...CZT_BREACH, source: 'OVERDUE_TASK' }, 'source'],
    [
      'a civil servant without a name',
      { ...CZT_BREACH, subject: { kind: 'CIVIL_SERVANT', departmentCode: 'GDCZT' } },
      'subject.personName',
    ],
    [
      'a body that is not a responsible department',
      { ...CZT_BREACH, subject: { kind: 'BODY', departmentCode: 'GWY' } },
      'subject.departmentCode',
    ],
    ['blank facts', { ...CZT_BREACH, facts: '   ' }, 'facts', '失信事实为必填项'],
    ['a principal without a title', { ...CZT_BREACH, principal: { name: '某某' } }, 'principal.title'],
    [
      'an attachment that is not an upload of this person',
      { ...CZT_BREACH, attachments: ['no-such-file'] },
      'attachments[0]',
    ],
  ];
  for (const [what, body, field, reason] of cases) {
    const res = await as('ducha').post('/api/integrity/records', body);
    expect({ what, status: res.status, code: res.body.error?.code }).toEqual({
      what,
      status: 400,
      code: 'invalid_input',
    });
    expect(res.body.error.fields).toContainEqual(
      reason ? { field, reason } : expect.objectContaining({ field }),
    );
  }
  expect((await as('ducha').get('/api/integrity/records')).body.total).toBe(1);
});

test('refusals: wrong role 403, another body 404 or 403, unknown record 404, bad query and params 400', async () => {
  // Wrong role, from the step tables.
  for (const [who, method, url, body] of [
    ['czt-head', 'post', '/api/integrity/records', CZT_BREACH],
    ['ducha', 'post', `${R()}/explanation`, { text: '代为说明' }],
    ['czt-handler', 'post', `${R()}/plan`, { text: '承办人不能报方案' }],
    ['czt-head', 'post', `${R()}/verification`, { pass: true }],
    ['czt-head', 'post', `${R()}/cases`, { reason: '自行立案' }],
    ['czt-head', 'put', '/api/integrity/policy', DEFAULT_INTEGRITY_POLICY],
    ['czt-head', 'get', '/api/integrity/records/export', undefined],
  ] as const) {
    const client = as(who);
    const res = method === 'get' ? await client.get(url) : await client[method](url, body ?? {});
    expect({ who, url, status: res.status }).toEqual({ who, url, status: 403 });
  }

  // Another body: 省发展改革委’s head cannot see 省财政厅’s record, so it does not exist for him.
  expectRefused(await as('fgw-head').post(`${R()}/explanation`, { text: '越权' }), 404, 'not_found');
  // One who sees every record (a 省发展改革委 head seconded to credit work) still acts only for his own body.
  const db = api.stack.database.db;
  await db.user.create({
    data: {
      id: 'u-fgw-liaison',
      username: 'fgw-liaison',
      displayName: '省发展改革委信用联络员',
      departmentCode: 'GDFGW',
      passwordHash: await hashPassword('liaison-2017'),
      roles: { create: [{ role: 'DEPT_HEAD' }, { role: 'CREDIT_OFFICER' }] },
    },
  });
  const liaison = await signIn(api.stack.app, 'fgw-liaison', 'liaison-2017');
  const asLiaison = { Authorization: `Bearer ${liaison}` };
  const seconded = await request(api.stack.app)
    .post(`${R()}/explanation`)
    .set(asLiaison)
    .send({ text: '越权说明' });
  expectRefused(seconded, 403, 'not_yours');

  // Unknown record; a record id that cannot be one.
  expectRefused(await as('ducha').get(R('SX20170103-000000')), 404, 'not_found');
  expectRefused(await as('ducha').post(`${R('SX20170103-000000')}/cases`, { reason: '立案' }), 404);
  const badId = await as('ducha').get(R('SX%20x'));
  expect(badId.body.error.fields).toEqual([
    { field: 'recordId', reason: '政务失信记录编号格式不正确，应如 SX20170103-4f2a9c' },
  ]);
  const badObjection = await as('xinyong').post(`${R()}/objections/abc/review`, {
    uphold: false,
    reasons: '无',
  });
  expect(badObjection.body.error.fields).toEqual([
    { field: 'objectionId', reason: '异议编号须为不小于 1 的整数' },
  ]);

  // Lists and periods: every query value parsed.
  for (const [url, field] of [
    ['/api/integrity/records?page=abc', 'page'],
    ['/api/integrity/records?pageSize=500', 'pageSize'],
    ['/api/integrity/records?foo=1', 'foo'],
    ['/api/integrity/records?status=DONE', 'status[0]'],
    ['/api/integrity/records?severity=SERIOUS&severity=SEVERE', 'severity'],
    ['/api/integrity/evaluation?from=2017-13-01', 'from'],
    ['/api/integrity/evaluation?from=2017-06-01&to=2017-01-01', 'to'],
    ['/api/integrity/records/export?format=xml', 'format'],
    ['/api/integrity/records/export?includeUnpublished=yes', 'includeUnpublished'],
  ] as const) {
    const res = await as('ducha').get(url);
    expect({
      url,
      status: res.status,
      fields: res.body.error?.fields?.map((f: { field: string }) => f.field),
    }).toEqual({
      url,
      status: 400,
      fields: [field],
    });
  }

  // Steps with a string where a boolean or a number belongs, and an unknown field.
  const verify = await as('xinyong').post(`${R()}/verification`, { pass: 'true', comment: '好' });
  expect(verify.body.error.fields).toEqual([
    { field: 'pass', reason: '“pass”须为布尔值（true 或 false），而非文字 "true"' },
  ]);
  const correction = await as('ducha').post(`${R()}/corrections`, {
    changes: { revoke: true },
    reason: '撤销',
  });
  expect(correction.body.error.fields).toContainEqual({
    field: 'changes.revoke',
    reason: '“revoke”不是本表单的字段',
  });
  expect((await as('ducha').get(R())).body.entries).toHaveLength(1);
});

test('省财政厅 explains a day late, plans, and objects; the registrar may not review it, another officer upholds it', async () => {
  // The written explanation was due on 2017-01-08: the step went overdue.
  await api.until('2017-01-09T10:00');
  const late = (await as('czt-head').get(R())).body.record;
  expect(late).toMatchObject({
    status: 'EXPLANATION_DUE',
    dueDate: '2017-01-08',
    overdue: true,
    overdueSteps: 1,
  });
  expect(await scoreOf('GDCZT')).toBe(94);

  const explained = await as('czt-handler').post(`${R()}/explanation`, {
    text: '  因预算执行数据汇总滞后，未能按期公开。  ',
  });
  expect(explained.status).toBe(200);
  expect(explained.body.state).toMatchObject({
    status: 'PLAN_DUE',
    explanation: { text: '因预算执行数据汇总滞后，未能按期公开。' },
  });
  const planned = await as('czt-head').post(`${R()}/plan`, {
    text: '1月20日前完成数据汇总并在门户网站公开。',
  });
  expect(planned.body.state.status).toBe('COMPLETION_DUE');

  const objected = await as('czt-head').post(`${R()}/objections`, {
    reason: '延误系数据系统故障所致，损失有限，严重程度应为一般。',
  });
  expect(objected.status).toBe(200);
  expect(objected.body.state.objections).toMatchObject([{ id: 1, status: 'PENDING' }]);
  // The registrar (督查员) is not offered the review and is refused it; the 信用管理员 is offered it.
  expect((await stepsOf('ducha')).record).toEqual(['correctRecord', 'openCase']);
  expect((await stepsOf('xinyong')).record).toEqual(['correctRecord', 'openCase', 'reviewObjection']);
  expect((await stepsOf('czt-head')).record).toEqual(['reportCompletion']);
  expectRefused(
    await as('ducha').post(`${R()}/objections/1/review`, { uphold: false, reasons: '维持' }),
    403,
    'not_yours',
  );
  const upheld = await as('xinyong').post(`${R()}/objections/1/review`, {
    uphold: true,
    reasons: '经核实，延误系系统故障，改为一般。',
    correction: { severity: 'GENERAL' },
  });
  expect(upheld.status).toBe(200);
  const corrected = (await as('czt-head').get(R())).body;
  expect(corrected.record.severity).toBe('GENERAL');
  expect(corrected.objections).toMatchObject([{ objectionId: 1, status: 'UPHELD', reviewerId: 'u-xinyong' }]);
  expect(corrected.entries.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining(['书面说明原因', '报送整改方案', '提出异议', '异议成立']),
  );
  // 一般 2 and one overdue step.
  expect(await scoreOf('GDCZT')).toBe(97);

  // After the 异议期 (to 2017-01-18) no more objections.
  expect(corrected.record.objectionDueDate).toBe('2017-01-18');
  await api.until('2017-01-19T10:00');
  expect((await stepsOf('czt-head')).record).toEqual(['reportCompletion']);
  expectRefused(await as('czt-head').post(`${R()}/objections`, { reason: '再次异议' }), 409, 'not_now');
});

test('整改完成 with its report, 验收, then 追究责任: investigation, 自我纠错, decision, objection and review', async () => {
  const pdf = await as('czt-head').upload('整改报告.pdf', Buffer.from('%PDF-1.4\n省财政厅整改报告\n'));
  expect(pdf.status).toBe(201);
  const reported = await as('czt-head').post(`${R()}/completion`, {
    text: '已于1月18日在门户网站公开部门预算执行情况。',
    attachments: [pdf.body.attachment.id],
  });
  expect(reported.body.state.status).toBe('VERIFYING');
  expect((await as('xinyong').get(R())).body.attachments).toMatchObject([
    { id: pdf.body.attachment.id, fileName: '整改报告.pdf' },
  ]);
  const verified = await as('xinyong').post(`${R()}/verification`, { pass: true, comment: '整改到位' });
  expect(verified.body.state).toMatchObject({ status: 'RECTIFIED', repairableFrom: '2017-04-19' });
  // 信用修复 waits 90 days after 验收.
  expect((await stepsOf('czt-head')).record).toEqual([]);
  expectRefused(await as('czt-head').post(`${R()}/repair`, { statement: '申请修复' }), 409, 'not_now');

  const opened = await as('ducha').post(`${R()}/cases`, { reason: '未履行公开承诺，追究主要负责人责任。' });
  expect(opened.status).toBe(200);
  caseId = opened.body.caseId;
  expect(caseId).toBe(`${recordId}-1`);
  const fresh = (await as('ducha').get(C())).body;
  expect(fresh).toMatchObject({
    case: {
      caseId,
      recordId,
      status: 'INVESTIGATING',
      trigger: 'BY_HAND',
      principalName: '省财政厅主要负责人',
    },
    record: { recordId, status: 'RECTIFIED', subjectDepartmentCode: 'GDCZT' },
    objections: [],
    availableSteps: ['concludeInvestigation'],
  });
  expect(await stepsOf('czt-head', C())).toEqual(['showMitigation']);
  expect((await stepsOf('ducha')).cases).toEqual({ [caseId]: ['concludeInvestigation'] });
  expectRefused(await as('fgw-head').get(C()), 404);

  expect(
    (await as('ducha').post(`${C()}/investigation`, { findings: '承诺未履行属实。' })).body.state.status,
  ).toBe('AWAITING_DECISION');
  const shown = await as('czt-head').post(`${C()}/mitigation`, {
    grounds: ['REMOVED_EFFECT', 'REMOVED_EFFECT'],
    statement: '已公开并作出说明',
  });
  expect(shown.body.error.fields).toEqual([{ field: 'grounds', reason: '自我纠错情形不得重复' }]);
  const mitigated = await as('czt-head').post(`${C()}/mitigation`, {
    grounds: ['REMOVED_EFFECT'],
    statement: '已公开并向社会作出说明，消除不良影响。',
  });
  expect(mitigated.status).toBe(200);

  // A string where a number belongs, and a body's measure against the rules, are refused first.
  const months = await as('zh1-director').post(`${C()}/decision`, {
    measure: 'NO_HONOURS',
    periodMonths: '12',
    reasons: '取消评优',
  });
  expect(months.body.error.fields).toEqual([
    { field: 'periodMonths', reason: '“periodMonths”须为数字，而非文字 "12"' },
  ]);
  const wrongMeasure = await as('zh1-director').post(`${C()}/decision`, {
    measure: 'NO_COMMENDATION',
    reasons: '限制评优评先',
  });
  expect(wrongMeasure.body.error.fields).toEqual([
    { field: 'measure', reason: '限制评优评先（NO_COMMENDATION）不适用于政府机构' },
  ]);
  const decided = await as('zh1-director').post(`${C()}/decision`, {
    measure: 'PUBLIC_CRITICISM',
    mitigation: { outcome: 'LIGHTER', grounds: ['REMOVED_EFFECT'], explanation: '主动消除不良影响，从轻。' },
    reasons: '承诺未履行，予以公开通报批评。',
  });
  expect(decided.body.state).toMatchObject({ status: 'DECIDED', decision: { measure: 'PUBLIC_CRITICISM' } });
  expect(await scoreOf('GDCZT')).toBe(94);

  const objected = await as('czt-head').post(`${C()}/objections`, { reason: '已整改到位，请求免于通报。' });
  expect(objected.body.state.status).toBe('OBJECTED');
  // Under objection the decision does not count yet.
  expect(await scoreOf('GDCZT')).toBe(97);
  expect(await stepsOf('zh1-director', C())).toEqual([]);
  expectRefused(
    await as('zh1-director').post(`${C()}/objections/1/review`, { uphold: false, reasons: '维持' }),
    403,
    'not_yours',
  );
  const reviewed = await as('xinyong').post(`${C()}/objections/1/review`, {
    uphold: false,
    reasons: '通报批评已从轻，维持原决定。',
  });
  expect(reviewed.body.state.status).toBe('FINAL');

  const body = await as('czt-head').get('/api/integrity/evaluation/GDCZT');
  expect(body.status).toBe(200);
  expect(body.body).toMatchObject({
    from: '2017-01-01',
    to: '2017-12-31',
    department: { code: 'GDCZT', name: '省财政厅' },
    score: {
      score: 94,
      deductions: [
        { what: '失信记录（一般）', count: 1, points: 2 },
        { what: '整改逾期', count: 1, points: 1 },
        { what: '追责：公开通报批评', count: 1, points: 3 },
      ],
    },
    records: [{ recordId, status: 'RECTIFIED', counts: true }],
    rectifications: [],
    cases: [{ caseId, status: 'FINAL', measure: 'PUBLIC_CRITICISM', counts: true }],
  });
  expectRefused(await as('fgw-head').get('/api/integrity/evaluation/GDCZT'), 404);
  expect((await as('fgw-head').get('/api/integrity/evaluation/GDFGW')).body.score.score).toBe(100);
  // The ranking counts unpublished records of every body: the office's and 督查室's, not a body's.
  expectRefused(await as('czt-head').get('/api/integrity/evaluation'), 403, 'not_yours');
});

/** A minimal RFC 4180 reader, to read the export back. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    if (quoted && c === '"' && next === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && next === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

test('the records go to the credit-sharing platform: published ones for the office, all for the credit staff', async () => {
  // An unpublished record of a civil servant of 省司法厅, registered twice with one Idempotency-Key.
  const sft = {
    ...CZT_BREACH,
    subject: { kind: 'CIVIL_SERVANT', departmentCode: 'GDSFT', personName: '李某' },
    source: 'JUDGMENT',
    sourceRef: '（2016）粤01行初123号',
    facts: '拒不执行生效判决，经"督促"仍未履行，\n造成当事人损失。',
    principal: { name: '省司法厅主要负责人', title: '厅长' },
    severity: { level: 'GENERAL', loss: '当事人损失5万元', socialImpact: '较小' },
    published: false,
  };
  const key = { 'Idempotency-Key': 'sft-judgment-0001' };
  const first = await as('ducha', key).post('/api/integrity/records', sft);
  const retry = await as('ducha', key).post('/api/integrity/records', sft);
  expect([first.status, retry.status]).toEqual([201, 201]);
  expect(retry.body.record.recordId).toBe(first.body.record.recordId);
  const sftId = first.body.record.recordId as string;

  const office = await as('zh1-director').get('/api/integrity/records/export?from=2017-01-01&to=2017-12-31');
  expect(office.status).toBe(200);
  expect(office.body).toMatchObject({
    platform: '全国信用信息共享平台',
    format: 'duban.integrity-records.v1',
    from: '2017-01-01',
    to: '2017-12-31',
    includeUnpublished: false,
    count: 1,
  });
  expect(office.body.records).toEqual([
    {
      recordId,
      subject: {
        kind: { key: 'BODY', label: '政府机构' },
        departmentCode: 'GDCZT',
        name: '省财政厅',
        personName: null,
      },
      source: { key: 'BROKEN_COMMITMENT', label: '承诺未履行' },
      sourceRef: CZT_BREACH.sourceRef,
      facts: CZT_BREACH.facts,
      principal: CZT_BREACH.principal,
      severity: { key: 'GENERAL', label: '一般' },
      loss: CZT_BREACH.severity.loss,
      socialImpact: CZT_BREACH.severity.socialImpact,
      published: true,
      occurredOn: '2017-01-01',
      openedAt: expect.stringMatching(/^2017-01-03T01:00:/),
      status: { key: 'RECTIFIED', label: '整改已验收' },
      rectifiedAt: expect.stringMatching(/^2017-01-19T/),
      repairedAt: null,
      revokedAt: null,
      cases: [
        {
          caseId,
          status: 'FINAL',
          measure: { key: 'PUBLIC_CRITICISM', label: '公开通报批评' },
          decidedAt: expect.stringMatching(/^2017-01-19T/),
        },
      ],
    },
  ]);
  expectRefused(await as('zh1-director').get('/api/integrity/records/export?includeUnpublished=true'), 403);

  const all = await as('ducha').get('/api/integrity/records/export?includeUnpublished=true');
  expect(all.body.records.map((r: { recordId: string }) => r.recordId)).toEqual([recordId, sftId]);
  expect(all.body.records[1].subject).toEqual({
    kind: { key: 'CIVIL_SERVANT', label: '公务员' },
    departmentCode: 'GDSFT',
    name: '省司法厅',
    personName: '李某',
  });

  const csv = await as('ducha').download('/api/integrity/records/export?format=csv&includeUnpublished=true');
  expect(csv.status).toBe(200);
  expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(csv.headers['content-disposition']).toContain('integrity-records-2017-01-01-2017-12-31.csv');
  const text = (csv.body as Buffer).toString('utf8');
  expect(text.startsWith('\uFEFF记录编号 (recordId),主体类型 (subjectKind),')).toBe(true);
  const [header, ...lines] = readCsv(text.slice(1));
  expect(header).toHaveLength(25);
  expect(lines).toHaveLength(2);
  const sftLine = Object.fromEntries(header!.map((h, i) => [/\((\w+)\)/.exec(h)![1], lines[1]![i]]));
  expect(sftLine).toMatchObject({
    recordId: sftId,
    subjectKind: 'CIVIL_SERVANT',
    subjectName: '省司法厅',
    subjectPerson: '李某',
    sourceLabel: '司法判决',
    facts: sft.facts,
    severityLabel: '一般',
    published: 'false',
    statusLabel: '待书面说明',
    caseMeasures: '',
  });
  expect(
    Object.fromEntries(header!.map((h, i) => [/\((\w+)\)/.exec(h)![1], lines[0]![i]])).caseMeasures,
  ).toMatch(/^公开通报批评 2017-01-19T/);
});

test('after 90 days 省财政厅 applies for 信用修复; once repaired the record no longer counts and takes no step', async () => {
  await api.until('2017-04-19T10:00');
  expect((await stepsOf('czt-head')).record).toEqual(['applyRepair']);
  const applied = await as('czt-head').post(`${R()}/repair`, { statement: '已整改到位，申请信用修复。' });
  expect(applied.body.state.status).toBe('REPAIR_REQUESTED');
  const refused = await as('xinyong').post(`${R()}/repair/decision`, { approve: false });
  expect(refused.body.error.fields).toEqual([{ field: 'comment', reason: '不予修复的理由为必填项' }]);
  const repaired = await as('xinyong').post(`${R()}/repair/decision`, { approve: true, comment: '准予修复' });
  expect(repaired.body.state.status).toBe('REPAIRED');

  const gdczt = (await ranking()).find((b) => b.departmentCode === 'GDCZT');
  // The repaired record and its overdue step no longer count; the decided case still does.
  expect(gdczt).toMatchObject({ score: 97, records: { open: 0, repaired: 1, revoked: 0 }, overdueSteps: 0 });
  expect((await stepsOf('ducha')).record).toEqual([]);

  // Its workflow has ended: a step is 409 naming the record's status.
  const handle = api.env.client.workflow.getHandle(`breach-record-${recordId}`);
  while ((await handle.describe()).status.name === 'RUNNING') await api.env.sleep(1000);
  const late = await as('ducha').post(`${R()}/corrections`, {
    changes: { published: false },
    reason: '更正',
  });
  expect(late.status).toBe(409);
  expect(late.body.error.message).toBe(
    `政务失信记录 ${recordId} 当前状态为已信用修复（REPAIRED），不能再办理`,
  );
});

test('the office director sets a new integrity policy; the old name is refused, a bad one names its field', async () => {
  expect((await as('czt-head').get('/api/integrity/policy')).body.policy.version).toBe('integrity-2017');
  const next = {
    ...DEFAULT_INTEGRITY_POLICY,
    version: 'integrity-2017b',
    rectification: { ...DEFAULT_INTEGRITY_POLICY.rectification, explainWithinDays: 7 },
  };
  expectRefused(await as('ducha').put('/api/integrity/policy', next), 403);
  const bad = await as('zh1-director').put('/api/integrity/policy', {
    ...next,
    noticeHour: '9',
    evaluation: { ...next.evaluation, floor: 200 },
  });
  expect(bad.body.error.fields).toEqual([
    { field: 'noticeHour', reason: '“noticeHour”须为数字，而非文字 "9"' },
    { field: 'evaluation.floor', reason: '最低分不得高于基准分' },
  ]);
  const saved = await as('zh1-director').put('/api/integrity/policy', next);
  expect(saved.status).toBe(201);
  expect(
    (await as('czt-head').get('/api/integrity/policy')).body.policy.rectification.explainWithinDays,
  ).toBe(7);
  expectRefused(await as('admin').put('/api/integrity/policy', next), 409, 'duplicate');

  // A record opened from now on keeps the new version: 7 days to explain.
  const opened = await as('ducha').post('/api/integrity/records', {
    ...CZT_BREACH,
    subject: { kind: 'BODY', departmentCode: 'GDFGW' },
    occurredOn: '2017-04-18',
  });
  expect(opened.body.record).toMatchObject({ status: 'EXPLANATION_DUE', dueDate: '2017-04-26' });
});
