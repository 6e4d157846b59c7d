/**
 * 待办 and 已办 for each of the seven roles as 国发〔2016〕76号 goes from 收文登记 to 答复 through the
 * HTTP API on the seed's day, and the notices that tell each person when a step becomes theirs.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(240_000);

/** The seven roles of the seed case: clerk, reviewer, director, leader, handler, head, credit officer. */
const ROLES = [
  'huangweiyan',
  'chenweiyan',
  'zh1-director',
  'chunxin',
  'fgw-mishu',
  'fgw-head',
  'ducha',
] as const;
type Who = (typeof ROLES)[number];

const api = useSeedDayApi([...ROLES]);
const { as } = api;

interface Item {
  kind: string;
  label: string;
  departmentCode?: string;
  receiptNumber?: string;
  link: string;
}

/** One line per item, e.g. "审核回报 GDFGW", sorted. */
const todoOf = async (who: Who) => {
  const res = await as(who).get('/api/todo');
  expect(res.status).toBe(200);
  const items = res.body.items as Item[];
  expect(res.body.total).toBe(items.length);
  return items.map((i) => [i.label, i.departmentCode].filter(Boolean).join(' ')).sort();
};

/** Everyone's 待办 at this stage, side by side: those not named have nothing. */
async function expectTodo(expected: Partial<Record<Who, string[]>>) {
  const actual: Record<string, string[]> = {};
  for (const who of ROLES) actual[who] = await todoOf(who);
  expect(actual).toEqual(Object.fromEntries(ROLES.map((who) => [who, expected[who] ?? []])));
}

let path = '';
const ok = async (who: Who, step: string, body: object = {}) => {
  const res = await as(who).post(`${path}/${step}`, body);
  expect(res.status).toBe(200);
};

const turnNotices = async (who: Who) =>
  ((await as(who).get('/api/inbox')).body.items as { kind: string; title: string }[])
    .filter((n) => n.kind === 'TURN')
    .map((n) => n.title);

const TITLE = SEED_DIRECTIVE.title;

test('each role’s 待办 follows 国发〔2016〕76号 from 收文登记 to 答复, and each is told when a step becomes theirs', async () => {
  await expectTodo({});
  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  const rn = registered.body.directive.receiptNumber as string;
  path = `/api/directives/${rn}`;

  // 初审 awaits the clerk and the office director; the counts say so for the navigation.
  await expectTodo({ huangweiyan: ['初审'], 'zh1-director': ['初审'] });
  const clerks = await as('huangweiyan').get('/api/todo');
  expect(clerks.body.counts).toEqual({ initialReview: 1 });
  expect(clerks.body.items[0]).toMatchObject({ receiptNumber: rn, link: `#/directives/${rn}`, title: TITLE });

  await ok('zh1-director', 'initial-review', { decision: 'ACCEPT', comment: '符合收文要求' });
  await expectTodo({ huangweiyan: ['拟办'] });

  // 拟办 asks 春新; the policy's chain has the reviewer sign first: only his 待办 shows 审核, and he is told.
  await ok('huangweiyan', 'proposal', {
    leadDepartment: 'GDFGW',
    coDepartments: [],
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  });
  await expectTodo({ chenweiyan: ['审核'] });
  expect(await turnNotices('chenweiyan')).toEqual([`待审核：${TITLE}`]);
  expect(await turnNotices('chunxin')).toEqual([]);

  await ok('chenweiyan', 'review', { decision: 'APPROVE' });
  await expectTodo({ 'zh1-director': ['审核'] });
  expect(await turnNotices('zh1-director')).toEqual([`待审核：${TITLE}`]);

  // The last sign-off: the 拟办 reaches 春新, whose 待办 and inbox now both say 批示.
  await ok('zh1-director', 'review', { decision: 'APPROVE' });
  await expectTodo({ chunxin: ['批示'] });
  const inbox = await as('chunxin').get('/api/inbox');
  expect(inbox.body.unread).toBe(1);
  expect(inbox.body.items[0]).toMatchObject({
    kind: 'TURN',
    receiptNumber: rn,
    title: `待批示：${TITLE}`,
    body: `国发〔2016〕76号（收文编号 ${rn}）待你批示`,
  });

  await ok('chunxin', 'instruction', { decision: 'APPROVE', text: '同意。' });
  await expectTodo({ huangweiyan: ['转办'] });

  // 转办: the department's task reaches the database from its own workflow, a moment later.
  await ok('huangweiyan', 'dispatch');
  while ((await as('huangweiyan').get(path)).body.directive.tasks.length === 0) await api.env.sleep(1000);
  await expectTodo({ 'fgw-mishu': ['签收 GDFGW'], 'fgw-head': ['签收 GDFGW'] });

  // A 传阅 to 春新 waits in his 待办 until he has read it.
  await ok('huangweiyan', 'circulations', { readers: ['u-chunxin'], purpose: 'READ', note: '请阅' });
  expect(await todoOf('chunxin')).toEqual(['传阅']);
  await ok('chunxin', 'circulations/1/read', {});
  expect(await todoOf('chunxin')).toEqual([]);

  // 签收 by the 秘书科; the 回报单 is the head's to sign. A 延期 asked for awaits the office's decision.
  await ok('fgw-mishu', 'tasks/GDFGW/sign-for', { deptReceiptNumber: '319号' });
  await expectTodo({ 'fgw-head': ['回报 GDFGW'] });
  await ok('fgw-head', 'tasks/GDFGW/extension', { newDueDate: '2017-01-20', reason: '需征求各市意见' });
  const deciding = ['审批延期 GDFGW'];
  await expectTodo({
    huangweiyan: deciding,
    chenweiyan: deciding,
    'zh1-director': deciding,
    'fgw-head': ['回报 GDFGW'],
  });
  await ok('huangweiyan', 'tasks/GDFGW/extension/decision', { approve: true, comment: '同意延期' });
  await expectTodo({ 'fgw-head': ['回报 GDFGW'] });

  // The 回报单 arrives: 审核回报 is the office's, and the clerk who registered it is told.
  await ok('fgw-head', 'tasks/GDFGW/report', { options: [1], text: '已会同省有关部门研究提出办理意见。' });
  const reviewing = ['审核回报 GDFGW'];
  await expectTodo({ huangweiyan: reviewing, chenweiyan: reviewing, 'zh1-director': reviewing });
  expect(await turnNotices('huangweiyan')).toEqual([`待审核回报：${TITLE}`, `待转办：${TITLE}`]);

  // Accepted, the directive is 办结: the 答复 to 国务院 awaits the clerk and the office director.
  await ok('huangweiyan', 'tasks/GDFGW/review', { decision: 'ACCEPT' });
  while ((await as('huangweiyan').get(path)).body.directive.status !== 'CLOSED') await api.env.sleep(1000);
  await expectTodo({ huangweiyan: ['答复'], 'zh1-director': ['答复'] });
  await ok('huangweiyan', 'reply', { text: '已转省发展改革委办理。', notifyDepartments: [] });
  await expectTodo({});

  // 已办: what each handled, newest first.
  const done = async (who: Who, query = '') => {
    const res = await as(who).get(`/api/done${query}`);
    expect(res.status).toBe(200);
    return res.body as { total: number; items: { action: string; receiptNumber: string; link: string }[] };
  };
  const leaders = await done('chunxin');
  expect(leaders.items.map((i) => i.action)).toEqual(['阅', '批示']);
  expect(leaders.items[1]).toMatchObject({ receiptNumber: rn, link: `#/directives/${rn}` });
  const clerk = await done('huangweiyan');
  expect(clerk.items[0]!.action).toBe('答复');
  expect(clerk.items.map((i) => i.action)).toEqual(expect.arrayContaining(['拟办', '转办', '传阅']));
  // Paged: the second item alone is the second of the whole list.
  const second = await done('huangweiyan', '?page=2&pageSize=1');
  expect(second).toMatchObject({ total: clerk.total, items: [clerk.items[1]] });
  expect((await done('ducha')).items).toEqual([]);
  expect((await as('huangweiyan').get('/api/done?pageSize=0')).status).toBe(400);
});
