/**
 * The seed's flows beyond the plain 办件, in a real browser on the seed's day:
 * - 办理提示 4 as the 回报单 writes it: 省发展改革委's head reports that implementation opinions will
 *   follow (代拟稿待后送出), the office accepts the 回报单, the 代拟稿 then awaits the head in his 待办
 *   with its own deadline, he sends it, and the office accepts it;
 * - 会办意见送主办汇总: 省财政厅's opinion reaches 省发展改革委's 回报单 form;
 * - a 阅件: the 拟办 form sends it to the leader to read, naming no department.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi(
  ['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'fgw-mishu', 'fgw-head', 'czt-head'],
  { listen: true },
);
const ui = useBrowser(() => api.baseUrl, 'duban-seed-flows-web');
const DRAFT = '关于加强我省政务诚信建设的实施意见（代拟稿）';

const stepOn = (rn: string) => async (who: string, url: string, body: object) =>
  expect((await api.as(who).post(`/api/directives/${rn}/${url}`, body)).status).toBe(200);

/** 国发〔2016〕76号 (under another number each time) registered and through 初审. */
async function accepted(docNumber: string): Promise<string> {
  const registered = await api.as('huangweiyan').post('/api/directives', { ...SEED_DIRECTIVE, docNumber });
  const rn = registered.body.directive.receiptNumber as string;
  await stepOn(rn)('huangweiyan', 'initial-review', { decision: 'ACCEPT', comment: '' });
  return rn;
}

/** Through 转办 with this 拟办, signed for by 省发展改革委秘书科. */
async function dispatched(docNumber: string, proposal: object): Promise<string> {
  const rn = await accepted(docNumber);
  const step = stepOn(rn);
  await step('huangweiyan', 'proposal', { leaders: ['u-chunxin'], ...proposal });
  await step('chenweiyan', 'review', { decision: 'APPROVE' });
  await step('zh1-director', 'review', { decision: 'APPROVE' });
  await step('chunxin', 'instruction', { decision: 'APPROVE', text: '同意' });
  await step('huangweiyan', 'dispatch', {});
  await step('fgw-mishu', 'tasks/GDFGW/sign-for', { deptReceiptNumber: '319号' });
  return rn;
}

const signedForWithOption4 = () =>
  dispatched('国发〔2016〕76号', {
    leadDepartment: 'GDFGW',
    handlingOption: 4,
    comment: '拟请省发展改革委会同省有关部门研究提出贯彻意见。',
  });

test('代拟稿待后送出: the 回报单 now, the 代拟稿 later on its own deadline, each accepted by the office', async () => {
  const rn = await signedForWithOption4();
  const task = `/api/directives/${rn}/tasks/GDFGW`;
  const { as } = api;

  // Both at once is refused with the field and the reason; nothing is written.
  const both = await as('fgw-head').post(`${task}/report`, {
    options: [4],
    text: '拟加具贯彻意见',
    draft: DRAFT,
    draftToFollow: true,
  });
  expect(both.status).toBe(400);
  expect(both.body.error.fields).toEqual([{ field: 'draft', reason: '代拟稿待后送出时，本次不附代拟稿' }]);

  // The head ticks 4 and 代拟稿待后送出 on the 回报单 in the browser.
  const head = await ui.signedIn('fgw-head');
  await head.goto(`${api.baseUrl}/#/directives/${rn}`);
  const form = head.locator('form[data-step="回报单（省发展改革委）"]');
  await form.locator('input[name=options][value="4"]').check();
  await form.locator('textarea[name=text]').fill('拟加具贯彻意见，代拟稿待后送出。');
  await form.locator('input[name=draftToFollow]').check();
  await form.locator('button:has-text("盖章回报")').click();
  await head.waitForSelector('#flash.ok');

  const accepted = await as('huangweiyan').post(`${task}/review`, { decision: 'ACCEPT', comment: '' });
  expect(accepted.status).toBe(200);
  const { dueDate } = accepted.body.task.draftToFollow as { dueDate: string };
  expect(accepted.body.task).toMatchObject({ status: 'DRAFT_PENDING', dueDate: '2017-01-13' });
  expect(dueDate).toBe('2017-01-18'); // the 回报期限 and five days more: 十至十五天

  // His 待办 names the 代拟稿 with its deadline; the directive page asks for it.
  const todo = (await as('fgw-head').get('/api/todo')).body;
  expect(todo.items).toEqual([
    expect.objectContaining({ kind: 'sendDraft', label: '送交代拟稿', dueDate, receiptNumber: rn }),
  ]);
  await head.reload();
  await head.waitForSelector('#tasks :text("代拟稿 2017年1月18日")');
  const send = head.locator(`form[data-step="送交代拟稿（省发展改革委，限 2017年1月18日前）"]`);
  await send.locator('textarea[name=draft]').fill(DRAFT);
  await head.screenshot({ path: ui.shot('send-draft.png'), fullPage: true });
  await send.locator('button:has-text("盖章送交")').click();
  await head.waitForSelector('#flash.ok');

  // The clerk reads it on the 审核代拟稿 form and accepts it.
  const clerk = await ui.signedIn('huangweiyan');
  await clerk.goto(`${api.baseUrl}/#/directives/${rn}`);
  const review = clerk.locator('form[data-step="审核代拟稿（省发展改革委）"]');
  expect(await review.locator('pre.draft').textContent()).toBe(DRAFT);
  await review.locator('button:has-text("通过")').click();
  await clerk.waitForSelector('#flash.ok');
  await clerk.waitForSelector('#tasks :text("回报通过")');
  await clerk.screenshot({ path: ui.shot('draft-accepted.png'), fullPage: true });

  const { directive } = (await as('huangweiyan').get(`/api/directives/${rn}`)).body;
  expect(directive.tasks[0]).toMatchObject({ status: 'ACCEPTED', reportDraft: DRAFT, draftDueDate: dueDate });
  const actions = directive.timeline
    .filter((e: { departmentCode: string | null }) => e.departmentCode === 'GDFGW')
    .map((e: { action: string }) => e.action);
  expect(actions.slice(-4)).toEqual(['回报', '回报通过', '送交代拟稿', '代拟稿通过']);
});

test('会办意见送主办汇总: 省财政厅’s opinion is on 省发展改革委’s 回报单 form, and its task is done', async () => {
  const rn = await dispatched('国发〔2016〕81号', {
    leadDepartment: 'GDFGW',
    coDepartments: ['GDCZT'],
    coOpinionsToLead: true,
    handlingOption: 1,
    comment: '拟请省发展改革委会同省财政厅研究提出办理意见。',
  });
  const { as } = api;
  const early = await as('fgw-head').post(`/api/directives/${rn}/tasks/GDFGW/report`, {
    options: [1],
    text: '已办理',
  });
  expect(early.status).toBe(409);
  expect(early.body.error.message).toBe('回报：尚待 省财政厅 的会办意见，汇总后一并回报');

  await stepOn(rn)('czt-head', 'tasks/GDCZT/sign-for', { deptReceiptNumber: '财收〔2017〕12号' });
  // 省财政厅's head sends its opinion on its own form: no 代拟稿, no files, to 省发展改革委.
  const cztHead = await ui.signedIn('czt-head');
  await cztHead.goto(`${api.baseUrl}/#/directives/${rn}`);
  const opinion = cztHead.locator('form[data-step="会办意见（省财政厅，送省发展改革委汇总）"]');
  await opinion.locator('input[name=options][value="1"]').check();
  await opinion.locator('textarea[name=text]').fill('同意翻印，经费从省级诚信建设专项列支。');
  await opinion.getByRole('button', { name: '送主办单位' }).click();
  await cztHead.waitForSelector('#flash.ok');
  expect(await cztHead.locator('#tasks').textContent()).toContain('已送主办');
  const head = await ui.signedIn('fgw-head');
  await head.goto(`${api.baseUrl}/#/directives/${rn}`);
  const form = head.locator('form[data-step="回报单（省发展改革委）"]');
  expect(await form.locator('.co-opinions p[data-department="GDCZT"]').textContent()).toBe(
    '省财政厅（省财政厅负责人）：同意翻印，经费从省级诚信建设专项列支。',
  );
  await head.screenshot({ path: ui.shot('co-opinions.png'), fullPage: true });
  await form.locator('input[name=options][value="1"]').check();
  await form.locator('textarea[name=text]').fill('已会同省财政厅原文翻印发至各市、县，经费从省级专项列支。');
  await form.locator('button:has-text("盖章回报")').click();
  await head.waitForSelector('#flash.ok');

  const clerk = await ui.signedIn('huangweiyan');
  await clerk.goto(`${api.baseUrl}/#/directives/${rn}`);
  expect(await clerk.locator('#tasks tr:has(td:text-is("省财政厅"))').textContent()).toContain('已送主办');
  expect(await clerk.locator('form[data-step="审核回报（省财政厅）"]').count()).toBe(0);
  expect(await clerk.locator('form[data-step="审核回报（省发展改革委）"]').count()).toBe(1);
});

test('a 阅件: the 拟办 form sends it to 春新 to read, with no 主办, and it is filed, never dispatched', async () => {
  const rn = await accepted('国发〔2016〕82号');
  const clerk = await ui.signedIn('huangweiyan');
  await clerk.goto(`${api.baseUrl}/#/directives/${rn}`);
  const form = clerk.locator('form[data-step="拟办"]');
  await form.locator('select[name=kind]').selectOption('READ');
  // The 办件's fields are set aside: no 主办, 会办 or 办理提示 for a 阅件.
  expect(await form.locator('select[name=leadDepartment]').isDisabled()).toBe(true);
  await form.locator('textarea[name=comment]').fill('此件为通报，拟呈春新同志阅。');
  await clerk.screenshot({ path: ui.shot('reading-proposal.png'), fullPage: true });
  await form.locator('button[type=submit]').click();
  await clerk.waitForSelector('#flash.ok');

  const step = stepOn(rn);
  await step('chenweiyan', 'review', { decision: 'APPROVE' });
  await step('zh1-director', 'review', { decision: 'APPROVE' });
  await step('chunxin', 'instruction', { decision: 'APPROVE', text: '阅。' });
  await clerk.reload();
  await clerk.waitForSelector('form[data-step="归档"]');
  expect(await clerk.locator('form[data-step="转办"]').count()).toBe(0);
  const { directive } = (await api.as('huangweiyan').get(`/api/directives/${rn}`)).body;
  expect(directive).toMatchObject({ status: 'INSTRUCTED', forReading: true, leadDepartmentCode: null });
});
