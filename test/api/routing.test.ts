/**
 * The seed's whole paper flow through the HTTP API, each actor signed in as themselves, on a
 * Temporal test server whose clock starts on 2017-01-03 09:00 CST; then every refused step.
 */
import type { Response } from 'supertest';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi([
  'huangweiyan',
  'chenweiyan',
  'zh1-director',
  'chunxin',
  'mishuzhang',
  'fgw-mishu',
  'fgw-head',
  'czt-handler',
  'czt-head',
]);
const { as } = api;
const until = api.until;

let seed = ''; // 国发〔2016〕76号, lead 省发展改革委, co 省财政厅
let other = ''; // a second directive, signed once by the reviewer, for the refusals
let third = ''; // a third, awaiting 批示 from 办公厅秘书长 only

test('clerk, reviewers, leader, departments and office carry 国发〔2016〕76号 from 收文 to 办结', async () => {
  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  seed = registered.body.directive.receiptNumber;
  const path = `/api/directives/${seed}`;
  expect((await as('huangweiyan').post(`${path}/initial-review`, { decision: 'ACCEPT' })).status).toBe(200);

  const proposal = await as('huangweiyan').post(`${path}/proposal`, {
    leadDepartment: 'GDFGW',
    coDepartments: ['GDCZT'],
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  });
  expect(proposal.status).toBe(200);
  expect(proposal.body.state).toMatchObject({ status: 'REVIEWING' });

  expect((await as('chenweiyan').post(`${path}/review`, { decision: 'APPROVE' })).body.state.status).toBe(
    'REVIEWING',
  );
  expect((await as('zh1-director').post(`${path}/review`, { decision: 'APPROVE' })).body.state.status).toBe(
    'AWAITING_INSTRUCTION',
  );
  const instruction = await as('chunxin').post(`${path}/instruction`, {
    decision: 'APPROVE',
    text: '同意。',
  });
  expect(instruction.body.state).toMatchObject({ status: 'INSTRUCTED', instructions: [{ text: '同意。' }] });

  await until('2017-01-04T10:00');
  const dispatched = await as('huangweiyan').post(`${path}/dispatch`);
  expect(dispatched.body.state).toMatchObject({ status: 'IN_PROGRESS', dueDate: '2017-01-14' });
  // 转办 answers once the departments' tasks are there to read, not just started.
  const shown = await as('huangweiyan').get(path);
  expect(
    shown.body.directive.tasks.map((t: { departmentCode: string; status: string }) => [
      t.departmentCode,
      t.status,
    ]),
  ).toEqual([
    ['GDFGW', 'DISPATCHED'],
    ['GDCZT', 'DISPATCHED'],
  ]);

  await until('2017-01-06T09:30');
  const signed = await as('fgw-mishu').post(`${path}/tasks/GDFGW/sign-for`, { deptReceiptNumber: '319号' });
  expect(signed.body.task).toMatchObject({ status: 'SIGNED_FOR', deptReceiptNumber: '319号' });
  await as('czt-handler').post(`${path}/tasks/GDCZT/sign-for`, { deptReceiptNumber: '财办收〔2017〕5号' });

  // 省财政厅 sees the directive and its own task, not 省发展改革委's.
  const czt = await as('czt-handler').get(path);
  expect(czt.status).toBe(200);
  expect(czt.body.directive.tasks.map((t: { departmentCode: string }) => t.departmentCode)).toEqual([
    'GDCZT',
  ]);
  expect(
    czt.body.directive.timeline.some((e: { departmentCode: string }) => e.departmentCode === 'GDFGW'),
  ).toBe(false);

  await until('2017-01-10T11:00');
  const reported = await as('fgw-head').post(`${path}/tasks/GDFGW/report`, {
    options: [1],
    text: '已原文翻印发至各市、县，省府直属各部门。',
  });
  expect(reported.body.task).toMatchObject({ status: 'REPORTED' });
  await as('huangweiyan').post(`${path}/tasks/GDFGW/review`, { decision: 'ACCEPT' });

  // 省财政厅 is late: its handler got the D-3 and D-1 reminders in the inbox.
  await until('2017-01-15T10:00');
  const inbox = await as('czt-handler').get('/api/inbox');
  expect(inbox.body.items.map((n: { kind: string; title: string }) => [n.kind, n.title])).toEqual([
    ['FORMAL_REMINDER', '催报：国务院关于加强政务诚信建设的指导意见'],
    ['REMINDER', '到期提醒：国务院关于加强政务诚信建设的指导意见'],
    ['REMINDER', '到期提醒：国务院关于加强政务诚信建设的指导意见'],
  ]);
  expect(inbox.body.unread).toBe(3);
  expect((await as('czt-handler').post(`/api/inbox/${inbox.body.items[0].id}/read`)).status).toBe(204);
  expect((await as('czt-handler').get('/api/inbox')).body.unread).toBe(2);
  // One notice a page: the unread count still counts them all.
  const firstPage = await as('czt-handler').get('/api/inbox?pageSize=1');
  expect(firstPage.body).toMatchObject({ unread: 2, total: 3, page: 1, pageSize: 1 });
  expect(firstPage.body.items).toHaveLength(1);
  expect((await as('fgw-mishu').get('/api/inbox')).body.items).toEqual([]);

  const overdue = await as('chenweiyan').get('/api/directives?overdue=true');
  expect(overdue.body.items.map((d: { receiptNumber: string }) => d.receiptNumber)).toEqual([seed]);

  await as('czt-head').post(`${path}/tasks/GDCZT/report`, { options: [3], text: '已翻印发至有关市、县。' });
  await as('huangweiyan').post(`${path}/tasks/GDCZT/review`, {
    decision: 'ACCEPT',
    comment: '逾期回报，已阅',
  });
  // 办结 follows the last acceptance; then the office answers 国务院 (答复) and tells 省财政厅.
  while ((await as('huangweiyan').get(path)).body.directive.status !== 'CLOSED') await api.env.sleep(1000);
  const replied = await as('huangweiyan').post(`${path}/reply`, {
    text: '已转省发展改革委会同省财政厅办理，各市县已翻印。',
    notifyDepartments: ['GDCZT'],
  });
  expect(replied.status).toBe(200);
  expect(replied.body.state).toMatchObject({ status: 'CLOSED', reply: { notifiedDepartments: ['GDCZT'] } });
  // Not result(): while it waits, the test server may skip to the register's far-off run timeout.
  while ((await as('huangweiyan').get(`${path}/execution`)).body.executionStatus !== 'COMPLETED')
    await api.env.sleep(1000);
  const told = await as('czt-head').get('/api/inbox');
  expect(told.body.items[0]).toMatchObject({
    kind: 'CLOSURE',
    title: '办结告知：国务院关于加强政务诚信建设的指导意见',
  });

  const closed = await as('huangweiyan').get(path);
  expect(closed.body.directive).toMatchObject({
    status: 'CLOSED',
    dueDate: '2017-01-14',
    replyText: '已转省发展改革委会同省财政厅办理，各市县已翻印。',
    handlingNumber: '发改 0001',
    copies: 1,
  });
  expect((await as('huangweiyan').get(`${path}/execution`)).body).toEqual({
    workflowId: `directive-${seed}`,
    executionStatus: 'COMPLETED',
  });
  expect(
    closed.body.directive.timeline
      .filter((e: { departmentCode: null }) => e.departmentCode === null)
      .map((e: { action: string }) => e.action),
  ).toEqual(['签收', '收文登记', '初审', '拟办', '审核', '审核', '批示', '转办', '办结', '答复']);
});

test('lists filter by status, department, urgency and text; a department lists only its own work', async () => {
  other = (
    await as('huangweiyan').post('/api/directives', {
      ...SEED_DIRECTIVE,
      docNumber: '国办发〔2016〕99号',
      sourceOrg: '国务院办公厅',
      title: '国务院办公厅关于加强个人诚信体系建设的指导意见',
      urgency: '加急',
    })
  ).body.directive.receiptNumber;
  await as('huangweiyan').post(`/api/directives/${other}/initial-review`, { decision: 'ACCEPT' });
  await as('huangweiyan').post(`/api/directives/${other}/proposal`, {
    leadDepartment: 'GDSFT',
    handlingOption: 4,
    leaders: ['u-chunxin', 'u-mishuzhang'],
    leaderMode: 'SEQUENCE',
    comment: '拟请省司法厅研究提出贯彻意见。',
  });
  await as('chenweiyan').post(`/api/directives/${other}/review`, { decision: 'APPROVE' });
  third = (
    await as('huangweiyan').post('/api/directives', { ...SEED_DIRECTIVE, docNumber: '国发〔2016〕80号' })
  ).body.directive.receiptNumber;
  await as('huangweiyan').post(`/api/directives/${third}/initial-review`, { decision: 'ACCEPT' });
  await as('huangweiyan').post(`/api/directives/${third}/proposal`, {
    leadDepartment: 'GDJXW',
    handlingOption: 2,
    leaders: ['u-mishuzhang'],
  });
  await as('chenweiyan').post(`/api/directives/${third}/review`, { decision: 'APPROVE' });
  await as('zh1-director').post(`/api/directives/${third}/review`, { decision: 'APPROVE' });

  const ids = (res: Response): string[] =>
    (res.body.items as { receiptNumber: string }[]).map((d) => d.receiptNumber);
  expect(ids(await as('chenweiyan').get('/api/directives?status=CLOSED'))).toEqual([seed]);
  expect(
    ids(await as('chenweiyan').get('/api/directives?status=REVIEWING,CLOSED&sort=receiptNumber')),
  ).toEqual([seed, other]);
  expect(ids(await as('chenweiyan').get('/api/directives?department=GDCZT'))).toEqual([seed]);
  expect(ids(await as('chenweiyan').get('/api/directives?urgency=加急'))).toEqual([other]);
  expect(ids(await as('chenweiyan').get(`/api/directives?q=${encodeURIComponent('个人诚信')}`))).toEqual([
    other,
  ]);
  expect(ids(await as('chenweiyan').get('/api/directives?dueBefore=2017-01-15'))).toEqual([seed]);
  const paged = await as('chenweiyan').get('/api/directives?pageSize=1&page=2&sort=-receiptNumber');
  expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 1 });
  expect(ids(paged)).toEqual([other]);

  expect(ids(await as('czt-handler').get('/api/directives'))).toEqual([seed]);
  const tasks = await as('czt-handler').get('/api/tasks');
  expect(
    tasks.body.items.map((t: { departmentCode: string; receiptNumber: string }) => [
      t.departmentCode,
      t.receiptNumber,
    ]),
  ).toEqual([['GDCZT', seed]]);
  expect((await as('czt-handler').get('/api/tasks?status=ACCEPTED')).body).toMatchObject({ total: 1 });
  expect((await as('czt-handler').get('/api/tasks?status=DISPATCHED,SIGNED_FOR')).body).toMatchObject({
    total: 0,
    items: [],
  });
  const badTasks = await as('czt-handler').get('/api/tasks?status=DONE&department=GDFGW');
  expect(badTasks.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['department']);

  const bad = await as('chenweiyan').get('/api/directives?status=DONE&overdue=maybe&pageSize=500&colour=red');
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['colour']);
  const bad2 = await as('chenweiyan').get('/api/directives?status=DONE&overdue=maybe&pageSize=500');
  expect(bad2.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
    'pageSize',
    'status',
    'overdue',
  ]);
});

describe('a step that is not allowed now, or not by this person, is refused and changes nothing', () => {
  const refusals: [string, string, 'other' | 'third', string, object, number, string][] = [
    [
      'a report from a department that has no task',
      'fgw-head',
      'other',
      'tasks/GDFGW/report',
      { options: [4], text: 'x' },
      404,
      '没有交单位',
    ],
    [
      // Not dispatched to 省财政厅: for it, neither the directive nor 省司法厅's task exists.
      'a department acting on another department’s task',
      'czt-head',
      'other',
      'tasks/GDSFT/report',
      { options: [4], text: 'x' },
      404,
      '没有交单位',
    ],
    [
      'a second sign-off by the same reviewer',
      'chenweiyan',
      'other',
      'review',
      { decision: 'APPROVE' },
      403,
      'OFFICE_DIRECTOR',
    ],
    [
      // A leader sees only what he is involved in: the 拟办 of `third` asks 办公厅秘书长 alone.
      'a leader who was not asked',
      'chunxin',
      'third',
      'instruction',
      { decision: 'APPROVE' },
      404,
      '没有收文编号为',
    ],
    [
      'an instruction from someone who is no leader',
      'zh1-director',
      'third',
      'instruction',
      {},
      403,
      'LEADER',
    ],
    ['dispatch before the instruction', 'huangweiyan', 'other', 'dispatch', {}, 409, '审核中（REVIEWING）'],
    [
      'a proposal naming an unknown department',
      'huangweiyan',
      'third',
      'proposal',
      { leadDepartment: 'GDXXX', handlingOption: 1, leaders: ['u-chunxin'] },
      400,
      'GDXXX',
    ],
    [
      'a proposal naming a non-leader for the 批示',
      'huangweiyan',
      'third',
      'proposal',
      { leadDepartment: 'GDSFT', handlingOption: 1, leaders: ['u-chenweiyan'] },
      400,
      '不是领导',
    ],
  ];

  test.each(refusals)('%s', async (_case, who, target, step, body, status, reason) => {
    const before = await api.stack.database.db.timelineEntry.count();
    const res = await as(who).post(`/api/directives/${target === 'other' ? other : third}/${step}`, body);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body.error)).toContain(reason);
    expect(await api.stack.database.db.timelineEntry.count()).toBe(before);
  });

  test('instructions out of turn, twice, or after closure', async () => {
    const path = `/api/directives/${other}`;
    await as('zh1-director').post(`${path}/review`, { decision: 'APPROVE' });

    const outOfTurn = await as('mishuzhang').post(`${path}/instruction`, { decision: 'APPROVE' });
    expect(outOfTurn.status).toBe(409);
    expect(outOfTurn.body.error.message).toContain('请春新先批示');

    expect(
      (await as('chunxin').post(`${path}/instruction`, { decision: 'APPROVE', text: '同意' })).status,
    ).toBe(200);
    const twice = await as('chunxin').post(`${path}/instruction`, { decision: 'APPROVE', text: '同意' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('您已批示过此件');

    const amendWithoutText = await as('mishuzhang').post(`${path}/instruction`, {
      decision: 'AMEND',
      amendment: { handlingOption: 1 },
    });
    expect(amendWithoutText.status).toBe(400);
    expect(amendWithoutText.body.error.fields).toEqual([{ field: 'text', reason: '批示内容为必填项' }]);

    const afterClosure = await as('czt-head').post(`/api/directives/${seed}/tasks/GDCZT/report`, {
      options: [1],
      text: '再报',
    });
    expect(afterClosure.status).toBe(409);
    expect(afterClosure.body.error.message).toContain('回报通过（ACCEPTED）');
    const closedDirective = await as('huangweiyan').post(`/api/directives/${seed}/dispatch`);
    expect(closedDirective.status).toBe(409);
    expect(closedDirective.body.error.message).toContain('已办结（CLOSED）');

    const handlerReports = await as('czt-handler').post(`/api/directives/${seed}/tasks/GDCZT/report`, {
      options: [1],
      text: 'x',
    });
    expect(handlerReports.status).toBe(403);
  });
});

test('延期 over HTTP: only the department asks, only the office decides', async () => {
  const refusedAsk = await as('czt-handler').post(`/api/directives/${seed}/tasks/GDFGW/extension`, {
    newDueDate: '2017-02-01',
    reason: 'x',
  });
  // 省发展改革委's task is not 省财政厅's to know of (it sees its own task only).
  expect(refusedAsk.status).toBe(404);
  const refusedDecision = await as('fgw-head').post(
    `/api/directives/${seed}/tasks/GDFGW/extension/decision`,
    {
      approve: true,
    },
  );
  expect(refusedDecision.status).toBe(403);
  const closed = await as('czt-handler').post(`/api/directives/${seed}/tasks/GDCZT/extension`, {
    newDueDate: '2017-02-01',
    reason: '需要更多时间',
  });
  expect(closed.status).toBe(409);
});

test('撤办 over HTTP needs an office role and a reason, and ends the directive', async () => {
  const path = `/api/directives/${third}/withdraw`;
  expect((await as('chenweiyan').post(path, { reason: '另行部署' })).status).toBe(403);
  const noReason = await as('huangweiyan').post(path, {});
  expect(noReason.status).toBe(400);
  expect(noReason.body.error.fields).toEqual([{ field: 'reason', reason: '撤办理由为必填项' }]);
  const done = await as('huangweiyan').post(path, { reason: '来文单位通知另行部署' });
  expect(done.body.state.status).toBe('WITHDRAWN');
  expect((await as('huangweiyan').get(`/api/directives/${third}`)).body.directive.status).toBe('WITHDRAWN');
  expect((await as('huangweiyan').post(path, { reason: '再撤' })).status).toBe(409);
});
