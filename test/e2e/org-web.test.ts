/**
 * 机构与用户 in a real browser on the seed's day: the administrator adds 省生态环境厅 and its
 * 承办人 on his page and hands over the initial password; 国发〔2016〕76号 is dispatched to the new
 * department; the new person signs in, must first choose his own password, and then signs for the
 * task (签收) from the directive's page.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/auth/passwords';
import { TOOLS } from '../helpers/paths';
import { directiveSteps, seedProposal } from '../helpers/seed-case';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi([], { listen: true });
/** Screenshots of the pages, to look at after a run. */
const SHOTS = path.join(os.tmpdir(), 'duban-org-web');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Root in a container has no user namespace for Chromium's sandbox.
  browser = await chromium.launch({ executablePath: path.join(TOOLS, 'chromium'), args: ['--no-sandbox'] });
});

afterAll(() => browser?.close());

async function signIn(username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto(`${api.baseUrl}/#/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('form[data-step="登录"] button');
  await page.waitForSelector('#who:has-text("退出")');
  return page;
}

async function submit(page: Page, step: string) {
  await page.locator(`form[data-step="${step}"] button[type=submit]`).last().click();
  await page.waitForSelector(`#flash.ok:has-text("${step}：已完成")`);
}

test('the administrator adds a department and its handler; the handler changes his password and signs for a task', async () => {
  const admin = await signIn('admin', DEMO_PASSWORD);
  await admin.click('nav a:has-text("机构与用户")');
  await admin.waitForSelector('#org-tree');

  const department = admin.locator('form[data-step="新增单位"]');
  await department.getByLabel('单位代码').fill('GDSTHJT');
  await department.getByLabel('单位名称').fill('省生态环境厅');
  await department.getByLabel('单位类型').selectOption('RESPONSIBLE_DEPARTMENT');
  await submit(admin, '新增单位');
  await admin.waitForSelector('#org-tree li[data-code=GDSTHJT]');

  const user = admin.locator('form[data-step="新增用户"]');
  await user.getByLabel('用户名').fill('sthjt-mishu');
  await user.getByLabel('姓名').fill('省生态环境厅秘书科');
  await user.getByLabel('所属单位').selectOption('GDSTHJT');
  await user.getByLabel('承办人').check();
  await user.getByLabel('电话').fill('83132337');
  await submit(admin, '新增用户');
  const initialPassword = (await admin.locator('#initial-password code.password').textContent())!;
  expect(initialPassword).toMatch(/^[A-Za-z2-9]{16}$/);
  expect(await admin.locator('tr[data-user="sthjt-mishu"]').textContent()).toContain('待改密');
  await admin.screenshot({ path: path.join(SHOTS, 'org.png'), fullPage: true });
  // Shown once: the page after the next change no longer holds it.
  await admin.reload();
  await admin.waitForSelector('#org-tree');
  expect(await admin.locator('#initial-password').count()).toBe(0);

  // A sheet: checked first (nothing applied), then imported; the refused row says why.
  await admin.setInputFiles('#import input[type=file]', {
    name: '用户.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      '用户名,姓名,单位代码,角色,电话\nsthjt-head,省生态环境厅负责人,GDSTHJT,部门负责人,\nnobody,某人,GDXXX,承办人,\n',
    ),
  });
  await admin.click('#import button:has-text("检查")');
  await admin.waitForSelector('#import-report:has-text("1 行可导入，1 行不能导入")');
  await admin.click('#import button:has-text("导入")');
  await admin.waitForSelector('#import-report:has-text("已导入 0 个单位、1 个用户；1 行未导入")');
  expect(await admin.locator('#import-report tr.refused').textContent()).toContain(
    '单位代码：单位 GDXXX 不存在',
  );
  expect(await admin.locator('#import-report tr.ok code').textContent()).toMatch(/^[A-Za-z2-9]{16}$/);
  await admin.screenshot({ path: path.join(SHOTS, 'import.png'), fullPage: true });

  // 国发〔2016〕76号 through 批示 and dispatched to the new department (主办).
  const steps = directiveSteps(api.stack.temporal, api.stack.taskQueue);
  const receiptNumber = await steps.register();
  await steps.instructed(receiptNumber, seedProposal({ leadDepartment: 'GDSTHJT' }));
  await steps.dispatch(receiptNumber);
  for (
    let i = 0;
    !(await api.stack.database.db.departmentTask.count({ where: { departmentCode: 'GDSTHJT' } }));
    i++
  ) {
    if (i === 200) throw new Error('the task never reached 省生态环境厅');
    await new Promise((r) => setTimeout(r, 25));
  }

  // The new handler: first his own password, then the task.
  const handler = await signIn('sthjt-mishu', initialPassword);
  await handler.waitForSelector('#must-change');
  await handler.screenshot({ path: path.join(SHOTS, 'must-change.png'), fullPage: true });
  await handler.fill('input[name=currentPassword]', initialPassword);
  await handler.fill('input[name=newPassword]', 'Shengtai2017ok');
  await handler.fill('input[name=confirmPassword]', 'Shengtai2017ok');
  await handler.click('form[data-step="修改密码"] button[type=submit]');
  // His department's tasks, then the directive's page with the step he may take.
  await handler.waitForSelector(`#my-tasks a:has-text("${receiptNumber}")`);
  await handler.click(`#my-tasks a:has-text("${receiptNumber}")`);
  await handler.fill('input[name=deptReceiptNumber]', '12号');
  await submit(handler, '签收（省生态环境厅）');
  await handler.screenshot({ path: path.join(SHOTS, 'signed-for.png'), fullPage: true });
  expect(
    await api.stack.database.db.departmentTask.findFirst({
      where: { receiptNumber, departmentCode: 'GDSTHJT' },
    }),
  ).toMatchObject({ status: 'SIGNED_FOR', signedForById: 'u-sthjt-mishu', deptReceiptNumber: '12号' });

  // The administrator's page shows him as an ordinary account now; the trail names the administrator.
  await admin.reload();
  await admin.waitForSelector('tr[data-user="sthjt-mishu"]');
  expect(await admin.locator('tr[data-user="sthjt-mishu"] td.state').textContent()).toBe('正常');
  const trail = await api.stack.database.db.auditEvent.findMany({
    where: { action: { in: ['department.create', 'user.create', 'password.change', 'org.import'] } },
    orderBy: { id: 'asc' },
  });
  expect(trail.map((a) => [a.action, a.actorId, a.target])).toEqual([
    ['department.create', 'u-admin', 'GDSTHJT'],
    ['user.create', 'u-admin', 'u-sthjt-mishu'],
    ['org.import', 'u-admin', '用户.csv'],
    ['user.create', 'u-admin', 'u-sthjt-head'],
    ['password.change', 'u-sthjt-mishu', 'u-sthjt-mishu'],
  ]);
});
