/**
 * The integrity chain's screens in a real browser (Debian's chromium through playwright-core), each
 * person in a browser of their own: a 政务失信记录 against 省财政厅 from 登记 through 限期整改 and
 * 验收 to 信用修复 after the waiting period, and the 政务诚信评价 back at the base.
 */
import type { Page } from 'playwright-core';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { directiveSteps } from '../helpers/seed-case';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { DEFAULT_INTEGRITY_POLICY } from '../../workflows/integrity-policy';

jest.setTimeout(240_000);

const api = useSeedDayApi([], { listen: true });
const ui = useBrowser(() => api.baseUrl, 'duban-integrity-web');
const { signedIn } = ui;

/** Opens a page of the UI and waits until it has rendered the element named. */
async function open(page: Page, hash: string, selector: string) {
  await page.goto(`${api.baseUrl}/${hash}`);
  await page.reload(); // same address as before: a reload makes the page load it afresh
  await page.waitForSelector(selector);
}

/** Fills a step's form (field name → value) and submits it, waiting for the success message. */
async function takeStep(page: Page, step: string, fields: Record<string, string>, button?: string) {
  const form = page.locator(`form[data-step="${step}"]`);
  for (const [name, value] of Object.entries(fields)) await form.locator(`[name=${name}]`).fill(value);
  await (
    button
      ? form.getByRole('button', { name: button, exact: true })
      : form.locator('button[type=submit]').last()
  ).click();
  await page.waitForSelector(`#flash.ok:has-text("${step}：已完成")`);
}

const status = (page: Page) => page.locator('#record #status').textContent();

test('a 承诺未履行 record against 省财政厅 goes from 登记 through 整改 and 验收 to 信用修复, by clicking', async () => {
  // 督查员 registers it; a credit officer lands on the records.
  const ducha = await signedIn('ducha');
  await ducha.waitForSelector('form[data-step="登记失信记录"]');
  const register = ducha.locator('form[data-step="登记失信记录"]');
  await register.locator('select[name=subjectKind]').selectOption('BODY');
  await register.locator('select[name=departmentCode]').selectOption('GDCZT');
  await register.locator('select[name=source]').selectOption('BROKEN_COMMITMENT');
  await register.locator('input[name=sourceRef]').fill('粤财〔2016〕12号 对企业的奖补承诺');
  await register.locator('input[name=occurredOn]').fill('2016-12-30');
  await register.locator('textarea[name=facts]').fill('承诺于2016年内兑现的企业奖补资金逾期未拨付。');
  await register.locator('input[name=principalName]').fill('张某');
  await register.locator('input[name=principalTitle]').fill('厅长');
  await register.locator('select[name=level]').selectOption('GENERAL');
  await register.locator('input[name=loss]').fill('企业资金周转受影响');
  await register.locator('input[name=socialImpact]').fill('企业投诉');
  await register.locator('input[name=published]').check();
  await register.getByRole('button', { name: '登记', exact: true }).click();
  await ducha.waitForURL(/#\/integrity\/records\/[^/]+$/);
  const record = ducha.url().split('#')[1]!;
  await ducha.waitForSelector('#record');
  expect(await status(ducha)).toBe('待书面说明');
  const facts = await ducha.locator('#record').textContent();
  for (const shown of ['省财政厅', '承诺未履行', '张某（厅长）', '一般', '公开'])
    expect(facts).toContain(shown);

  // 省财政厅's head answers for it: 书面说明原因 → 整改方案 → 整改完成.
  const head = await signedIn('czt-head');
  await open(head, `#${record}`, 'form[data-step="书面说明原因"]');
  await takeStep(head, '书面说明原因', { text: '因年底资金调度安排不当，奖补资金未能按期拨付。' });
  expect(await status(head)).toBe('待报整改方案');
  await takeStep(head, '报送整改方案', { text: '1月10日前完成资金拨付，并建立承诺事项台账。' });
  await takeStep(head, '报告整改完成', { text: '奖补资金已于1月5日全部拨付到位，台账已建立。' });
  expect(await status(head)).toBe('待验收');
  // The body sees its own steps only: no 验收 for it.
  expect(await head.locator('form[data-step="整改验收"]').count()).toBe(0);

  // Two credit officers have the 验收 form open; 督查室信用管理员 passes it first.
  await open(ducha, `#${record}`, 'form[data-step="整改验收"]');
  const xinyong = await signedIn('xinyong');
  await open(xinyong, `#${record}`, 'form[data-step="整改验收"]');
  await takeStep(xinyong, '整改验收', { comment: '资金已拨付，台账已建立，验收通过。' }, '通过');
  expect(await status(xinyong)).toBe('整改已验收');
  expect(await xinyong.locator('#rectification').textContent()).toContain('奖补资金已于1月5日全部拨付到位');

  // The other's form is stale: the API refuses, the reason shows, the page stays as it was.
  await ducha.fill('form[data-step="整改验收"] textarea[name=comment]', '同意验收。');
  await ducha
    .locator('form[data-step="整改验收"]')
    .getByRole('button', { name: '通过', exact: true })
    .click();
  await ducha.waitForSelector('#flash:not(.ok):not([hidden])');
  const refusal = await ducha.locator('#flash').textContent();
  await ducha.locator('#flash').screenshot({ path: ui.shot('refusal.png') });
  expect(refusal).toBe('整改验收：当前状态为整改已验收（RECTIFIED），不能整改验收');
  expect(await status(ducha)).toBe('待验收');

  // Not yet repairable: only after the waiting period from the 验收.
  await open(head, `#${record}`, '#record');
  expect(await head.locator('form[data-step="申请信用修复"]').count()).toBe(0);
  const repairableFrom = (await head.locator('#record').textContent())!.match(
    /可申请修复(\d{4}-\d{2}-\d{2})/,
  )?.[1];
  expect(repairableFrom).toBe('2017-04-03'); // 验收 on 2017-01-03 + 90 days
  await api.until(`${repairableFrom}T10:00`);

  await open(head, `#${record}`, 'form[data-step="申请信用修复"]');
  await takeStep(
    head,
    '申请信用修复',
    { statement: '整改已验收满90日，未再发生同类失信行为，申请信用修复。' },
    '申请',
  );
  expect(await status(head)).toBe('信用修复待审');

  await open(xinyong, `#${record}`, 'form[data-step="信用修复审核"]');
  expect(await xinyong.locator('form[data-step="信用修复审核"]').textContent()).toContain(
    '未再发生同类失信行为',
  );
  await takeStep(xinyong, '信用修复审核', { comment: '符合信用修复条件，同意修复。' }, '同意修复');
  expect(await status(xinyong)).toBe('已信用修复');
  expect(await xinyong.locator('#timeline').textContent()).toContain('同意修复');
  await xinyong.setViewportSize({ width: 1280, height: 900 });
  await xinyong.screenshot({ path: ui.shot('record.png'), fullPage: true });

  // 政务诚信评价 over 2017: a repaired record no longer counts, 省财政厅 is back at the base.
  await open(xinyong, '#/integrity/evaluation?from=2017-01-01&to=2017-12-31', '#ranking');
  const row = xinyong.locator('#ranking tr[data-department="GDCZT"]');
  expect(await row.locator('td.score').textContent()).toBe(String(DEFAULT_INTEGRITY_POLICY.evaluation.base));
  expect(await xinyong.locator('#formula').textContent()).not.toBe('');
  await xinyong.setViewportSize({ width: 1280, height: 900 });
  await xinyong.screenshot({ path: ui.shot('evaluation.png'), fullPage: true });

  // The body's own view of its score, from the ranking's link.
  await row.locator('a').click();
  await xinyong.waitForSelector('#score');
  expect(await xinyong.locator('#score').textContent()).toBe(
    String(DEFAULT_INTEGRITY_POLICY.evaluation.base),
  );
  await xinyong.screenshot({ path: ui.shot('body-evaluation.png'), fullPage: true });

  // The department sees its record in its own list, through the nav link everyone has.
  await head.click('a[href="#/integrity"]');
  await head.waitForSelector('#records');
  expect(await head.locator('#records').textContent()).toContain('已信用修复');
});

test('a directive task ten days overdue opens a record its directive page links to, with the evidence', async () => {
  // After the walk above (2017-04-03): a directive dispatched to 省发展改革委 that is never answered.
  const steps = directiveSteps(api.env.client, api.stack.taskQueue);
  const receiptNumber = await steps.register({
    ...SEED_DIRECTIVE,
    docNumber: '国办发〔2017〕9号',
    title: '国务院办公厅关于印发政务诚信建设重点工作分工的通知',
    receivedDate: '2017-04-03',
  });
  await steps.instructed(receiptNumber);
  await steps.dispatch(receiptNumber); // 10 days: due 2017-04-13
  await api.until('2017-04-25T10:00');

  const clerk = await signedIn('huangweiyan');
  await open(clerk, `#/directives/${receiptNumber}`, '#tasks');
  await clerk.locator('#tasks a:has-text("失信记录")').click();
  await clerk.waitForSelector('#record');
  expect(clerk.url()).toContain(`#/integrity/records/${receiptNumber}-GDFGW`);
  expect(await status(clerk)).toBe('待书面说明');
  expect(await clerk.locator('#record').textContent()).toContain('督办事项逾期未办');
  const evidence = clerk.locator('#evidence');
  expect(await evidence.textContent()).toContain('2017-04-13');
  await evidence.locator(`a[href="#/directives/${receiptNumber}"]`).waitFor();
  await clerk.setViewportSize({ width: 1280, height: 900 });
  await clerk.screenshot({ path: ui.shot('overdue-record.png'), fullPage: true });

  // The open record counts against 省发展改革委 in the 评价, one 一般 record below the base.
  const { base, perRecord } = DEFAULT_INTEGRITY_POLICY.evaluation;
  await open(clerk, '#/integrity/evaluation?from=2017-01-01&to=2017-12-31', '#ranking');
  const row = clerk.locator('#ranking tr[data-department="GDFGW"]');
  expect(await row.locator('td.score').textContent()).toBe(String(base - perRecord.GENERAL));
  await row.locator('a').click();
  await clerk.waitForSelector('#breakdown');
  expect(await clerk.locator('#breakdown').textContent()).toContain('失信记录（一般）');
  await clerk.screenshot({ path: ui.shot('body-evaluation-deduction.png'), fullPage: true });
});
