/**
 * 个人设置 in a real browser: 省发展改革委秘书科 chooses to have his notices by e-mail too, is
 * told an address is needed, gives one, and finds his choice kept on his next visit.
 */
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TOOLS } from '../helpers/paths';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { DEMO_PASSWORD } from '../../scripts/demo-organisation';

jest.setTimeout(120_000);

const api = useSeedDayApi([], { listen: true });
let browser: Browser;

beforeAll(async () => {
  // Root in a container has no user namespace for Chromium's sandbox.
  browser = await chromium.launch({ executablePath: path.join(TOOLS, 'chromium'), args: ['--no-sandbox'] });
});

afterAll(() => browser?.close());

async function signedIn(username: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto(`${api.baseUrl}/#/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('form[data-step="登录"] button');
  await page.waitForSelector('#who:has-text("退出")');
  return page;
}

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
