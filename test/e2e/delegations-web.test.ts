/**
 * 委托 in a real browser on the seed's day: 春新, asked for the 批示 on 国发〔2016〕76号, gives 办公厅
 * 秘书长 a 委托 for the days he is away; 秘书长 switches to 代春新办理 in the header and gives the
 * 批示, which the timeline records as his, 受春新委托; 春新 revokes the 委托 and 秘书长 can no longer
 * act for him.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(180_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'mishuzhang', 'fgw-head'], {
  listen: true,
});
const ui = useBrowser(() => api.baseUrl, 'duban-delegations-web');
const { signedIn } = ui;

const rows = async (page: import('playwright-core').Page, table: string) =>
  Promise.all(
    (await page.locator(`${table} tr[data-id]`).all()).map((tr) => tr.locator('td').allTextContents()),
  );

test('a department head may name a colleague of his own department as his stand-in, not the whole directory', async () => {
  expect((await api.as('fgw-head').get('/api/directory')).status).toBe(403);
  const page = await signedIn('fgw-head');
  await page.click('#nav a:has-text("委托")');
  await page.waitForSelector('#delegation-new');
  const offered = await page.getByLabel('受托人').locator('option').allTextContents();
  expect(offered).toEqual(['（请选择同事）', '省发展改革委秘书科（省发展改革委）']);
  // Nothing given, nothing received: no switch in the header.
  expect(await page.locator('#acting').count()).toBe(0);

  // Without a colleague chosen: the API's reason, in Chinese.
  await page.getByLabel('委托事由').fill('休假');
  await page.click('#delegation-new button[type=submit]');
  await page.waitForSelector('#flash:not(.ok):has-text("受托人为必填项")');
  expect(await api.stack.database.db.delegation.count()).toBe(0);
});

test('春新 gives 秘书长 a 委托; 秘书长 gives the 批示 as 代春新办理, recorded 受春新委托; once revoked he can no longer', async () => {
  const { as } = api;
  // 国发〔2016〕76号 through the API to 春新's 批示.
  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  const rn = registered.body.directive.receiptNumber as string;
  const step = (who: string, url: string, body: object) => as(who).post(`/api/directives/${rn}/${url}`, body);
  expect((await step('huangweiyan', 'initial-review', { decision: 'ACCEPT', comment: '' })).status).toBe(200);
  const proposal = {
    leadDepartment: 'GDFGW',
    coDepartments: [],
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  };
  expect((await step('huangweiyan', 'proposal', proposal)).status).toBe(200);
  expect((await step('chenweiyan', 'review', { decision: 'APPROVE' })).status).toBe(200);
  expect((await step('zh1-director', 'review', { decision: 'APPROVE' })).status).toBe(200);

  // 春新 gives the 委托: 秘书长 is offered (a colleague of his department), the dates start today.
  const chunxin = await signedIn('chunxin');
  await chunxin.click('#nav a:has-text("委托")');
  await chunxin.waitForSelector('#delegation-new');
  expect(await chunxin.getByLabel('受托人').locator('option').allTextContents()).toContain(
    '办公厅秘书长（广东省人民政府办公厅）',
  );
  expect(await chunxin.getByLabel('委托起始日期').inputValue()).toBe('2017-01-03');
  expect(await chunxin.getByLabel('委托截止日期').inputValue()).toBe('2017-01-03');
  await chunxin.getByLabel('受托人').selectOption('u-mishuzhang');
  await chunxin.getByLabel('委托截止日期').fill('2017-01-06');
  // No reason given: refused, in Chinese.
  await chunxin.click('#delegation-new button[type=submit]');
  await chunxin.waitForSelector('#flash:not(.ok):has-text("委托事由为必填项")');
  await chunxin.getByLabel('委托事由').fill('赴京开会');
  await chunxin.click('#delegation-new button[type=submit]');
  await chunxin.waitForSelector('#flash.ok:has-text("新建委托：已完成")');
  expect(await rows(chunxin, '#delegations-given')).toEqual([
    ['办公厅秘书长', '2017-01-03 至 2017-01-06', '赴京开会', '生效中', '撤销'],
  ]);
  // 春新 gave it; nothing was given to him, so he acts only as himself.
  expect(await chunxin.locator('#acting').count()).toBe(0);
  await chunxin.screenshot({ path: ui.shot('delegation-given.png'), fullPage: true });

  // 秘书长: the header offers 代春新办理; he switches, and the header says so.
  const mishu = await signedIn('mishuzhang');
  await mishu.waitForSelector('#acting-as');
  expect(await mishu.locator('#acting-banner').count()).toBe(0);
  expect(await mishu.getByLabel('办理身份').locator('option').allTextContents()).toEqual([
    '本人',
    '代春新办理',
  ]);
  // By keyboard: the select takes the focus and the arrow key.
  await mishu.getByLabel('办理身份').focus();
  await mishu.keyboard.press('ArrowDown');
  await mishu.waitForSelector('#acting-banner:text-is("正在代 春新 办理")');
  expect(await mishu.locator('header').getAttribute('class')).toContain('acting');
  expect(await mishu.getByLabel('办理身份').inputValue()).toBe('u-chunxin');

  // As 春新: his 待办 leads to the 批示.
  await mishu.click('#nav-todo');
  await mishu.waitForSelector('#todo tr[data-kind="instruct"]');
  await mishu.screenshot({ path: ui.shot('acting-todo.png'), fullPage: true });
  await mishu.locator('#todo tr[data-kind="instruct"] a:has-text("办理")').click();
  await mishu.waitForSelector('form[data-step="批示"]');
  await mishu.locator('form[data-step="批示"] textarea[name=text]').fill('同意。');
  await mishu.click('form[data-step="批示"] button[value=APPROVE]');
  await mishu.waitForSelector('#flash.ok:has-text("批示：已完成")');
  await mishu.waitForSelector('#timeline td:has-text("办公厅秘书长（受春新委托）")');
  await mishu.screenshot({ path: ui.shot('acting-instruction.png'), fullPage: true });
  const entry = (await as('huangweiyan').get(`/api/directives/${rn}`)).body.directive.timeline.find(
    (e: { action: string }) => e.action === '批示',
  );
  expect(entry).toMatchObject({ actorId: 'u-mishuzhang', onBehalfOfId: 'u-chunxin', comment: '同意。' });

  // His 委托 page: received from 春新, in force, with the way back to himself.
  await mishu.click('#nav a:has-text("委托")');
  await mishu.waitForSelector('#delegations-received');
  expect(await rows(mishu, '#delegations-received')).toEqual([
    ['春新', '2017-01-03 至 2017-01-06', '赴京开会', '生效中', '恢复本人办理'],
  ]);

  // 春新 revokes it.
  await chunxin.getByRole('button', { name: '撤销对办公厅秘书长的委托（2017-01-03 至 2017-01-06）' }).click();
  await chunxin.waitForSelector('#flash.ok:has-text("已撤销对办公厅秘书长的委托")');
  expect(await rows(chunxin, '#delegations-given')).toEqual([
    ['办公厅秘书长', '2017-01-03 至 2017-01-06', '赴京开会', '已撤销', ''],
  ]);

  // 秘书长's next page: back to himself, told why, no switch offered; the API refuses him too.
  await mishu.click('#nav a:has-text("提醒")');
  await mishu.waitForSelector('#flash:has-text("春新对您的委托已撤销或不在委托期内：已恢复以本人身份办理")');
  await mishu.waitForSelector('#inbox');
  await mishu.screenshot({ path: ui.shot('acting-ended.png') });
  expect(await mishu.locator('#acting').count()).toBe(0);
  expect((await mishu.locator('header').getAttribute('class')) ?? '').not.toContain('acting');
  expect(await mishu.evaluate("sessionStorage.getItem('duban.actingFor')")).toBeNull();
  await mishu.click('#nav a:has-text("委托")');
  await mishu.waitForSelector('#delegations-received');
  expect(await rows(mishu, '#delegations-received')).toEqual([
    ['春新', '2017-01-03 至 2017-01-06', '赴京开会', '已撤销', ''],
  ]);
  await mishu.screenshot({ path: ui.shot('delegation-revoked.png'), fullPage: true });
  const refused = await as('mishuzhang', { 'On-Behalf-Of': 'u-chunxin' }).get('/api/todo');
  expect(refused.status).toBe(403);
  expect(refused.body.error.message).toBe('u-chunxin 今天（2017-01-03）未委托您代为办理');
});
