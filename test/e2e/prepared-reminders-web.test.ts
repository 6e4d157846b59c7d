/**
 * 预备提醒 in a real browser: 国发〔2016〕76号 dispatched to 省发展改革委 on 2017-01-04, due the 14th.
 * At 08:55 on the 11th its D-3 reminder is written (the 办理过程 says when it will reach him) and
 * 省发展改革委秘书科's inbox holds nothing; at 09:01 the reminder is there, timed 09:00, and he marks
 * it read.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { seedRoute } from '../helpers/seed-route';

jest.setTimeout(180_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'fgw-mishu'], {
  listen: true,
});
const ui = useBrowser(() => api.baseUrl, 'duban-prepared-reminders-web');
const { as, until } = api;

/** Through the API: 收文登记 to 转办 on the seed's dates, 省发展改革委 alone, and its 签收. */
async function dispatchedToFgw(): Promise<string> {
  const seed = await seedRoute(api).instructed(SEED_DIRECTIVE, {
    leadDepartment: 'GDFGW',
    comment: '拟请省发展改革委研究提出办理意见。',
  });
  const path = `/api/directives/${seed}`;
  await until('2017-01-04T10:00');
  await as('huangweiyan').post(`${path}/dispatch`);
  await as('fgw-mishu').post(`${path}/tasks/GDFGW/sign-for`, { deptReceiptNumber: '319号' });
  return seed;
}

test('the 09:00 reminder, written at 08:50, is in the handler’s inbox from 09:00 and not before', async () => {
  const seed = await dispatchedToFgw();
  await until('2017-01-11T08:55');
  const page = await ui.signedIn('fgw-mishu');

  await page.click('a[href="#/inbox"]');
  await page.waitForSelector('h2:has-text("提醒（未读 0）")');
  expect(await page.locator('#inbox tr').count()).toBe(1); // the header row alone

  await page.goto(`${api.baseUrl}/#/directives/${seed}`);
  const reminder = page.locator('#timeline tr', { hasText: '到期提醒' });
  await reminder.waitFor();
  expect(await reminder.locator('td').allTextContents()).toEqual([
    '2017-01-11 08:50',
    '系统 · 省发展改革委',
    '到期提醒',
    'remind-3（定于2017年1月11日09:00 送达） → 省发展改革委秘书科',
  ]);
  await page.screenshot({ path: ui.shot('timeline-0855.png'), fullPage: true });

  await until('2017-01-11T09:01');
  await page.goto(`${api.baseUrl}/#/inbox`);
  await page.waitForSelector('h2:has-text("提醒（未读 1）")');
  const row = page.locator('#inbox tr').nth(1);
  expect(await row.locator('td').allTextContents()).toEqual([
    '2017-01-11 09:00',
    '到期提醒：国务院关于加强政务诚信建设的指导意见',
    '国发〔2016〕76号，省发展改革委 回报期限 2017-01-14',
    '标为已读',
  ]);
  await page.screenshot({ path: ui.shot('inbox-0901.png'), fullPage: true });
  await row.getByRole('button', { name: '标为已读' }).click();
  await page.waitForSelector('h2:has-text("提醒（未读 0）")');
  expect(await page.locator('#inbox tr').nth(1).locator('td').last().textContent()).toBe('已读');
});
