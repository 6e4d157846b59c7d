/**
 * 办理提示 4 as the seed's 回报单 writes it, in a real browser on the seed's day: 省发展改革委's
 * head reports that implementation opinions will follow (代拟稿待后送出), the office accepts the
 * 回报单, the 代拟稿 then awaits the head in his 待办 with its own deadline, he sends it, and the
 * office accepts it; the task is done.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'fgw-mishu', 'fgw-head'], {
  listen: true,
});
const ui = useBrowser(() => api.baseUrl, 'duban-draft-web');
const DRAFT = '关于加强我省政务诚信建设的实施意见（代拟稿）';

/** 国发〔2016〕76号 through 转办 with 办理提示 4, and signed for by 省发展改革委秘书科. */
async function signedForWithOption4(): Promise<string> {
  const { as } = api;
  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  const rn = registered.body.directive.receiptNumber as string;
  const step = async (who: string, url: string, body: object) =>
    expect((await as(who).post(`/api/directives/${rn}/${url}`, body)).status).toBe(200);
  await step('huangweiyan', 'initial-review', { decision: 'ACCEPT', comment: '' });
  await step('huangweiyan', 'proposal', {
    leadDepartment: 'GDFGW',
    coDepartments: [],
    handlingOption: 4,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出贯彻意见。',
  });
  await step('chenweiyan', 'review', { decision: 'APPROVE' });
  await step('zh1-director', 'review', { decision: 'APPROVE' });
  await step('chunxin', 'instruction', { decision: 'APPROVE', text: '同意' });
  await step('huangweiyan', 'dispatch', {});
  await step('fgw-mishu', 'tasks/GDFGW/sign-for', { deptReceiptNumber: '319号' });
  return rn;
}

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
  await head.waitForSelector('#tasks :text("代拟稿 2017-01-18")');
  const send = head.locator(`form[data-step="送交代拟稿（省发展改革委，限 ${dueDate} 前）"]`);
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
