/**
 * 打印 in a real browser: on 国发〔2016〕76号's page (收文编号 201700084, carried to 转办 on the
 * seed's days) the clerk opens the 打印 menu, opens the 文件呈批表's print view in a new tab, and it
 * is the seed's paper form filled in; its PDF link downloads the PDF. Screenshots of the page and
 * of the form, on screen and as printed, and the PDF, go to the system's temporary folder
 * (duban-forms-web/).
 */
import { writeFileSync } from 'node:fs';
import { closePdfBrowser } from '../../api/forms/pdf';
import { useBrowser } from '../helpers/browser';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { until } from '../helpers/until';

jest.setTimeout(180_000);

const api = useSeedDayApi(['admin', 'huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin'], {
  listen: true,
});
const ui = useBrowser(() => api.baseUrl, 'duban-forms-web');
afterAll(closePdfBrowser);

const RN = '201700084';

test('the clerk opens the 文件呈批表 from the directive page: the seed’s paper, filled in', async () => {
  const { as } = api;
  await as('admin').put('/api/registers/2017/numbering', {
    lastSequence: 83,
    lastHandlingSequences: { 发改: 8 },
  });
  const registered = await as('huangweiyan').post('/api/directives', {
    ...SEED_DIRECTIVE,
    summary:
      '国务院近日印发《关于加强政务诚信建设的指导意见》(国发〔2016〕76号)，从探索构建广泛有效的政务诚信监督体系、' +
      '建立健全政务信用管理体系、加强重点领域政务诚信建设等六个方面提出工作要求，明确各地区要研究出台工作方案和实施办法。',
  });
  expect(registered.body.directive.receiptNumber).toBe(RN);
  const step = async (who: string, name: string, body: object) =>
    expect((await as(who).post(`/api/directives/${RN}/${name}`, body)).status).toBe(200);
  await step('huangweiyan', 'initial-review', { decision: 'ACCEPT' });
  await step('huangweiyan', 'proposal', {
    leadDepartment: 'GDFGW',
    coDepartments: ['GDCZT'],
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  });
  await step('chenweiyan', 'review', { decision: 'APPROVE', comment: '同意。' });
  await step('zh1-director', 'review', { decision: 'APPROVE', comment: '同意。' });
  await step('chunxin', 'instruction', { decision: 'APPROVE', text: '同意。' });
  await api.until('2017-01-04T10:00');
  await step('huangweiyan', 'dispatch', {});
  await until(
    async () => (await api.stack.database.db.departmentTask.count({ where: { receiptNumber: RN } })) === 2,
    'both tasks projected',
  );

  const clerk = await ui.signedIn('huangweiyan');
  await clerk.goto(`${api.baseUrl}/#/directives/${RN}`);
  await clerk.click('#print-menu summary');
  const links = await clerk.locator('#print-menu a[data-form]').allTextContents();
  expect(links).toEqual([
    '文件呈批表',
    '省发展改革委 转办函',
    '省发展改革委 回（催）报单',
    '省财政厅 转办函',
    '省财政厅 回（催）报单',
  ]);
  await clerk.screenshot({ path: ui.shot('directive-print-menu.png'), fullPage: true });

  // The print view opens in a new tab.
  const [form] = await Promise.all([
    clerk.context().waitForEvent('page'),
    clerk.click('#print-menu a[data-form="approval-sheet"]'),
  ]);
  await form.waitForLoadState('load');
  expect(await form.title()).toBe('文件呈批表（收文编号 201700084）');
  const sheet = form.locator('main.sheet');
  expect(await sheet.locator('h1').textContent()).toBe('广东省人民政府办公厅文件呈批表');
  const text = (await sheet.textContent()) ?? '';
  for (const expected of [
    '收文编号：201700084',
    '发改 0009',
    '国发〔2016〕76号',
    '请春新同志批示。',
    '经办人：黄炜演',
  ])
    expect(text).toContain(expected);
  await form.screenshot({ path: ui.shot('approval-sheet.png'), fullPage: true });
  // As it goes on paper (an A4 sheet wide): the print stylesheet leaves the toolbar off.
  await form.setViewportSize({ width: 794, height: 1123 });
  await form.emulateMedia({ media: 'print' });
  expect(await form.locator('.toolbar').isVisible()).toBe(false);
  await form.screenshot({ path: ui.shot('approval-sheet-print.png'), fullPage: true });

  // Its PDF link downloads the PDF, with the same session.
  const pdfHref = await clerk.locator('#print-menu a[data-form-pdf="approval-sheet"]').getAttribute('href');
  const pdf = await clerk.context().request.get(`${api.baseUrl}${pdfHref}`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const bytes = await pdf.body();
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  writeFileSync(ui.shot('approval-sheet.pdf'), bytes);
});
