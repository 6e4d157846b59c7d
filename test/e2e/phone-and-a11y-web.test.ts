/**
 * Leaders approve on the move: the 批示 and the 回报单 on a 390 px wide phone, in a real browser on
 * the seed's day. And every page of the UI passes an automated accessibility check (axe, WCAG 2
 * A/AA) with no serious or critical violation, as each role sees it with a directive under way.
 */
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../scripts/demo-organisation';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { seriousViolations } from '../helpers/axe';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(240_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'fgw-mishu'], {
  listen: true,
});
const ui = useBrowser(() => api.baseUrl, 'duban-phone-a11y-web');

/** A phone: 390 × 844 CSS pixels, touch, as an iPhone 12–14 reports. */
async function onPhone(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  const page = await context.newPage();
  await page.goto(`${api.baseUrl}/#/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.tap('form[data-step="登录"] button');
  await page.waitForSelector('#who:has-text("退出")');
  return page;
}

/** Nothing wider than the screen: no sideways scrolling to reach a field or a button. */
const scrollsSideways = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1');

let rn = ''; // awaiting 春新's 批示
let dispatched = ''; // signed for by 省发展改革委, its 回报 owed
let awaiting = ''; // awaiting 春新's 批示 still, for the check of his form

/** A directive through both sign-offs, awaiting 春新's 批示. */
async function awaitingInstruction(
  docNumber: string,
): Promise<[string, (who: string, url: string, body: object) => Promise<void>]> {
  const { as } = api;
  const made = (await as('huangweiyan').post('/api/directives', { ...SEED_DIRECTIVE, docNumber })).body;
  const receiptNumber = made.directive.receiptNumber as string;
  const step = async (who: string, url: string, body: object) =>
    expect((await as(who).post(`/api/directives/${receiptNumber}/${url}`, body)).status).toBe(200);
  await step('huangweiyan', 'initial-review', { decision: 'ACCEPT' });
  await step('huangweiyan', 'proposal', {
    leadDepartment: 'GDFGW',
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  });
  await step('chenweiyan', 'review', { decision: 'APPROVE' });
  await step('zh1-director', 'review', { decision: 'APPROVE' });
  return [receiptNumber, step];
}

beforeAll(async () => {
  [rn] = await awaitingInstruction(SEED_DIRECTIVE.docNumber);
  const [other, step] = await awaitingInstruction('国发〔2016〕77号');
  await step('chunxin', 'instruction', { decision: 'APPROVE', text: '同意' });
  await step('huangweiyan', 'dispatch', {});
  await step('fgw-mishu', 'tasks/GDFGW/sign-for', { deptReceiptNumber: '320号' });
  dispatched = other;
  [awaiting] = await awaitingInstruction('国发〔2016〕78号');
});

test('on a 390 px phone, 春新 gives the 批示 and 省发展改革委 sends the 回报单', async () => {
  const leader = await onPhone(ui.browser, 'chunxin');
  await leader.goto(`${api.baseUrl}/#/directives/${rn}`);
  const instruction = leader.locator('form[data-step="批示"]');
  await instruction.locator('textarea[name=text]').fill('同意，请抓紧落实。');
  expect(await scrollsSideways(leader)).toBe(false);
  await leader.screenshot({ path: ui.shot('phone-instruction.png'), fullPage: true });
  await instruction.getByRole('button', { name: '同意', exact: true }).tap();
  await leader.waitForSelector('#flash.ok:has-text("批示：已完成")');

  expect((await api.as('huangweiyan').post(`/api/directives/${rn}/dispatch`, {})).status).toBe(200);
  expect(
    (
      await api
        .as('fgw-mishu')
        .post(`/api/directives/${rn}/tasks/GDFGW/sign-for`, { deptReceiptNumber: '319号' })
    ).status,
  ).toBe(200);

  const head = await onPhone(ui.browser, 'fgw-head');
  await head.goto(`${api.baseUrl}/#/directives/${rn}`);
  const report = head.locator('form[data-step="回报单（省发展改革委）"]');
  await report.locator('input[name=options][value="1"]').tap();
  await report.locator('textarea[name=text]').fill('已原文翻印发至各市、县，省府直属各部门。');
  expect(await scrollsSideways(head)).toBe(false);
  await head.screenshot({ path: ui.shot('phone-report.png'), fullPage: true });
  await report.getByRole('button', { name: '盖章回报' }).tap();
  await head.waitForSelector('#flash.ok:has-text("回报单（省发展改革委）：已完成")');
  expect(await head.locator('#tasks').textContent()).toContain('已回报');
});

describe('accessibility (axe, WCAG 2 A/AA): no serious or critical violation', () => {
  it.each([
    ['the sign-in page', '', '#/login', 'form[data-step="登录"]'],
    ['the clerk’s 收文 list', 'huangweiyan', '#/directives', '#directives'],
    ['the clerk’s 收文登记', 'huangweiyan', '#/register', 'form[data-step="收文登记"]'],
    ['the clerk’s directive page', 'huangweiyan', '#/directives/{rn}', '#timeline'],
    ['the clerk’s 待办', 'huangweiyan', '#/todo', 'h2'],
    ['the department’s tasks', 'fgw-mishu', '#/tasks', '#my-tasks'],
    [
      'the department’s directive page',
      'fgw-head',
      '#/directives/{dispatched}',
      'form[data-step="回报单（省发展改革委）"]',
    ],
    ['the reminders', 'fgw-mishu', '#/inbox', '#inbox'],
    ['政务诚信', 'huangweiyan', '#/integrity', 'h2'],
    ['个人设置', 'chunxin', '#/settings', 'h2'],
    [
      'the leader’s directive page with the 批示 form',
      'chunxin',
      '#/directives/{awaiting}',
      'form[data-step="批示"]',
    ],
    ['办理时限政策, as the director edits it', 'zh1-director', '#/policy', 'h2'],
    ['委托', 'chunxin', '#/delegations', 'h2'],
    ['机构与用户', 'admin', '#/org', 'h2'],
    ['审计日志', 'admin', '#/audit', 'h2'],
    ['启用编号', 'admin', '#/numbering', 'h2'],
    ['涉密资格', 'baomi', '#/clearances', 'h2'],
  ])('%s', async (_what, who, hash, ready) => {
    const page = who
      ? await ui.signedIn(who)
      : await (await ui.browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(
      `${api.baseUrl}/${hash.replace('{rn}', rn).replace('{dispatched}', dispatched).replace('{awaiting}', awaiting)}`,
    );
    await page.waitForSelector(ready);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
