/**
 * 待办 in a real browser on the seed's day: the navigation counts what awaits each person, the
 * 待办 page lists it with a link to where the step is taken, and 已办 lists what was handled.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director'], { listen: true });
const ui = useBrowser(() => api.baseUrl, 'duban-todo-web');
const { signedIn } = ui;

test('the 拟办 reaches 春新: his navigation says 待办 (1), the page leads him to the 批示', async () => {
  const { as } = api;
  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  const rn = registered.body.directive.receiptNumber as string;
  const step = (who: string, url: string, body: object) => as(who).post(`/api/directives/${rn}/${url}`, body);

  // The clerk: 初审 awaits him.
  const clerk = await signedIn('huangweiyan');
  await clerk.waitForSelector('#nav-todo:has-text("待办 (1)")');
  await clerk.click('#nav-todo');
  await clerk.waitForSelector('#todo');
  expect(await clerk.locator('#todo tr[data-kind="initialReview"] td').first().textContent()).toBe('初审');

  expect((await step('huangweiyan', 'initial-review', { decision: 'ACCEPT', comment: '' })).status).toBe(200);
  expect(
    (
      await step('huangweiyan', 'proposal', {
        leadDepartment: 'GDFGW',
        coDepartments: [],
        handlingOption: 1,
        leaders: ['u-chunxin'],
        comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
      })
    ).status,
  ).toBe(200);
  expect((await step('chenweiyan', 'review', { decision: 'APPROVE' })).status).toBe(200);
  expect((await step('zh1-director', 'review', { decision: 'APPROVE' })).status).toBe(200);

  const leader = await signedIn('chunxin');
  await leader.waitForSelector('#nav-todo:has-text("待办 (1)")');
  await leader.click('#nav-todo');
  await leader.waitForSelector('#todo');
  const row = leader.locator('#todo tr[data-kind="instruct"]');
  expect(await row.textContent()).toContain(SEED_DIRECTIVE.title);
  expect(await row.textContent()).toContain('批示');
  await leader.screenshot({ path: ui.shot('todo-leader.png'), fullPage: true });
  await row.locator('a:has-text("办理")').click();
  await leader.waitForURL(new RegExp(`#/directives/${rn}$`));
  await leader.waitForSelector('form[data-step="批示"]');

  // The clerk's 已办: what he handled, newest first; his 待办 is empty now.
  await clerk.reload();
  await clerk.waitForSelector('#nav-todo:text-is("待办")');
  await clerk.click('a:has-text("已办")');
  await clerk.waitForSelector('#done');
  const actions = await clerk.locator('#done tr td:nth-child(2)').allTextContents();
  expect(actions.slice(0, 2)).toEqual(['拟办', '初审']);
  await clerk.screenshot({ path: ui.shot('done-clerk.png'), fullPage: true });
});
