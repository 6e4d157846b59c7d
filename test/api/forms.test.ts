/**
 * 打印: the seed's paper forms filled from 国发〔2016〕76号 over HTTP, on the seed's own days. The
 * office continues its paper register (收文编号 201700084, 办文编号 发改 0009), carries the document
 * to 转办 on 2017-01-04 (省发展改革委 主办, 省财政厅 会办, due 2017-01-14), and prints: the
 * 文件呈批表 and the 转办函 as PDFs whose text reads as the paper does, the 回报单 with the option
 * 省发展改革委 ticked, and on 2017-01-16 the 催报单 of 省财政厅, still owing. Each form is visible
 * exactly when the directive or the task is; user text is escaped.
 */
import { closePdfBrowser } from '../../api/forms/pdf';
import { pdfText, runTogether } from '../helpers/pdf-text';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { until } from '../helpers/until';

jest.setTimeout(180_000);

const api = useSeedDayApi([
  'admin',
  'huangweiyan',
  'chenweiyan',
  'zh1-director',
  'chunxin',
  'fgw-mishu',
  'fgw-head',
  'czt-handler',
  'sft-handler',
]);
const { as } = api;
afterAll(closePdfBrowser);

const SUMMARY =
  '国务院近日印发《关于加强政务诚信建设的指导意见》(国发〔2016〕76号)，从探索构建广泛有效的政务诚信监督体系、' +
  '建立健全政务信用管理体系、加强重点领域政务诚信建设等六个方面提出工作要求，明确各地区要研究出台工作方案和实施办法。';
const RN = '201700084';
const FORMS = `/api/directives/${RN}/forms`;
const db = () => api.stack.database.db;
/** A page's text as a reader sees it: style sheet and tags left out, runs of blanks collapsed. */
const textOf = (page: string) =>
  page
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#x3000;/g, '\u3000')
    .replace(/[ \t\r\n]+/g, ' ');
/** 办理提示 n on the 回报单, ticked √ or not. */
const option = (n: number, ticked: boolean) =>
  new RegExp(
    `<li data-option="${n}" class="${ticked ? 'ticked' : ''}">\\s*<span class="tick">${ticked ? '√' : ''}</span>`,
  );

test('国发〔2016〕76号 is registered as 201700084 / 发改 0009 and dispatched on 2017-01-04', async () => {
  const numbering = { lastSequence: 83, lastHandlingSequences: { 发改: 8 } };
  expect((await as('admin').put('/api/registers/2017/numbering', numbering)).status).toBe(200);
  const registered = await as('huangweiyan').post('/api/directives', { ...SEED_DIRECTIVE, summary: SUMMARY });
  expect(registered.body.directive).toMatchObject({ receiptNumber: RN, handlingNumber: '发改 0009' });

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
    async () => (await db().departmentTask.count({ where: { receiptNumber: RN } })) === 2,
    'both tasks projected',
  );
});

test('the 文件呈批表 as a PDF: the seed’s fields, in a Chinese font embedded with its text', async () => {
  const res = await as('huangweiyan').download(`${FORMS}/approval-sheet?format=pdf`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename=.*201700084/);
  expect(res.headers['cache-control']).toBe('no-store');
  const pdf = res.body as Buffer;
  // Real embedded TrueType fonts (FontFile2), not Type 3 glyph pictures.
  expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
  expect(pdf.toString('latin1')).not.toMatch(/\/Type3/);

  const text = await pdfText(pdf);
  for (const expected of [
    '广东省人民政府办公厅文件呈批表',
    '收文编号：201700084',
    '发改 0009',
    '国发〔2016〕76号',
    '2017年1月3日',
    '国务院关于加强政务诚信建设的指导意见',
    '拟请省发展改革委会同省有关部门研究提出办理意见。',
    '请春新同志批示。',
    '陈伟演',
    '经办人：黄炜演',
    '83132337',
  ])
    expect(text).toContain(expected);
  expect(runTogether(text)).toContain(SUMMARY);
});

test('the 转办函 to 省发展改革委 as a PDF: the document, its 文号 and 回报期限 2017年1月14日', async () => {
  const res = await as('huangweiyan').download(`${FORMS}/dispatch-letter/GDFGW?format=pdf`);
  expect(res.status).toBe(200);
  const text = runTogether(await pdfText(res.body as Buffer));
  for (const expected of [
    '广东省人民政府办公厅转办函',
    '收文编号：201700084',
    '发改 0009',
    '省发展改革委：',
    '国发〔2016〕76号',
    '转你单位主办，会同省财政厅办理。',
    '办理要求：拟原文翻印发至各市、县，省府直属各部门。',
    '请于2017年1月14日前将办理情况填写《公文办理情况回报单》',
    '限于 2017年1月14日前回报',
    '2017年1月4日',
  ])
    expect(text).toContain(expected);
});

test('the 回报单 goes out blank; once 省发展改革委 reports, its 办理提示 1 is ticked √', async () => {
  const blank = await as('huangweiyan').get(`${FORMS}/report-sheet/GDFGW`);
  expect(blank.status).toBe(200);
  expect(blank.headers['content-type']).toBe('text/html; charset=utf-8');
  const blankText = textOf(blank.text);
  expect(blankText).toContain(
    '此文件办理的情况，主办单位要认真填写并加盖公章后，于 10 天内（即 1 月 14 日前）退回省政府办公厅综合一处。',
  );
  expect(blankText).toContain(
    '以上提示，采用时，请在序号处打“√”。若有其他意见，请写在序号“5.”后。' +
      '原文翻印的，在十天内以书面告知；加具贯彻意见的，在十至十五天内送交代拟稿。',
  );
  for (const n of [1, 2, 3, 4, 5]) expect(blank.text).toMatch(option(n, false));
  expect(blankText).toContain('退回时间：　　　　年　　月　　日');

  await api.until('2017-01-06T09:30');
  const signed = await as('fgw-mishu').post(`/api/directives/${RN}/tasks/GDFGW/sign-for`, {
    deptReceiptNumber: '319号',
  });
  expect(signed.status).toBe(200);
  const reported = await as('fgw-head').post(`/api/directives/${RN}/tasks/GDFGW/report`, {
    options: [1],
    text: '已原文翻印发至各市、县，省府直属各部门。',
  });
  expect(reported.status).toBe(200);
  await until(
    async () =>
      (await db().departmentTask.findFirst({ where: { receiptNumber: RN, departmentCode: 'GDFGW' } }))
        ?.reportedAt != null,
    'the report projected',
  );

  const sheet = (await as('fgw-head').get(`${FORMS}/report-sheet/GDFGW`)).text;
  expect(sheet).toContain('<title>公文办理情况回（催）报单（收文编号 201700084）</title>');
  expect(sheet).toMatch(option(1, true));
  for (const other of [2, 3, 4, 5]) expect(sheet).toMatch(option(other, false));
  const sheetText = textOf(sheet);
  for (const expected of [
    '√1. 拟原文翻印发至各市、县，省府直属各部门。',
    '主办单位 省发展改革委',
    '会办单位 省财政厅',
    '回报单位（盖章）：省发展改革委',
    '退回时间：2017年1月6日',
    '发出时间：2017年1月4日',
    '限于 2017年1月14日前回报',
  ])
    expect(sheetText).toContain(expected);
  // And as a PDF: the same fields, its text searchable.
  const pdf = await as('fgw-head').download(`${FORMS}/report-sheet/GDFGW?format=pdf`);
  expect(pdf.status).toBe(200);
  const pdfLines = runTogether(await pdfText(pdf.body as Buffer));
  for (const expected of [
    '201700084',
    '国发〔2016〕76号',
    '2017年1月14日',
    '√ 1. 拟原文翻印',
    '退回时间：2017年1月6日',
  ])
    expect(pdfLines).toContain(expected);

  // 省财政厅's own copy names it, as 会办单位.
  const co = (await as('czt-handler').get(`${FORMS}/report-sheet/GDCZT`)).text;
  expect(co).toContain('<p class="addressee">省财政厅：</p>');
  expect(textOf(co)).toContain(
    '此文件办理的情况，会办单位要认真填写并加盖公章后，于 10 天内（即 1 月 14 日前）',
  );
});

test('a policy saved after 转办 leaves the 回报单 as it was sent: 十天内, not the new version’s 七天内', async () => {
  const RULE = '原文翻印的，在十天内以书面告知；加具贯彻意见的，在十至十五天内送交代拟稿。';
  const { policy } = (await as('zh1-director').get('/api/policy')).body as {
    policy: Record<string, unknown>;
  };
  const options = policy.handlingOptions as Record<string, { reportWithinDays: number }>;
  const shorter = {
    ...policy,
    version: 'gd-2017-forms',
    handlingOptions: { ...options, 1: { ...options[1], reportWithinDays: 7 } },
  };
  expect((await as('zh1-director').put('/api/policy', shorter)).status).toBe(201);
  expect((await as('zh1-director').get('/api/policy')).body.policy.version).toBe('gd-2017-forms');

  const sheet = textOf((await as('huangweiyan').get(`${FORMS}/report-sheet/GDCZT`)).text);
  expect(sheet).toContain(RULE);
  expect(sheet).not.toContain('七天内');
  const row = await db().directive.findUniqueOrThrow({ where: { receiptNumber: RN } });
  expect(row.policyVersion).toBe(policy.version);
});

test('a 催报单 only for a department overdue: 省财政厅 on 2017-01-16, never 省发展改革委', async () => {
  const early = await as('huangweiyan').get(`${FORMS}/urge-sheet/GDCZT`);
  expect(early.status).toBe(409);
  expect(early.body.error.message).toBe('省财政厅尚未逾期（限于2017年1月14日前回报），逾期后方可打印催报单');

  await api.until('2017-01-16T10:00');
  await until(
    async () =>
      (await db().departmentTask.findFirst({ where: { receiptNumber: RN, departmentCode: 'GDCZT' } }))
        ?.overdue === true,
    '省财政厅 overdue',
  );
  const urge = await as('huangweiyan').get(`${FORMS}/urge-sheet/GDCZT`);
  expect(urge.status).toBe(200);
  const urgeText = textOf(urge.text);
  expect(urgeText).toContain('广东省人民政府办公厅公文办理情况催报单');
  expect(urgeText).toContain('已于2017年1月4日转你单位会办，限于2017年1月14日前回报。');
  expect(urgeText).toContain('已逾期 2 天');
  expect(urgeText).toContain('催报时间：2017年1月15日'); // the workflow's 催报单, the day after the deadline
  const pdf = await as('czt-handler').download(`${FORMS}/urge-sheet/GDCZT?format=pdf`);
  expect(pdf.status).toBe(200);
  expect(await pdfText(pdf.body as Buffer)).toContain('公文办理情况催报单');

  const reported = await as('huangweiyan').get(`${FORMS}/urge-sheet/GDFGW`);
  expect(reported.status).toBe(409);
  expect(reported.body.error.message).toBe('省发展改革委已回报，无需催报');
});

test.each([
  ['another department’s 回报单', 'czt-handler', 'report-sheet/GDFGW', 404],
  ['its own 转办函', 'fgw-mishu', 'dispatch-letter/GDFGW', 200],
  ['a department the directive was never sent to', 'sft-handler', 'approval-sheet', 404],
  ['the leader asked for the 批示', 'chunxin', 'report-sheet/GDCZT', 200],
  ['a unit it was not dispatched to', 'huangweiyan', 'dispatch-letter/GDSFT', 404],
  ['a format there is not', 'huangweiyan', 'approval-sheet?format=docx', 400],
  ['a query there is not', 'huangweiyan', 'approval-sheet?print=1', 400],
])('%s: %s asks for %s → %d', async (_what, who, form, status) => {
  const res = await as(who).get(`${FORMS}/${form}`);
  expect(res.status).toBe(status);
  if (status === 404)
    expect(res.body.error.message).toMatch(/^(没有收文编号为|收文编号 201700084 的来文没有交单位)/);
  if (status === 400)
    expect(res.body.error.fields[0].field).toBe(form.includes('format') ? 'format' : 'print');
});

test('text typed into a directive is printed as text, never as markup', async () => {
  const hostile = {
    ...SEED_DIRECTIVE,
    docNumber: '国发〔2016〕99号',
    title: '关于<img src=x onerror=alert(1)>的通知',
    summary: '</td><script>alert("办理意见")</script>',
  };
  const registered = await as('huangweiyan').post('/api/directives', hostile);
  expect(registered.status).toBe(201);
  const rn = registered.body.directive.receiptNumber as string;
  const sheet = (await as('huangweiyan').get(`/api/directives/${rn}/forms/approval-sheet`)).text;
  expect(sheet).toContain('关于&lt;img src=x onerror=alert(1)&gt;的通知');
  expect(sheet).toContain('&lt;/td&gt;&lt;script&gt;alert(&quot;办理意见&quot;)&lt;/script&gt;');
  expect(sheet).not.toContain('<img');
  expect(sheet).not.toContain('<script>');
});
