/**
 * 涉密 in a real browser, on a deployment not accredited for classified documents (the default):
 * the clerk's 收文登记 offers 非密 only and says where a classified document goes; the 保密员 sets
 * a clerk's 涉密资格 on his page, with its 依据.
 */
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi([], { listen: true });
const ui = useBrowser(() => api.baseUrl, 'duban-classified-web');
const { signedIn } = ui;

test('the clerk may register 非密 only, and is told that classified documents go through 机要', async () => {
  const clerk = await signedIn('huangweiyan');
  await clerk.goto(`${api.baseUrl}/#/register`);
  await clerk.waitForSelector('#classified-hint');
  expect(await clerk.locator('select[name=secrecy] option').allTextContents()).toEqual(['非密']);
  expect(await clerk.locator('#classified-hint').textContent()).toContain('须通过机要渠道办理');
  expect(await clerk.locator('input[name=secrecyPeriod]').count()).toBe(0);
  await clerk.screenshot({ path: ui.shot('register-unaccredited.png'), fullPage: true });
});

test('the 保密员 sets a clerk’s 涉密资格 with its 依据; the page and the database agree', async () => {
  const officer = await signedIn('baomi');
  await officer.click('nav a:has-text("涉密资格")');
  await officer.waitForSelector('#clearances');
  expect(await officer.locator('.hint').textContent()).toContain('未获涉密信息系统审批');
  const row = officer.locator('#clearances tr', { hasText: '黄炜演' });
  await row.getByLabel('黄炜演的涉密资格').selectOption('机密');
  await row.getByLabel('依据').fill('保密委〔2017〕1号审批');
  await row.getByRole('button', { name: '设定' }).click();
  await officer.waitForSelector('#flash.ok:has-text("黄炜演：涉密资格已设为机密")');
  expect(await row.locator('td.clearance').textContent()).toBe('机密');
  await officer.screenshot({ path: ui.shot('clearances.png'), fullPage: true });
  const clerk = await api.stack.database.db.user.findUniqueOrThrow({ where: { id: 'u-huangweiyan' } });
  expect(clerk.clearance).toBe('机密');

  // His own row refuses, with the reason.
  const own = officer.locator('#clearances tr', { hasText: '保密员' }).first();
  await own.getByLabel('依据').fill('自行设定');
  await own.getByRole('button', { name: '设定' }).click();
  await officer.waitForSelector('#flash:not(.ok):has-text("不能为自己设定涉密资格")');
});
