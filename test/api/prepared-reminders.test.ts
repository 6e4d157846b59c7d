/**
 * 预备提醒: a department's reminder is written ten minutes before its 09:00 and reaches the inbox at
 * 09:00, not before; a step that makes it stale meanwhile (a 回报, a 延期, a new 承办人) withdraws it. 国发〔2016〕76号 on the
 * seed's dates through the HTTP API: dispatched 2017-01-04 to 省发展改革委 (主办) and 省财政厅
 * (会办), 回报期限 2017-01-14, so the D-3 reminder falls on 2017-01-11 09:00 and the D-1 on the 13th.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { seedRoute } from '../helpers/seed-route';

jest.setTimeout(180_000);

const api = useSeedDayApi([
  'huangweiyan',
  'chenweiyan',
  'zh1-director',
  'chunxin',
  'fgw-mishu',
  'fgw-head',
  'czt-handler',
  'czt-head',
]);
const { as, until } = api;

interface Entry {
  departmentCode: string | null;
  action: string;
  comment: string | null;
}

/** The task's timeline entries of the chase, as the clerk reads the directive. */
async function chaseEntries(receiptNumber: string, departmentCode: string) {
  const { body } = await as('huangweiyan').get(`/api/directives/${receiptNumber}`);
  return (body.directive.timeline as Entry[])
    .filter((e) => e.departmentCode === departmentCode && /提醒/.test(e.action))
    .map((e) => [e.action, e.comment]);
}

const inboxOf = async (who: string) => {
  const { body } = await as(who).get('/api/inbox');
  return {
    unread: body.unread as number,
    items: (body.items as { kind: string; at: string }[]).map((n) => [n.kind, n.at]),
  };
};

/** The reminders' rows in the database, shown yet or not: [rule, recipient, at]. */
const reminderRows = async (receiptNumber: string, departmentCode: string) =>
  (
    await api.stack.database.db.notice.findMany({
      where: { receiptNumber, departmentCode, kind: 'REMINDER' },
      orderBy: [{ at: 'asc' }, { recipientId: 'asc' }],
    })
  ).map((n) => [n.noticeKey.split(':')[1], n.recipientId, n.at.toISOString()]);

test('the 09:00 reminder is written at 08:50 and reaches the inbox at 09:00; a 回报, a 延期 or a new 承办人 at 08:55 withdraws it', async () => {
  const seed = await seedRoute(api).instructed(SEED_DIRECTIVE, {
    leadDepartment: 'GDFGW',
    coDepartments: ['GDCZT'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  });
  const path = `/api/directives/${seed}`;
  await until('2017-01-04T10:00');
  expect((await as('huangweiyan').post(`${path}/dispatch`)).body.state.dueDate).toBe('2017-01-14');
  await as('fgw-mishu').post(`${path}/tasks/GDFGW/sign-for`, { deptReceiptNumber: '319号' });
  await as('czt-handler').post(`${path}/tasks/GDCZT/sign-for`, { deptReceiptNumber: '财办收〔2017〕5号' });

  // 08:55: both departments' D-3 reminders are written, for 09:00 (01:00 UTC), and nobody sees them yet.
  await until('2017-01-11T08:55');
  expect(await reminderRows(seed, 'GDFGW')).toEqual([
    ['remind-3', 'u-fgw-mishu', '2017-01-11T01:00:00.000Z'],
  ]);
  expect(await reminderRows(seed, 'GDCZT')).toEqual([
    ['remind-3', 'u-czt-handler', '2017-01-11T01:00:00.000Z'],
  ]);
  expect(await inboxOf('fgw-mishu')).toEqual({ unread: 0, items: [] });
  const early = await api.stack.database.db.notice.findFirstOrThrow({
    where: { receiptNumber: seed, departmentCode: 'GDFGW', kind: 'REMINDER' },
  });
  const readEarly = await as('fgw-mishu').post(`/api/inbox/${early.id}/read`);
  expect(readEarly.status).toBe(404);
  expect(readEarly.body.error).toMatchObject({ code: 'not_found', message: '您的提醒中没有这一条' });
  const [written] = await chaseEntries(seed, 'GDFGW');
  expect(written?.[0]).toBe('到期提醒');
  expect(written?.[1]).toMatch(/^remind-3（定于 2017-01-11 09:00 送达） → \S+/);

  // 省财政厅 reports at 08:55: its reminder is withdrawn before it reaches anyone.
  const reported = await as('czt-head').post(`${path}/tasks/GDCZT/report`, {
    options: [3],
    text: '已翻印发至有关市、县。',
  });
  expect(reported.body.task).toMatchObject({ status: 'REPORTED' });
  expect(await reminderRows(seed, 'GDCZT')).toEqual([]);
  expect((await chaseEntries(seed, 'GDCZT')).at(-1)).toEqual([
    '撤回预备提醒',
    'remind-3（定于 2017-01-11 09:00）：未到送达时间，已无需催报',
  ]);

  // 09:01: 省发展改革委's handler has it, timed 09:00; 省财政厅's has none.
  await until('2017-01-11T09:01');
  expect(await inboxOf('fgw-mishu')).toEqual({
    unread: 1,
    items: [['REMINDER', '2017-01-11T01:00:00.000Z']],
  });
  expect((await as('fgw-mishu').post(`/api/inbox/${early.id}/read`)).status).toBe(204);
  expect(await inboxOf('czt-handler')).toEqual({ unread: 0, items: [] });

  // 2017-01-13 08:55: the D-1 reminder is written; a 延期 to the 24th granted now withdraws it,
  // and it comes on the new D-1, 2017-01-23 09:00.
  await until('2017-01-13T08:55');
  expect((await reminderRows(seed, 'GDFGW')).map(([rule]) => rule)).toEqual(['remind-3', 'remind-1']);
  await as('fgw-mishu').post(`${path}/tasks/GDFGW/extension`, {
    newDueDate: '2017-01-24',
    reason: '需征求各市意见',
  });
  const granted = await as('huangweiyan').post(`${path}/tasks/GDFGW/extension/decision`, {
    approve: true,
    comment: '同意延期',
  });
  expect(granted.body.task).toMatchObject({ dueDate: '2017-01-24' });
  await until('2017-01-13T09:01');
  expect((await reminderRows(seed, 'GDFGW')).map(([rule]) => rule)).toEqual(['remind-3']);
  expect((await inboxOf('fgw-mishu')).items).toEqual([['REMINDER', '2017-01-11T01:00:00.000Z']]);

  // 2017-01-23 08:55: the new D-1 reminder is written for 省发展改革委秘书科; the office names the
  // head 承办人 now, so it is withdrawn and written again for him.
  await until('2017-01-23T08:55');
  const reassigned = await as('huangweiyan').post(`${path}/tasks/GDFGW/handler`, {
    handler: 'u-fgw-head',
    reason: '秘书科人员调整',
  });
  expect(reassigned.status).toBe(200);
  await until('2017-01-23T09:01');
  expect(await reminderRows(seed, 'GDFGW')).toEqual([
    ['remind-3', 'u-fgw-mishu', '2017-01-11T01:00:00.000Z'],
    ['remind-1', 'u-fgw-head', '2017-01-23T01:00:00.000Z'],
  ]);
  expect(await inboxOf('fgw-mishu')).toEqual({
    unread: 0,
    items: [['REMINDER', '2017-01-11T01:00:00.000Z']],
  });
  expect((await inboxOf('fgw-head')).items.filter(([kind]) => kind === 'REMINDER')).toEqual([
    ['REMINDER', '2017-01-23T01:00:00.000Z'],
  ]);
  expect(
    (await chaseEntries(seed, 'GDFGW')).map(([a, c]) => [a, c!.replace(/ → 省发展改革委秘书科$/, '')]),
  ).toEqual([
    ['到期提醒', 'remind-3（定于 2017-01-11 09:00 送达）'],
    ['到期提醒', 'remind-1（定于 2017-01-13 09:00 送达）'],
    ['撤回预备提醒', 'remind-1（定于 2017-01-13 09:00）：未到送达时间，回报期限已变更，按新期限提醒'],
    ['到期提醒', 'remind-1（定于 2017-01-23 09:00 送达）'],
    ['撤回预备提醒', 'remind-1（定于 2017-01-23 09:00）：未到送达时间，承办人已改派，改发新承办人'],
    ['到期提醒', 'remind-1（定于 2017-01-23 09:00 送达） → 省发展改革委负责人'],
  ]);
});
