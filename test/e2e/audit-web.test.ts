/**
 * The audit viewer in a real browser (Debian's chromium through playwright-core): the 保密员 signs
 * in, lands on 审计日志, sees the seed case's steps with who took them (a 批示 under a 委托 names
 * both) and the hash chain intact, and filters by the 收文编号.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { TOOLS } from '../helpers/paths';
import { directiveSteps, people, seedProposal } from '../helpers/seed-case';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { DEMO_PASSWORD } from '../../scripts/demo-organisation';

jest.setTimeout(240_000);

const api = useSeedDayApi(['huangweiyan', 'chunxin', 'mishuzhang'], { listen: true });
/** Screenshots of the page, to look at after a run. */
const SHOTS = path.join(os.tmpdir(), 'duban-audit-web');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Root in a container has no user namespace for Chromium's sandbox.
  browser = await chromium.launch({ executablePath: path.join(TOOLS, 'chromium'), args: ['--no-sandbox'] });
});

afterAll(() => browser?.close());

test('the 保密员 sees who did what on 国发〔2016〕76号, the chain intact, and filters by its 收文编号', async () => {
  // 收文登记 through the API; 初审 to the sign-offs at the workflow; 春新's 批示 given by 秘书长 under a 委托.
  const registered = await api.as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  const rn = registered.body.directive.receiptNumber as string;
  const steps = directiveSteps(api.stack.temporal, api.stack.taskQueue);
  await steps.accept(rn);
  await steps.propose(rn, seedProposal());
  await steps.signOff(rn, people.reviewer);
  await steps.signOff(rn, people.director);
  const delegated = await api.as('chunxin').post('/api/delegations', {
    toUserId: 'u-mishuzhang',
    startsOn: '2017-01-03',
    endsOn: '2017-01-10',
    reason: '出差',
  });
  expect(delegated.status).toBe(201);
  const instructed = await api
    .as('mishuzhang', { 'On-Behalf-Of': 'u-chunxin' })
    .post(`/api/directives/${rn}/instruction`, { decision: 'APPROVE', text: '同意。' });
  expect(instructed.status).toBe(200);

  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto(`${api.baseUrl}/#/login`);
  await page.fill('input[name=username]', 'baomi');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('form[data-step="登录"] button');
  // A 保密员 lands on the audit trail.
  await page.waitForSelector('#audit tr[data-id]');
  expect(page.url()).toContain('#/audit');
  await page.waitForSelector('#chain.ok');
  expect(await page.locator('#chain').textContent()).toContain('哈希链校验：完整');
  expect(await page.locator('#nav').textContent()).toContain('审计日志');

  const rows = async () =>
    Promise.all(
      (await page.locator('#audit tr[data-id]').all()).map((tr) => tr.locator('td').allTextContents()),
    );
  const all = await rows();
  const actions = all.map((r) => r[3]);
  for (const a of ['登录', '收文登记', '初审', '拟办', '委托', '批示']) expect(actions).toContain(a);
  // Newest first: the 保密员's own sign-in, then the directive's last step, the 批示, by 秘书长 for
  // 春新, from 待批示 to 已批示.
  expect(all[0]!.slice(2, 4)).toEqual(['办公厅保密员', '登录']);
  expect(all.find((r) => r[4] === rn)).toEqual([
    expect.stringMatching(/^#\d+$/),
    expect.stringMatching(/^2017-01-03 /),
    '办公厅秘书长（代春新）',
    '批示',
    rn,
    '待批示',
    '已批示',
    '',
  ]);

  await page.screenshot({ path: path.join(SHOTS, 'audit-all.png'), fullPage: true });

  // Filtered by the 收文编号: its steps only, no sign-ins.
  await page.fill('#audit-filters input[name=target]', rn);
  await page.click('#audit-filters button[type=submit]');
  await page.waitForURL(/target=/);
  await page.waitForSelector(`p:has-text("共 ${all.filter((r) => r[4] === rn).length} 条")`);
  const filtered = await rows();
  expect(filtered.every((r) => r[4] === rn)).toBe(true);
  expect(filtered.map((r) => r[3])).not.toContain('登录');
  await page.screenshot({ path: path.join(SHOTS, 'audit.png'), fullPage: true });
});
