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

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin']);
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
