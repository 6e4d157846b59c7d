/**
 * A guard for the future: what a person reads of a refusal is Chinese. A sample of refusals from
 * each line of defence — the schemas' default reasons and building blocks, a route's 404, the
 * workflow validators' 400, 403 and 409 passed through — each with a message and field reasons
 * that hold Chinese and no English words; only the machine-readable parts stay as they are: the
 * `code`, the `field` keys, codes in capitals (CLERK, INSTRUCTED), ids, a key sent in quotes.
 */
import type { Response } from 'supertest';
import request from 'supertest';
import { SEED_DIRECTIVE, signIn } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi([
  'huangweiyan',
  'chenweiyan',
  'zh1-director',
  'chunxin',
  'mishuzhang',
  'ducha',
  'admin',
]);
const { as } = api;

/** Words of a text that are English: not a code in capitals, an id, a URL path or a quoted key. */
function englishWords(text: string): string[] {
  const bare = text
    .replace(/“[^”]*”|"[^"]*"/g, '') // a key or a value as it was sent
    .replace(/\/\S*/g, '') // a URL path
    .replace(/Idempotency-Key|YYYY-MM-DD|JSON|true|false/g, '');
  return (bare.match(/[A-Za-z][A-Za-z0-9_-]*/g) ?? []).filter(
    (w) => !/^[A-Z][A-Z0-9_]*$/.test(w) && !/[-\d]/.test(w), // CLERK, GDFGW, u-chunxin, 1e300
  );
}

const CJK = /[\u4e00-\u9fff]/;

/** The refusal has the status and code expected, and every text of it reads in Chinese. */
function expectChinese(res: Response, status: number, code: string) {
  expect([res.status, res.body.error?.code]).toEqual([status, code]);
  const { message, fields = [] } = res.body.error as {
    message: string;
    fields?: { field: string; reason: string }[];
  };
  for (const text of [message, ...fields.map((f) => f.reason)]) {
    expect(text).toMatch(CJK);
    expect([text, englishWords(text)]).toEqual([text, []]);
  }
  return res.body.error as { message: string; fields?: { field: string; reason: string }[] };
}

const PROPOSAL = {
  leadDepartment: 'GDFGW',
  handlingOption: 1,
  leaders: ['u-chunxin'],
  comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
};

test('the schemas’ refusals name each field in Chinese: defaults, building blocks and unknown keys', async () => {
  const clerk = as('huangweiyan');
  const empty = expectChinese(await clerk.post('/api/directives', {}), 400, 'invalid_input');
  expect(empty.fields).toContainEqual({ field: 'title', reason: '来文标题为必填项' });

  const typed = expectChinese(
    await clerk.post('/api/directives', { ...SEED_DIRECTIVE, copies: '1', priority: 'high' }),
    400,
    'invalid_input',
  );
  expect(typed.fields).toEqual([
    { field: 'copies', reason: '份数须为 1 至 9999 的整数' },
    { field: 'priority', reason: '“priority”不是本表单的字段' },
  ]);

  expect(expectChinese(await clerk.get('/api/directives?page=abc'), 400, 'invalid_input').fields).toEqual([
    { field: 'page', reason: '页码须为不小于 1 的整数' },
  ]);
  expect(expectChinese(await clerk.get('/api/inbox?unread=true'), 400, 'invalid_input').fields).toEqual([
    { field: 'unread', reason: '“unread”不是本列表的筛选条件' },
  ]);
  expectChinese(
    await request(api.stack.app)
      .post('/api/directives')
      .set('Authorization', `Bearer ${await signIn(api.stack.app, 'huangweiyan')}`)
      .set('Content-Type', 'application/json')
      .send('{"title":'),
    400,
    'invalid_json',
  );
});

test('a route’s 404 and the workflows’ 400, 403 and 409 pass through in Chinese', async () => {
  expectChinese(await as('huangweiyan').get('/api/directives/209900001'), 404, 'not_found');
  expectChinese(await as('huangweiyan').get('/api/no-such-thing'), 404, 'not_found');

  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  const path = `/api/directives/${registered.body.directive.receiptNumber}`;
  // 拟办 before 初审: the workflow's 409.
  expectChinese(await as('huangweiyan').post(`${path}/proposal`, PROPOSAL), 409, 'not_now');
  expect((await as('huangweiyan').post(`${path}/initial-review`, { decision: 'ACCEPT' })).status).toBe(200);

  // A 回报期限 already past passes the schema (a real date); the workflow's validator refuses it.
  const past = expectChinese(
    await as('huangweiyan').post(`${path}/proposal`, { ...PROPOSAL, dueDate: '2017-01-02' }),
    400,
    'invalid_input',
  );
  expect(past.fields).toEqual([{ field: 'dueDate', reason: '回报期限不能早于今天（2017-01-03）' }]);

  expect((await as('huangweiyan').post(`${path}/proposal`, PROPOSAL)).status).toBe(200);
  expect((await as('chenweiyan').post(`${path}/review`, { decision: 'APPROVE' })).status).toBe(200);
  // The same reviewer again, where the office director signs next: the validator's 403.
  const twice = await as('chenweiyan').post(`${path}/review`, { decision: 'APPROVE' });
  expect(expectChinese(twice, 403, 'not_yours').message).toBe(
    '审核（第 2 级，共 2 级）须由以下角色办理：处长/秘书长（OFFICE_DIRECTOR）',
  );
  expect((await as('zh1-director').post(`${path}/review`, { decision: 'APPROVE' })).status).toBe(200);

  expect(
    (await as('chunxin').post(`${path}/instruction`, { decision: 'APPROVE', text: '同意' })).status,
  ).toBe(200);
  const again = await as('chunxin').post(`${path}/instruction`, { decision: 'APPROVE', text: '同意' });
  expect(expectChinese(again, 409, 'not_now').message).toBe('当前状态为已批示（INSTRUCTED），不能批示');
});

test('an upload, a 委托, the sign-in and role guards and an integrity step refuse in Chinese', async () => {
  const exe = expectChinese(
    await as('huangweiyan').upload('setup.exe', Buffer.from('MZ')),
    415,
    'unsupported_type',
  );
  expect(exe).toEqual({
    code: 'unsupported_type',
    message: '只接受以下类型的文件：PDF、OFD、DOCX、XLSX、DOC、WPS、JPG、PNG、TIF',
    fields: [
      { field: 'fileName', reason: '文件类型须为以下之一：PDF、OFD、DOCX、XLSX、DOC、WPS、JPG、PNG、TIF' },
    ],
  });
  const notPdf = await as('huangweiyan').upload('说明.pdf', Buffer.from('not a pdf at all'));
  expect(expectChinese(notPdf, 415, 'unsupported_type')).toEqual({
    code: 'unsupported_type',
    message: '文件内容不是 PDF 文件',
    fields: [{ field: 'body', reason: '文件内容与扩展名（PDF）不符' }],
  });

  // 委托: acting for a leader who has not delegated today, and a period that ends before it starts.
  const standIn = await as('mishuzhang', { 'On-Behalf-Of': 'u-chunxin' }).get('/api/directives');
  expect(expectChinese(standIn, 403, 'not_delegated').message).toBe(
    'u-chunxin 今天（2017-01-03）未委托您代为办理',
  );
  const backwards = await as('chunxin').post('/api/delegations', {
    toUserId: 'u-chunxin',
    startsOn: '2017-01-05',
    endsOn: '2017-01-04',
    reason: '出差',
  });
  expect(expectChinese(backwards, 400, 'invalid_input').fields).toEqual([
    { field: 'endsOn', reason: '委托截止日期不能早于委托起始日期' },
  ]);
  const toSelf = await as('chunxin').post('/api/delegations', {
    toUserId: 'u-chunxin',
    startsOn: '2017-01-03',
    endsOn: '2017-01-05',
    reason: '出差',
  });
  expect(expectChinese(toSelf, 400, 'invalid_input').fields).toEqual([
    { field: 'toUserId', reason: '受托人须为本人以外在职的同事' },
  ]);

  // Not signed in; signed in without the role the route asks for.
  expect(
    expectChinese(await request(api.stack.app).get('/api/directives'), 401, 'unauthenticated').message,
  ).toBe('请先登录：会话无效或已过期');
  expect(
    expectChinese(await as('chunxin').post('/api/directives', SEED_DIRECTIVE), 403, 'forbidden').message,
  ).toBe('此操作须由以下角色办理：文秘/经办人（CLERK）');

  // 政务失信记录: a date after today, an id that cannot be one, a record that does not exist.
  const future = await as('ducha').post('/api/integrity/records', {
    subject: { kind: 'BODY', departmentCode: 'GDCZT' },
    source: 'BROKEN_COMMITMENT',
    sourceRef: '省财政厅2016年政务公开承诺书第三条',
    facts: '承诺于2016年12月31日前公开部门预算执行情况，逾期未公开。',
    principal: { name: '省财政厅主要负责人', title: '厅长' },
    severity: { level: 'SERIOUS', loss: '政府公信力受损', socialImpact: '媒体报道，群众来信询问' },
    published: true,
    occurredOn: '2017-01-04',
  });
  expect(expectChinese(future, 400, 'invalid_input').fields).toEqual([
    { field: 'occurredOn', reason: '发生日期不能晚于今天（2017-01-03）' },
  ]);
  expect(
    expectChinese(await as('ducha').get('/api/integrity/records/SX%20x'), 400, 'invalid_input').fields,
  ).toEqual([{ field: 'recordId', reason: '政务失信记录编号格式不正确，应如 SX20170103-4f2a9c' }]);
  const missing = await as('ducha').get('/api/integrity/records/SX20170103-000000');
  expect(expectChinese(missing, 404, 'not_found').message).toBe('找不到政务失信记录 SX20170103-000000');
});

test('the routing and integrity policy forms and the audit chain’s check answer in Chinese', async () => {
  // 督办规则: a version with a space, a negative 回报天数, a key in capitals and one twice, and a
  // breachOpening that is neither of its two forms.
  const policy = (await as('zh1-director').get('/api/policy')).body.policy;
  const rule = { kind: 'REMINDER', offsetDays: -1, recipients: ['DEPT_HANDLER'] };
  const routing = await as('zh1-director').put('/api/policy', {
    ...policy,
    version: 'Working Days 2017',
    handlingOptions: {
      ...policy.handlingOptions,
      1: { ...policy.handlingOptions[1], reportWithinDays: -5 },
    },
    notices: {
      ...policy.notices,
      特急: [
        { ...rule, key: 'Remind-3' },
        { ...rule, key: 'remind-1' },
        { ...rule, key: 'remind-1' },
      ],
    },
    breachOpening: { afterDays: 3 },
  });
  expect(expectChinese(routing, 400, 'invalid_input').fields).toEqual([
    { field: 'version', reason: '政策版本须由字母、数字和 . _ - 组成（至多 40 个字符），如 seed-2017' },
    { field: 'handlingOptions.1.reportWithinDays', reason: '“reportWithinDays”不得小于 1' },
    {
      field: 'notices.特急[0].key',
      reason: '提醒规则代号须由小写字母、数字和 - 组成（至多 40 个字符），如 remind-3',
    },
    { field: 'notices.特急', reason: '提醒规则代号不得重复' },
    {
      field: 'breachOpening',
      reason:
        '自动登记失信记录的条件须为逾期天数（“afterDaysOverdue”）或升级督办代号（“afterEscalation”）二者之一',
    },
  ]);

  // 诚信规则: a version with a space, a key in capitals, a severity twice, months for a measure that
  // does not run for a period, a floor above the base.
  const integrity = (await as('zh1-director').get('/api/integrity/policy')).body.policy;
  const refused = await as('zh1-director').put('/api/integrity/policy', {
    ...integrity,
    version: 'integrity 2017b',
    rectification: { ...integrity.rectification, ladder: [{ ...rule, key: 'Remind-1' }] },
    caseOpening: { onFailedVerification: true, severities: ['SEVERE', 'SEVERE'] },
    measurePeriodMonths: { RECTIFY_ONLY: 6 },
    evaluation: { ...integrity.evaluation, floor: integrity.evaluation.base + 1 },
  });
  expect(expectChinese(refused, 400, 'invalid_input').fields).toEqual([
    {
      field: 'version',
      reason: '政务诚信政策版本须由字母、数字和 . _ - 组成（至多 40 个字符），如 integrity-2017',
    },
    {
      field: 'rectification.ladder[0].key',
      reason: '提醒规则代号须由小写字母、数字和 - 组成（至多 40 个字符），如 remind-1',
    },
    { field: 'caseOpening.severities', reason: '自动立案的严重程度不得重复' },
    {
      field: 'measurePeriodMonths',
      reason:
        '期限（月数）仅适用于以下追责措施：NO_HONOURS（取消参加荣誉评选资格）、NO_COMMENDATION（限制评优评先）',
    },
    { field: 'evaluation.floor', reason: '最低分不得高于基准分' },
  ]);

  // 审计日志: a head that is not a hash is refused; one that is not in the chain is a problem, in words.
  expect(
    expectChinese(await as('admin').get('/api/audit/verify?head=abc'), 400, 'invalid_input').fields,
  ).toEqual([{ field: 'head', reason: '末条哈希须为此前记录的 SHA-256 哈希（64 位十六进制数字）' }]);
  const head = '0'.repeat(64);
  const verified = await as('admin').get(`/api/audit/verify?head=${head}`);
  expect([verified.status, verified.body.ok]).toEqual([200, false]);
  const messages = (verified.body.problems as { message: string }[]).map((p) => p.message);
  expect(messages).toEqual([`此前记录的末条哈希 ${head} 不在哈希链中：末尾的记录已被删除，或哈希链已被改写`]);
  for (const text of messages) expect([text, englishWords(text)]).toEqual([text, []]);
});
