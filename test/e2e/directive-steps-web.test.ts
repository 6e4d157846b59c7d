/**
 * Every step the API offers on a directive has its form, in a real browser on the seed's day:
 * a 拟办 asking two leaders in turn, a 批示 that amends the 拟办 (修改), 传阅 and its recall,
 * 改派承办人, a 回报单 with its scanned file uploaded and then downloaded by the office, 答复 telling
 * the 承办单位; and a double click on a form acts once.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi(
  ['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'mishuzhang', 'czt-head'],
  {
    listen: true,
  },
);
const ui = useBrowser(() => api.baseUrl, 'duban-directive-steps-web');

/** Takes the step on its form and waits for the page to say it is done. */
async function takeStep(page: Page, step: string, button?: string) {
  const form = page.locator(`form[data-step="${step}"]`);
  await (
    button
      ? form.getByRole('button', { name: button, exact: true })
      : form.locator('button[type=submit]').last()
  ).click();
  await page.waitForSelector(`#flash.ok:has-text("${step}：已完成")`);
}
const actions = (page: Page) => page.locator('#timeline tr td:nth-child(3)').allTextContents();
/** A small PDF: the 回报单 as scanned. */
const SCAN = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

test('two leaders in turn, a 批示 that amends, 传阅 recalled, 改派, a 回报单 with its scan, 答复', async () => {
  const registered = await api.as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  const rn = registered.body.directive.receiptNumber as string;
  const clerk = await ui.signedIn('huangweiyan');
  await clerk.goto(`${api.baseUrl}/#/directives/${rn}`);
  await takeStep(clerk, '初审', '符合要求');

  // 拟办: 省发展改革委 with option 1, 请春新、办公厅秘书长同志依次批示.
  const proposal = clerk.locator('form[data-step="拟办"]');
  await proposal.locator('select[name=leadDepartment]').selectOption('GDFGW');
  await proposal.locator('select[name=leader1]').selectOption('u-chunxin');
  await proposal.locator('select[name=leader2]').selectOption('u-mishuzhang');
  await proposal.locator('select[name=leaderMode]').selectOption('SEQUENCE');
  await proposal.locator('textarea[name=comment]').fill('拟请省发展改革委研究提出办理意见。');
  await takeStep(clerk, '拟办');
  for (const who of ['chenweiyan', 'zh1-director'])
    expect((await api.as(who).post(`/api/directives/${rn}/review`, { decision: 'APPROVE' })).status).toBe(
      200,
    );

  // 春新 amends: 省财政厅 会办, option 4; 秘书长 then agrees.
  const leader = await ui.signedIn('chunxin');
  await leader.goto(`${api.baseUrl}/#/directives/${rn}`);
  const instruction = leader.locator('form[data-step="批示"]');
  await instruction.locator('textarea[name=text]').fill('请省财政厅会办，并加具贯彻意见。');
  await instruction.locator('input[name=coDepartments][value=GDCZT]').check();
  await instruction.locator('select[name=handlingOption]').selectOption('4');
  await takeStep(leader, '批示', '修改');
  const second = await ui.signedIn('mishuzhang');
  await second.goto(`${api.baseUrl}/#/directives/${rn}`);
  await takeStep(second, '批示', '同意');
  const { directive } = (await api.as('huangweiyan').get(`/api/directives/${rn}`)).body;
  expect(directive).toMatchObject({ status: 'INSTRUCTED', handlingOption: 4 });

  // 传阅 to 秘书长, recalled before he reads it.
  await clerk.reload();
  await clerk.locator('form[data-step="传阅"] select[name=readers]').selectOption(['u-mishuzhang']);
  await takeStep(clerk, '传阅', '送阅');
  await clerk.fill('form[data-step="收回传阅（第 1 次）"] input[name=reason]', '误送');
  await takeStep(clerk, '收回传阅（第 1 次）', '收回');
  expect(await clerk.locator('#circulation').textContent()).toContain('已收回：误送');

  // 转办, then 改派: 省发展改革委's head handles it himself.
  await takeStep(clerk, '转办', '转办');
  // The departments' tasks open in their own workflows a moment after the 转办 is answered.
  for (let i = 0; !(await clerk.locator('form[data-step="改派承办人（省发展改革委）"]').count()); i++) {
    if (i === 50) throw new Error('the task of 省发展改革委 did not open');
    await clerk.waitForTimeout(100);
    await clerk.reload();
    await clerk.waitForSelector('#timeline');
  }
  const reassign = clerk.locator('form[data-step="改派承办人（省发展改革委）"]');
  await reassign.locator('select[name=handler]').selectOption('u-fgw-head');
  await reassign.locator('input[name=reason]').fill('承办人出差');
  await takeStep(clerk, '改派承办人（省发展改革委）', '改派');
  expect(await actions(clerk)).toContain('改派承办人');

  // A double click on 催办 acts once.
  await clerk.fill('form[data-step="催办（省发展改革委）"] input[name=text]', '请抓紧签收。');
  await clerk.locator('form[data-step="催办（省发展改革委）"] button').dblclick();
  await clerk.waitForSelector('#flash.ok:has-text("催办（省发展改革委）：已完成")');
  expect((await actions(clerk)).filter((a) => a === '催办')).toHaveLength(1);

  // 省发展改革委 signs for it and reports with the scanned 回报单 and the 代拟稿 attached.
  const head = await ui.signedIn('fgw-head');
  await head.goto(`${api.baseUrl}/#/directives/${rn}`);
  await head.fill('form[data-step="签收（省发展改革委）"] input[name=deptReceiptNumber]', '319号');
  await takeStep(head, '签收（省发展改革委）');
  const report = head.locator('form[data-step="回报单（省发展改革委）"]');
  await report.locator('input[name=options][value="4"]').check();
  await report.locator('textarea[name=text]').fill('需加具贯彻意见，代拟稿见附件。');
  await report.locator('input[name=attachments]').setInputFiles({
    name: '回报单（省发展改革委）.pdf',
    mimeType: 'application/pdf',
    buffer: SCAN,
  });
  await takeStep(head, '回报单（省发展改革委）', '盖章回报');

  // The office sees the file under 附件 and downloads it.
  await clerk.reload();
  const link = clerk.locator('#attachments a:has-text("回报单（省发展改革委）.pdf")');
  expect(await clerk.locator('#attachments li').textContent()).toContain('省发展改革委');
  const [download] = await Promise.all([clerk.waitForEvent('download'), link.click()]);
  const saved = await download.path();
  expect(readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');
  await takeStep(clerk, '审核回报（省发展改革委）', '通过');
  await clerk.screenshot({ path: ui.shot('directive-steps.png'), fullPage: true });

  // 省财政厅, the 会办 the 批示 added, reports too; then 答复, telling 省发展改革委 only.
  const czt = `/api/directives/${rn}/tasks/GDCZT`;
  const as = api.as;
  expect(
    (await as('czt-head').post(`${czt}/sign-for`, { deptReceiptNumber: '财收〔2017〕12号' })).status,
  ).toBe(200);
  const draft = { options: [4], text: '同意', draft: '关于加强我省政务诚信建设的实施意见（代拟稿）' };
  expect((await as('czt-head').post(`${czt}/report`, draft)).status).toBe(200);
  expect((await as('huangweiyan').post(`${czt}/review`, { decision: 'ACCEPT' })).status).toBe(200);
  for (let i = 0; !(await clerk.locator('form[data-step="答复"]').count()); i++) {
    if (i === 50) throw new Error('the directive did not close');
    await clerk.waitForTimeout(100);
    await clerk.reload();
    await clerk.waitForSelector('#status');
  }
  const reply = clerk.locator('form[data-step="答复"]');
  await reply.locator('textarea[name=text]').fill('已由省发展改革委会同省财政厅贯彻落实。');
  await reply.locator('input[name=notifyDepartments][value=GDCZT]').uncheck();
  await takeStep(clerk, '答复');
  const told = await api.stack.database.db.notice.findMany({ where: { receiptNumber: rn, kind: 'CLOSURE' } });
  const departments = new Set(
    await Promise.all(
      told.map(
        async (n) =>
          (await api.stack.database.db.user.findUniqueOrThrow({ where: { id: n.recipientId } }))
            .departmentCode,
      ),
    ),
  );
  expect([...departments]).toEqual(['GDFGW']);
});
