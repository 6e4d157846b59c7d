/**
 * 个人设置 in a real browser: 省发展改革委秘书科 chooses to have his notices by e-mail too, is
 * told an address is needed, gives one, and finds his choice kept on his next visit.
 */
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi([], { listen: true });
const ui = useBrowser(() => api.baseUrl, 'duban-settings-web');
const { signedIn } = ui;

test('a handler chooses notices by e-mail as well, at his own address, and finds it kept', async () => {
  const page = await signedIn('fgw-mishu');
  await page.click('#who a:has-text("个人设置")');
  await page.waitForSelector('#notice-settings');
  // In-app only until he chooses otherwise.
  expect(await page.getByLabel('仅站内提醒').isChecked()).toBe(true);

  await page.getByLabel('站内提醒，并发送邮件').check();
  await page.click('#notice-settings button[type=submit]');
  await page.waitForSelector('#flash:not(.ok):has-text("选择邮件提醒时须填写邮箱地址")');

  await page.getByLabel('邮箱地址').fill('mishu@fgw.gd.gov.cn');
  await page.click('#notice-settings button[type=submit]');
  await page.waitForSelector('#flash.ok:has-text("提醒将同时发送至 mishu@fgw.gd.gov.cn")');
  const user = await api.stack.database.db.user.findUniqueOrThrow({ where: { id: 'u-fgw-mishu' } });
  expect(user).toMatchObject({ email: 'mishu@fgw.gd.gov.cn', noticeByEmail: true });

  await page.reload();
  await page.waitForSelector('#notice-settings');
  expect(await page.getByLabel('站内提醒，并发送邮件').isChecked()).toBe(true);
  expect(await page.getByLabel('邮箱地址').inputValue()).toBe('mishu@fgw.gd.gov.cn');
});
