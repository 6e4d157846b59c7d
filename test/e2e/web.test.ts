/**
 * The web UI in a real browser (Debian's chromium through playwright-core), each person in a
 * browser of their own: 国发〔2016〕76号 from 收文登记 to 答复 on the seed's day, by clicking.
 */
import type { Page } from 'playwright-core';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi([], { listen: true });
const ui = useBrowser(() => api.baseUrl, 'duban-web');
const { signedIn } = ui;

/** Submits one step's form on the directive page and waits for the success message. */
async function takeStep(page: Page, step: string, button?: string) {
  const form = page.locator(`form[data-step="${step}"]`);
  await (
    button
      ? form.getByRole('button', { name: button, exact: true })
      : form.locator('button[type=submit]').last()
  ).click();
  await page.waitForSelector(`#flash.ok:has-text("${step}：已完成")`);
}

const timeline = (page: Page) => page.locator('#timeline tr td:nth-child(3)').allTextContents();

test('国发〔2016〕76号 goes from 收文登记 to 答复 through the UI, each person doing their step', async () => {
  const clerk = await signedIn('huangweiyan');
  await clerk.click('a[href="#/register"]');
  // 签收 as it is delivered (its 办文时限 starts), then 收文登记 of the same 文号.
  await clerk.fill('form[data-step="签收"] input[name=docNumber]', '国发〔2016〕76号');
  await takeStep(clerk, '签收');
  await clerk.fill('form[data-step="收文登记"] input[name=docNumber]', '国发〔2016〕76号');
  await clerk.fill('form[data-step="收文登记"] input[name=title]', '国务院关于加强政务诚信建设的指导意见');
  await clerk.fill('form[data-step="收文登记"] input[name=receivedDate]', '2017-01-03');
  await clerk.fill('form[data-step="收文登记"] input[name=handlingPrefix]', '发改');
  // The elements printed on the document (GB/T 9704) and the office's 办理意见.
  await clerk.fill('form[data-step="收文登记"] input[name=copyNumber]', '000363');
  await clerk.fill('form[data-step="收文登记"] input[name=printedBy]', '国务院办公厅秘书局');
  await clerk.fill('form[data-step="收文登记"] input[name=printedOn]', '2016-12-26');
  await clerk.selectOption('select[name=publicity]', '此件公开发布');
  await clerk.fill(
    'form[data-step="收文登记"] textarea[name=mainRecipients]',
    '各省、自治区、直辖市人民政府，国务院各部委、各直属机构',
  );
  await clerk.fill(
    'form[data-step="收文登记"] textarea[name=summary]',
    '国务院近日印发《关于加强政务诚信建设的指导意见》。',
  );
  await clerk.click('form[data-step="收文登记"] button');
  await clerk.waitForURL(/#\/directives\/2017\d{5}$/);
  const detail = clerk.url().split('#')[1]!;
  await clerk.waitForSelector('#form');
  expect(await clerk.locator('#form').textContent()).toContain('发改 0001');
  expect(await clerk.locator('ol.stages li[aria-current=step]').textContent()).toBe('收文');

  await takeStep(clerk, '初审', '符合要求');
  const proposal = clerk.locator('form[data-step="拟办"]');
  await proposal.locator('select[name=leadDepartment]').selectOption('GDFGW');
  await proposal.locator('select[name=handlingOption]').selectOption('1');
  await proposal.locator('select[name=leader1]').selectOption('u-chunxin');
  await proposal.locator('textarea[name=comment]').fill('拟请省发展改革委会同省有关部门研究提出办理意见。');
  await takeStep(clerk, '拟办');
  expect(await clerk.locator('#status').textContent()).toBe('审核中');

  for (const who of ['chenweiyan', 'zh1-director']) {
    const reviewer = await signedIn(who);
    await reviewer.goto(`${api.baseUrl}/#${detail}`);
    await takeStep(reviewer, '审核', '同意');
  }
  const leader = await signedIn('chunxin');
  await leader.goto(`${api.baseUrl}/#${detail}`);
  await leader.fill('form[data-step="批示"] textarea[name=text]', '同意。');
  await takeStep(leader, '批示', '同意');
  expect(await leader.locator('#status').textContent()).toBe('已批示');
  // The 呈批表 as on paper: 批示, 审核意见, 办理意见, 拟办意见 asking 春新, 经办人 and telephone.
  const sheet = await leader.locator('#sheet').textContent();
  for (const text of [
    '春新 2017年1月3日',
    '陈伟演 2017年1月3日',
    '国务院近日印发《关于加强政务诚信建设的指导意见》。',
    '请春新同志批示。',
    '经办人：黄炜演　电话：83132337',
  ])
    expect(sheet).toContain(text);
  expect(await leader.locator('#elements').textContent()).toContain('国务院办公厅秘书局 2016年12月26日印发');
  await leader.screenshot({ path: ui.shot('sheet.png'), fullPage: true });

  await clerk.reload();
  await takeStep(clerk, '转办');
  expect(await clerk.locator('#tasks').textContent()).toContain('2017年1月13日'); // dispatched 01-03: 10 days

  // 传阅 to 办公厅秘书长 for comment: he opens it from his inbox and writes his comment.
  await clerk.locator('form[data-step="传阅"] select[name=readers]').selectOption(['u-mishuzhang']);
  await clerk.locator('form[data-step="传阅"] select[name=purpose]').selectOption('COMMENT');
  await takeStep(clerk, '传阅');
  const secretary = await signedIn('mishuzhang');
  await secretary.click('a[href="#/inbox"]');
  await secretary.click('#inbox a');
  await secretary.fill('form[data-step="阅（第 1 次传阅）"] textarea[name=comment]', '同意，请抓紧落实。');
  await takeStep(secretary, '阅（第 1 次传阅）');
  await clerk.reload();
  await clerk.waitForSelector('#circulation');
  expect(await clerk.locator('#circulation').textContent()).toContain('同意，请抓紧落实。');

  // 省发展改革委: the handler signs for it from the 待办 list, the head sends the 回报单.
  const handler = await signedIn('fgw-mishu');
  await handler.click(`#my-tasks a`);
  await handler.fill('input[name=deptReceiptNumber]', '319号');
  await takeStep(handler, '签收（省发展改革委）');
  // 延期: the handler asks for four more days; the office grants them; the deadline moves.
  await handler.fill('input[name=newDueDate]', '2017-01-17');
  await handler.fill('input[name=reason]', '需征求各市意见');
  await takeStep(handler, '申请延期（省发展改革委）');
  await clerk.reload();
  await clerk.waitForSelector('form[data-step="审批延期（省发展改革委）"]');
  expect(await clerk.locator('form[data-step="审批延期（省发展改革委）"]').textContent()).toContain(
    '需征求各市意见',
  );
  await takeStep(clerk, '审批延期（省发展改革委）', '批准');
  expect(await clerk.locator('#tasks').textContent()).toContain('2017年1月17日');
  // Its countdown, in words: 14 days from 2017-01-03 to the new 回报期限.
  expect(await clerk.locator('#tasks tr[data-department=GDFGW] .countdown').textContent()).toBe(
    '回报剩 14 天',
  );
  expect(await clerk.locator('ol.stages li[aria-current=step]').textContent()).toBe('回报');

  const head = await signedIn('fgw-head');
  await head.goto(`${api.baseUrl}/#${detail}`);
  const report = head.locator('form[data-step="回报单（省发展改革委）"]');
  await report.locator('input[name=options][value="1"]').check();
  await report.locator('textarea[name=text]').fill('已原文翻印发至各市、县，省府直属各部门。');
  await takeStep(head, '回报单（省发展改革委）');
  // A department sees its own task, not the office's forms.
  expect(await head.locator('form[data-step="转办"]').count()).toBe(0);

  await clerk.reload();
  await takeStep(clerk, '审核回报（省发展改革委）', '通过');
  // 办结 follows the acceptance a moment later, in the directive's workflow.
  for (let i = 0; (await clerk.locator('#status').textContent()) !== '已办结'; i++) {
    if (i === 50) throw new Error('the directive did not close');
    await clerk.waitForTimeout(100);
    await clerk.reload();
    await clerk.waitForSelector('#status');
  }
  await clerk.fill('form[data-step="答复"] textarea[name=text]', '已由省发展改革委牵头贯彻落实。');
  await takeStep(clerk, '答复');
  expect(await timeline(clerk)).toEqual([
    '签收',
    '收文登记',
    '初审',
    '拟办',
    '审核',
    '审核',
    '批示',
    '转办',
    '转办',
    '传阅',
    '阅',
    '签收',
    '申请延期',
    '延期批准',
    '回报',
    '回报通过',
    '办结',
    '答复',
  ]);
});

test('a refused step shows the API’s reason, and the page stays as it was', async () => {
  const clerk = await signedIn('huangweiyan');
  await clerk.click('a[href="#/register"]');
  await clerk.fill('form[data-step="收文登记"] input[name=docNumber]', '国发〔2016〕76号'); // registered by the test above
  await clerk.fill('form[data-step="收文登记"] input[name=title]', '国务院关于加强政务诚信建设的指导意见');
  await clerk.fill('form[data-step="收文登记"] input[name=receivedDate]', '2017-01-03');
  await clerk.click('form[data-step="收文登记"] button');
  await clerk.waitForSelector('#flash:not(.ok)');
  expect(await clerk.locator('#flash').textContent()).toContain('已登记，收文编号');
  expect(clerk.url()).toMatch(/#\/register$/);
});

test('a 拟办 may set the 回报期限 by hand; one before today is refused with the reason', async () => {
  const clerk = await signedIn('huangweiyan');
  await clerk.click('a[href="#/register"]');
  await clerk.fill('form[data-step="收文登记"] input[name=docNumber]', '国发〔2016〕86号');
  await clerk.fill('form[data-step="收文登记"] input[name=title]', '国务院关于另一事项的通知');
  await clerk.fill('form[data-step="收文登记"] input[name=receivedDate]', '2017-01-03');
  await clerk.click('form[data-step="收文登记"] button');
  await clerk.waitForURL(/#\/directives\/2017\d{5}$/);
  await takeStep(clerk, '初审', '符合要求');
  const proposal = clerk.locator('form[data-step="拟办"]');
  await proposal.locator('select[name=leadDepartment]').selectOption('GDFGW');
  await proposal.locator('select[name=leader1]').selectOption('u-chunxin');
  await proposal.locator('input[name=dueDate]').fill('2017-01-02');
  await proposal.locator('button[type=submit]').click();
  await clerk.waitForSelector('#flash:not(.ok):has-text("回报期限不能早于今天")');
  await proposal.locator('input[name=dueDate]').fill('2017-01-20');
  await takeStep(clerk, '拟办');
  expect(await clerk.locator('#timeline tr:last-child td:nth-child(4)').textContent()).toContain(
    '限于2017年1月20日前回报',
  );
});

test('a document kept for reference is filed (归档) after 初审, without 转办', async () => {
  const clerk = await signedIn('huangweiyan');
  await clerk.click('a[href="#/register"]');
  await clerk.fill('form[data-step="收文登记"] input[name=docNumber]', '国办函〔2016〕120号');
  await clerk.fill(
    'form[data-step="收文登记"] input[name=title]',
    '国务院办公厅关于2017年部分节假日安排的通知',
  );
  await clerk.fill('form[data-step="收文登记"] input[name=receivedDate]', '2017-01-03');
  await clerk.click('form[data-step="收文登记"] button');
  await clerk.waitForURL(/#\/directives\/2017\d{5}$/);
  await takeStep(clerk, '初审', '符合要求');
  await clerk.locator('form[data-step="归档"] input[name=comment]').fill('存档备查');
  await takeStep(clerk, '归档');
  expect(await clerk.locator('#status').textContent()).toBe('已归档');
  expect(await clerk.locator('form.step').count()).toBe(0); // nothing more to do on it
});

test('the UI is served with a content security policy and no one sees data before signing in', async () => {
  const res = await fetch(`${api.baseUrl}/`);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  const page = await (await ui.browser.newContext()).newPage();
  await page.goto(`${api.baseUrl}/#/directives`);
  await page.waitForURL(/#\/login$/);
  expect(await page.locator('#directives').count()).toBe(0);
});
