/**
 * The first line of defence: every route parses its body, params and query with one schema, so
 * what once wedged a directive (a string where a number belongs, a key of Object.prototype, an id
 * like 1e300) is a 400 naming the field, and the same directive, 国发〔2016〕76号, goes on as usual.
 */
import type { Response } from 'supertest';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'fgw-mishu', 'fgw-head']);
const { as } = api;

let rn = ''; // 收文编号 of 国发〔2016〕76号
const path = () => `/api/directives/${rn}`;
const timeline = () => api.stack.database.db.timelineEntry.count();

const PROPOSAL = {
  leadDepartment: 'GDFGW',
  coDepartments: [],
  handlingOption: 1,
  leaders: ['u-chunxin'],
  comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
};

/** A refusal before any workflow is asked: 400 invalid_input naming the field, and nothing recorded. */
async function expectRefused(send: () => Promise<Response>, field: string) {
  const before = await timeline();
  const res = await send();
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_input');
  expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
  expect(await timeline()).toBe(before);
  return res.body.error.fields as { field: string; reason: string }[];
}

test('a 办理提示 sent as text "1" is refused with 400; the clerk proposes again and 审核 follows', async () => {
  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  rn = registered.body.directive.receiptNumber;
  expect((await as('huangweiyan').post(`${path()}/initial-review`, { decision: 'ACCEPT' })).status).toBe(200);

  const fields = await expectRefused(
    () => as('huangweiyan').post(`${path()}/proposal`, { ...PROPOSAL, handlingOption: '1' }),
    'handlingOption',
  );
  expect(fields).toEqual([{ field: 'handlingOption', reason: '办理提示须为数字 1–5 之一，而非文字 "1"' }]);

  const proposed = await as('huangweiyan').post(`${path()}/proposal`, PROPOSAL);
  expect(proposed.status).toBe(200);
  expect(proposed.body.state).toMatchObject({ status: 'REVIEWING', proposal: { handlingOption: 1 } });
  expect((await as('chenweiyan').post(`${path()}/review`, { decision: 'APPROVE' })).status).toBe(200);
  const reviewed = await as('zh1-director').post(`${path()}/review`, { decision: 'APPROVE' });
  expect(reviewed.body.state.status).toBe('AWAITING_INSTRUCTION');
});

test('a 批示 AMEND changing the 办理提示 to text "1" is refused with 400; the leader then approves', async () => {
  await expectRefused(
    () =>
      as('chunxin').post(`${path()}/instruction`, {
        decision: 'AMEND',
        text: '改为阅知',
        amendment: { handlingOption: '1' },
      }),
    'amendment.handlingOption',
  );
  const instructed = await as('chunxin').post(`${path()}/instruction`, {
    decision: 'APPROVE',
    text: '同意。',
  });
  expect(instructed.status).toBe(200);
  expect(instructed.body.state).toMatchObject({ status: 'INSTRUCTED', proposal: { handlingOption: 1 } });
});

test('a 回报单 ticking "toString" is refused with 400; the department head then reports', async () => {
  expect((await as('huangweiyan').post(`${path()}/dispatch`)).status).toBe(200);
  // The department's task reaches the database from its own workflow, a moment after 转办.
  while ((await as('huangweiyan').get(path())).body.directive.tasks.length === 0) await api.env.sleep(1000);
  const task = `${path()}/tasks/GDFGW`;
  expect((await as('fgw-mishu').post(`${task}/sign-for`, { deptReceiptNumber: '319号' })).status).toBe(200);

  await expectRefused(
    () => as('fgw-head').post(`${task}/report`, { options: ['toString'], text: '已原文翻印发至各市、县。' }),
    'options[0]',
  );
  const reported = await as('fgw-head').post(`${task}/report`, {
    options: [1],
    text: '已原文翻印发至各市、县，省府直属各部门。',
  });
  expect(reported.status).toBe(200);
  expect(reported.body.task).toMatchObject({ status: 'REPORTED', report: { options: [1] } });
});

describe('hostile ids, fields and filters get 400 naming the field, never 500', () => {
  const rows: [string, string, 'get' | 'post', string, object | undefined, string][] = [
    ['a 收文编号 like 1e300', 'huangweiyan', 'get', '/api/directives/1e300', undefined, 'receiptNumber'],
    [
      'a circulation id like 1e300',
      'chunxin',
      'post',
      '/api/directives/201700084/circulations/1e300/read',
      {},
      'circulationId',
    ],
    [
      'a department code that is none',
      'huangweiyan',
      'post',
      '{rn}/tasks/gdfgw/urge',
      { text: '请抓紧' },
      'departmentCode',
    ],
    ['a notice id like 1e300', 'fgw-head', 'post', '/api/inbox/1e300/read', undefined, 'id'],
    ['a delegation id like 1e300', 'chunxin', 'post', '/api/delegations/1e300/revoke', undefined, 'id'],
    ['a list page that is no number', 'chenweiyan', 'get', '/api/directives?page=abc', undefined, 'page'],
    ['a page size over 100', 'fgw-head', 'get', '/api/tasks?pageSize=101', undefined, 'pageSize'],
    ['a filter the inbox does not have', 'fgw-head', 'get', '/api/inbox?unread=true', undefined, 'unread'],
    ['a query on a directive', 'huangweiyan', 'get', '{rn}?debug=1', undefined, 'debug'],
    [
      'a field the 拟办 form does not have',
      'huangweiyan',
      'post',
      '{rn}/proposal',
      { ...PROPOSAL, priority: 'high' },
      'priority',
    ],
    [
      'a field the amendment does not have',
      'chunxin',
      'post',
      '{rn}/instruction',
      { decision: 'AMEND', text: '改', amendment: { leaders: ['u-chunxin'] } },
      'amendment.leaders',
    ],
    ['a 审核 decision that is none', 'chenweiyan', 'post', '{rn}/review', { decision: 'OK' }, 'decision'],
    [
      'a 签收 carrying the registration form',
      'huangweiyan',
      'post',
      '/api/receipts',
      SEED_DIRECTIVE,
      'title',
    ],
    [
      'a 签收 with copies as text',
      'huangweiyan',
      'post',
      '/api/receipts',
      { sourceOrg: '国务院', docNumber: '国发〔2016〕80号', copies: '2' },
      'copies',
    ],
    [
      'a 延期 decision with approve as text',
      'huangweiyan',
      'post',
      '{rn}/tasks/GDFGW/extension/decision',
      { approve: 'true', comment: '同意' },
      'approve',
    ],
    [
      'a 委托 with a field it does not have',
      'chunxin',
      'post',
      '/api/delegations',
      {
        toUserId: 'u-chenweiyan',
        startsOn: '2017-01-03',
        endsOn: '2017-01-06',
        reason: '出差',
        scope: 'all',
      },
      'scope',
    ],
    ['a body that is a list', 'huangweiyan', 'post', '{rn}/withdraw', ['来文单位通知另行部署'], 'body'],
  ];

  test.each(rows)('%s', async (_case, who, method, url, body, field) => {
    const target = url.replace('{rn}', path());
    await expectRefused(() => (method === 'get' ? as(who).get(target) : as(who).post(target, body)), field);
  });
});
