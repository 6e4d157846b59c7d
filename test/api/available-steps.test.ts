/**
 * The detail API's availableSteps: the steps each person may take now, from the step table, as
 * 国发〔2016〕76号 moves from 收文登记 through 初审, 拟办, 审核, 批示 and 转办 to its department.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'mishuzhang', 'fgw-head']);
const { as } = api;

type Steps = { directive: string[]; tasks: Record<string, string[]> };
const nothing: Steps = { directive: [], tasks: {} };

let path = '';
const stepsOf = async (who: string): Promise<Steps> => {
  const res = await as(who).get(path);
  expect(res.status).toBe(200);
  return res.body.directive.availableSteps as Steps;
};
/** Each person's availableSteps at this stage, side by side. */
async function expectSteps(expected: Record<string, Steps>) {
  const actual: Record<string, Steps> = {};
  for (const who of Object.keys(expected)) actual[who] = await stepsOf(who);
  expect(actual).toEqual(expected);
}
const ok = async (who: string, step: string, body: object = {}) => {
  const res = await as(who).post(`${path}/${step}`, body);
  expect(res.status).toBe(200);
};

test('each person is offered the steps they may take as 国发〔2016〕76号 moves from 收文登记 to 转办', async () => {
  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  path = `/api/directives/${registered.body.directive.receiptNumber}`;

  // Registered: 初审 is the clerk's and the office director's (the UI used to offer it to the clerk only).
  await expectSteps({
    huangweiyan: { directive: ['initialReview', 'withdraw', 'assignUrger'], tasks: {} },
    chenweiyan: nothing,
    'zh1-director': { directive: ['initialReview', 'withdraw', 'assignUrger'], tasks: {} },
  });
  // 省发展改革委 sees nothing of it before 转办, nor 春新 before a 拟办 asks him for the 批示.
  expect((await as('fgw-head').get(path)).status).toBe(404);
  expect((await as('chunxin').get(path)).status).toBe(404);

  // The office director's 初审 is accepted; then 拟办 is open to the clerk.
  await ok('zh1-director', 'initial-review', { decision: 'ACCEPT', comment: '符合收文要求' });
  await expectSteps({
    huangweiyan: { directive: ['propose', 'withdraw', 'assignUrger', 'file'], tasks: {} },
    'zh1-director': { directive: ['withdraw', 'assignUrger', 'file'], tasks: {} },
  });

  await ok('huangweiyan', 'proposal', {
    leadDepartment: 'GDFGW',
    coDepartments: [],
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  });
  await expectSteps({
    huangweiyan: { directive: ['withdraw', 'assignUrger'], tasks: {} },
    chenweiyan: { directive: ['review'], tasks: {} },
    'zh1-director': { directive: ['review', 'withdraw', 'assignUrger'], tasks: {} },
    chunxin: nothing,
  });

  // The reviewer has signed: 审核 is no longer offered to him, still to the director.
  await ok('chenweiyan', 'review', { decision: 'APPROVE' });
  await expectSteps({
    chenweiyan: nothing,
    'zh1-director': { directive: ['review', 'withdraw', 'assignUrger'], tasks: {} },
  });
  await ok('zh1-director', 'review', { decision: 'APPROVE' });
  await expectSteps({
    huangweiyan: { directive: ['withdraw', 'assignUrger'], tasks: {} },
    chenweiyan: nothing,
    'zh1-director': { directive: ['withdraw', 'assignUrger'], tasks: {} },
    chunxin: { directive: ['instruct'], tasks: {} },
  });

  await ok('chunxin', 'instruction', { decision: 'APPROVE', text: '同意。' });
  await expectSteps({
    huangweiyan: { directive: ['dispatch', 'withdraw', 'assignUrger', 'circulate', 'file'], tasks: {} },
    chenweiyan: { directive: ['circulate'], tasks: {} },
    'zh1-director': { directive: ['withdraw', 'assignUrger', 'circulate', 'file'], tasks: {} },
    chunxin: nothing,
  });

  await ok('huangweiyan', 'dispatch');
  // The department's task reaches the database from its own workflow, a moment after 转办.
  while ((await as('huangweiyan').get(path)).body.directive.tasks.length === 0) await api.env.sleep(1000);
  const office = { GDFGW: ['urge', 'reassignHandler'] };
  await expectSteps({
    huangweiyan: { directive: ['withdraw', 'assignUrger', 'circulate'], tasks: office },
    chenweiyan: { directive: ['circulate'], tasks: office },
    'zh1-director': { directive: ['withdraw', 'assignUrger', 'circulate'], tasks: office },
    chunxin: { directive: [], tasks: { GDFGW: [] } },
    'fgw-head': { directive: [], tasks: { GDFGW: ['signFor', 'requestExtension'] } },
  });

  // 签收, then a 延期 asked for: the office may decide it, the department may not ask again.
  await ok('fgw-head', 'tasks/GDFGW/sign-for', { deptReceiptNumber: '319号' });
  expect(await stepsOf('fgw-head')).toEqual({
    directive: [],
    tasks: { GDFGW: ['report', 'requestExtension'] },
  });
  await ok('fgw-head', 'tasks/GDFGW/extension', { newDueDate: '2017-01-20', reason: '需征求各市意见' });
  await expectSteps({
    huangweiyan: {
      directive: ['withdraw', 'assignUrger', 'circulate'],
      tasks: { GDFGW: ['decideExtension', 'urge', 'reassignHandler'] },
    },
    'fgw-head': { directive: [], tasks: { GDFGW: ['report'] } },
  });

  // Granted, the new date is the directive's 回报期限 too, in its header and in the list.
  const before = (await as('huangweiyan').get(path)).body.directive.dueDate;
  expect(before).toBe('2017-01-13');
  await ok('huangweiyan', 'tasks/GDFGW/extension/decision', { approve: true, comment: '同意延期' });
  const rn = path.split('/').at(-1);
  for (let i = 0; (await as('huangweiyan').get(path)).body.directive.dueDate === before && i < 50; i++)
    await new Promise((r) => setTimeout(r, 100));
  expect((await as('huangweiyan').get(path)).body.directive.dueDate).toBe('2017-01-20');
  const listed = (await as('huangweiyan').get('/api/directives')).body.items.find(
    (d: { receiptNumber: string }) => d.receiptNumber === rn,
  );
  expect(listed.dueDate).toBe('2017-01-20');
});

test('批示 is offered only to the leaders the 拟办 under way asks, not to one an earlier 拟办 asked', async () => {
  const registered = await as('huangweiyan').post('/api/directives', {
    ...SEED_DIRECTIVE,
    docNumber: '国发〔2016〕77号',
    title: '国务院关于另一事项的通知',
  });
  path = `/api/directives/${registered.body.directive.receiptNumber}`;
  const proposal = (leader: string) => ({
    leadDepartment: 'GDFGW',
    coDepartments: [],
    handlingOption: 1,
    leaders: [leader],
    comment: '拟请省发展改革委研究提出办理意见。',
  });
  const signedOff = async () => {
    await ok('chenweiyan', 'review', { decision: 'APPROVE' });
    await ok('zh1-director', 'review', { decision: 'APPROVE' });
  };
  await ok('huangweiyan', 'initial-review', { decision: 'ACCEPT' });
  await ok('huangweiyan', 'proposal', proposal('u-chunxin'));
  await signedOff();
  await ok('chunxin', 'instruction', { decision: 'RETURN', text: '请秘书长批示。' });

  // The second 拟办 asks 秘书长; 春新, named on the timeline, still reads it, but is not asked.
  await ok('huangweiyan', 'proposal', proposal('u-mishuzhang'));
  await signedOff();
  await expectSteps({
    chunxin: nothing,
    mishuzhang: { directive: ['instruct'], tasks: {} },
  });
  expect(
    (await as('chunxin').post(`${path}/instruction`, { decision: 'APPROVE', text: '同意' })).status,
  ).toBe(403);
});
