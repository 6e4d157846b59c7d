/**
 * 办理时限政策 in a real browser on the seed's day: a department head reads the policy in force as
 * the office writes it, with no form to change it; the office director sets 办理提示 1 to 12 days
 * as a new version, after the API has refused a version without a name and 0 days, each with its
 * reason beside the field and nothing saved.
 */
import { DEFAULT_POLICY } from '../../workflows/policy';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi(['zh1-director'], { listen: true });
const ui = useBrowser(() => api.baseUrl, 'duban-policy-web');
const { signedIn } = ui;

test('a department head reads the 办理时限政策 as the office writes it, and has no form to change it', async () => {
  const page = await signedIn('fgw-head');
  await page.click('#nav a:has-text("时限政策")');
  await page.waitForSelector('#policy-options');
  expect(await page.locator('#policy-version').textContent()).toBe(DEFAULT_POLICY.version);

  const cells = (selector: string) => page.locator(selector).locator('td').allTextContents();
  expect(await cells('#policy-options tr[data-option="1"]')).toEqual([
    '1',
    '拟原文翻印发至各市、县，省府直属各部门',
    '转办后 10 天内回报',
    '—',
  ]);
  expect((await cells('#policy-options tr[data-option="4"]'))[3]).toBe(
    '须附代拟稿；可待后送出，转办后 15 天内送交',
  );
  const general = Object.fromEntries(
    await Promise.all(
      (await page.locator('#policy-general tr').all()).map(async (tr) => [
        await tr.locator('th').textContent(),
        await tr.locator('td').textContent(),
      ]),
    ),
  );
  expect(general).toEqual({
    计日方式: '日历日（每天都计）',
    提醒发出时间: '当天 9 时（北京时间）',
    审核顺序: '审核人 → 处长 → 领导批示',
    办文时限:
      '自签收至转办：特急 1 天，加急 2 天，平急 3 天；最后一天仍未转办的，提醒登记人（收文登记的文秘）、督办人',
    须指定督办人: '特急、加急件转办前须指定督办人',
    自动登记失信记录: '承办单位逾期 10 天仍未回报的，自动登记政务失信记录',
  });
  // 平急: two 提醒 before the 回报期限, the 催报单 the day after, three rungs of 升级督办.
  const routine = await Promise.all(
    (await page.locator('table.ladder[data-urgency="平急"] tr[data-key]').all()).map((tr) =>
      tr.locator('td').allTextContents(),
    ),
  );
  expect(routine).toEqual([
    ['remind-3', '提醒', '回报期限前 3 天', '承办人'],
    ['remind-1', '提醒', '回报期限前 1 天', '承办人'],
    ['formal-1', '催报单', '回报期限后 1 天', '承办人、承办单位负责人、督办人'],
    ['escalate-3', '升级督办', '回报期限后 3 天', '承办单位负责人'],
    ['escalate-5', '升级督办', '回报期限后 5 天', '处长'],
    ['escalate-10', '升级督办', '回报期限后 10 天', '批示领导'],
  ]);
  expect(await page.locator('table.ladder').count()).toBe(3);
  expect(await page.locator('#policy-edit').count()).toBe(0);
  await page.screenshot({ path: ui.shot('policy-dept-head.png'), fullPage: true });
});

test('the office director sets 办理提示 1 to 12 days as a new version; a version without a name, or 0 days, is refused beside the field and saves nothing', async () => {
  const { db } = api.stack.database;
  const saved = await db.policyVersion.count();
  const page = await signedIn('zh1-director');
  await page.click('#nav a:has-text("时限政策")');
  await page.waitForSelector('#policy-edit');
  const days = page.getByLabel('办理提示 1 回报天数');
  expect(await days.inputValue()).toBe('10');

  // No version name: the API's reason beside 新版本名称, and in the flash.
  await days.fill('12');
  await page.click('#policy-edit button[type=submit]');
  const unnamed = '政策版本须由字母、数字和 . _ - 组成（至多 40 个字符），如 seed-2017';
  await page.waitForSelector(`#flash:not(.ok):has-text("${unnamed}")`);
  expect(await page.locator('[data-field="version"] .field-error').textContent()).toBe(unnamed);
  expect(await page.getByLabel('新版本名称').getAttribute('aria-invalid')).toBe('true');

  // 0 days: the reason beside 办理提示 1's days, named in Chinese; the version's reason is gone.
  await page.getByLabel('新版本名称').fill('2017-option1-12d');
  await days.fill('0');
  await page.click('#policy-edit button[type=submit]');
  await page.waitForSelector('#flash:not(.ok):has-text("办理提示 1：回报天数不得小于 1")');
  expect(await page.locator('#policy-edit .field-error').allTextContents()).toEqual(['回报天数不得小于 1']);
  expect(await days.getAttribute('aria-invalid')).toBe('true');
  await page.screenshot({ path: ui.shot('policy-refused.png'), fullPage: true });
  expect(await db.policyVersion.count()).toBe(saved);
  expect((await api.as('zh1-director').get('/api/policy')).body.policy.version).toBe(DEFAULT_POLICY.version);

  await days.fill('12');
  await page.click('#policy-edit button[type=submit]');
  await page.waitForSelector('#flash.ok:has-text("办理时限政策已保存为新版本 2017-option1-12d")');
  expect(await page.locator('#policy-version').textContent()).toBe('2017-option1-12d');
  expect(await page.locator('#policy-options tr[data-option="1"] td').nth(2).textContent()).toBe(
    '转办后 12 天内回报',
  );
  expect(await page.locator('#policy-edit .field-error').count()).toBe(0);
  await page.screenshot({ path: ui.shot('policy-saved.png'), fullPage: true });

  // The form sent back the policy it showed: only the version and 办理提示 1's days have changed.
  const { policy } = (await api.as('zh1-director').get('/api/policy')).body;
  expect(policy).toEqual({
    ...DEFAULT_POLICY,
    version: '2017-option1-12d',
    handlingOptions: {
      ...DEFAULT_POLICY.handlingOptions,
      1: { ...DEFAULT_POLICY.handlingOptions[1], reportWithinDays: 12 },
    },
  });
  expect(await db.policyVersion.count()).toBe(saved + 1);
});

test('the office director edits a ladder by keyboard: a rung added, one removed, a bad rung refused beside its row', async () => {
  const page = await signedIn('zh1-director');
  await page.click('#nav a:has-text("时限政策")');
  await page.waitForSelector('#policy-edit');
  const ladder = page.locator('fieldset.ladder-edit[data-urgency="特急"]');
  expect(await ladder.locator('tr[data-rule]').count()).toBe(4);

  // Added by keyboard: the new rung's 代号 has the focus; its 代号 left in capitals.
  await ladder.getByRole('button', { name: '添加一级（特急）' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('Remind-2');
  expect(await ladder.locator('tr[data-rule]').count()).toBe(5);
  await ladder.getByLabel('特急第 5 级 时点').fill('-2');
  await ladder
    .getByRole('group', { name: '特急第 5 级 发送对象' })
    .getByLabel('承办人', { exact: true })
    .check();
  await ladder.getByRole('button', { name: '删除特急第 1 级' }).click();
  expect(await ladder.locator('tr[data-rule] td.rung').allTextContents()).toEqual(['1', '2', '3', '4']);
  await page.getByLabel('新版本名称').fill('2017-urgent-b');
  await page.click('#policy-edit button[type=submit]');
  // The row that was fifth is fourth now, and the reason says so.
  await page.waitForSelector('#flash:not(.ok):has-text("特急第 4 级：提醒规则代号须由小写字母")');
  expect(await ladder.locator('tr[data-rule]').nth(3).locator('.field-error').textContent()).toContain(
    '提醒规则代号须由小写字母、数字和 - 组成',
  );

  await ladder.getByLabel('特急第 4 级 代号').fill('remind-2');
  await page.click('#policy-edit button[type=submit]');
  await page.waitForSelector('#flash.ok:has-text("2017-urgent-b")');
  const rows = await Promise.all(
    (await page.locator('table.ladder[data-urgency="特急"] tr[data-key]').all()).map((tr) =>
      tr.locator('td').allTextContents(),
    ),
  );
  expect(rows.map((r) => r[0])).toEqual(['formal-1', 'escalate-1', 'escalate-2', 'remind-2']);
  expect(rows[3]).toEqual(['remind-2', '提醒', '回报期限前 2 天', '承办人']);
});

test('the office director sends the notices at 8:30: minute 60 is refused beside its field, 30 is saved as a new version', async () => {
  const page = await signedIn('zh1-director');
  await page.click('#nav a:has-text("时限政策")');
  await page.waitForSelector('#policy-edit');
  const minute = page.getByLabel('提醒发出分钟（0–59 分）');
  expect(await minute.inputValue()).toBe('0');
  await page.getByLabel('新版本名称').fill('2017-notices-0830');
  await page.getByLabel('提醒发出时刻（0–23 时）').fill('8');

  await minute.fill('60');
  await page.click('#policy-edit button[type=submit]');
  await page.waitForSelector('#flash:not(.ok):has-text("提醒发出分钟")');
  expect(await page.locator('[data-field="noticeMinute"] .field-error').textContent()).toMatch(/59/);
  expect(await minute.getAttribute('aria-invalid')).toBe('true');

  await minute.fill('30');
  await page.click('#policy-edit button[type=submit]');
  await page.waitForSelector('#flash.ok:has-text("2017-notices-0830")');
  expect(
    await page.locator('#policy-general tr', { hasText: '提醒发出时间' }).locator('td').textContent(),
  ).toBe('当天 8 时 30 分（北京时间）');
  await page.screenshot({ path: ui.shot('policy-notices-0830.png'), fullPage: true });
  const { policy } = (await api.as('zh1-director').get('/api/policy')).body;
  expect(policy).toMatchObject({ version: '2017-notices-0830', noticeHour: 8, noticeMinute: 30 });
});
