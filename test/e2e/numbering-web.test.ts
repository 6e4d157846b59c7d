/**
 * 启用编号 in a real browser on the seed's day: the administrator continues the paper register
 * (收文编号 up to 201700083, 发改 up to 0008) on his page, and the clerk's 收文登记 of
 * 国发〔2016〕76号 then shows 201700084 and 发改 0009, as on the seed's 呈批表.
 */
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi([], { listen: true });
const ui = useBrowser(() => api.baseUrl, 'duban-numbering-web');
const { signedIn } = ui;

test('the administrator continues the paper register; the seed registers as 201700084 / 发改 0009', async () => {
  const admin = await signedIn('admin');
  await admin.click('nav a:has-text("启用编号")');
  await admin.waitForSelector('#numbering');
  // The year is the application's (2017 on the seed's day), not the browser's.
  expect(await admin.locator('#numbering h3').textContent()).toBe('2017年 收文登记簿');
  expect(await admin.locator('#next-receipt').textContent()).toBe('201700001');
  await admin.getByLabel('纸质登记簿已用到的收文编号（序号）').fill('83');
  await admin.getByLabel('新前缀', { exact: true }).fill('发改');
  await admin.getByLabel('新前缀已用到').fill('8');
  await admin.click('#numbering button[type=submit]');
  await admin.waitForSelector('#flash.ok:has-text("下一个收文编号 201700084")');
  expect(await admin.locator('#handling').textContent()).toContain('发改 0009');
  expect(await admin.locator('#numbering-set').textContent()).toContain('系统管理员');
  await admin.screenshot({ path: ui.shot('numbering.png'), fullPage: true });

  const clerk = await signedIn('huangweiyan');
  await clerk.click('a[href="#/register"]');
  await clerk.fill('form[data-step="收文登记"] input[name=docNumber]', '国发〔2016〕76号');
  await clerk.fill('form[data-step="收文登记"] input[name=title]', '国务院关于加强政务诚信建设的指导意见');
  expect(await clerk.inputValue('input[name=receivedDate]')).toBe('2017-01-03');
  await clerk.fill('form[data-step="收文登记"] input[name=handlingPrefix]', '发改');
  await clerk.click('form[data-step="收文登记"] button');
  await clerk.waitForURL(/#\/directives\/201700084$/);
  await clerk.waitForSelector('#form');
  expect(await clerk.locator('#form').textContent()).toContain('发改 0009');

  // The form no longer offers going back over an issued number (the API would refuse it: 409).
  await admin.reload();
  await admin.waitForSelector('#numbering');
  expect(await admin.locator('#next-receipt').textContent()).toBe('201700085');
  const last = admin.getByLabel('纸质登记簿已用到的收文编号（序号）');
  await last.fill('80');
  expect(
    await last.evaluate(
      (el) => (el as unknown as { validity: { rangeUnderflow: boolean } }).validity.rangeUnderflow,
    ),
  ).toBe(true);
});
