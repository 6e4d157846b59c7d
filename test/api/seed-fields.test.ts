/**
 * The seed's fields through the HTTP API, on the seed's day: 国发〔2016〕76号 registered with the
 * elements printed on it (份号 000363, 主送, 抄送, 国务院办公厅秘书局 2016年12月26日印发, 此件公开发布)
 * and the office's 办理意见; then the 呈批表 as the paper has it: the 拟办意见 asking 春新, each
 * 审核意见 and the 批示 with signer and date, and the 经办人 黄炜演 with his telephone 83132337.
 * The notices name 省发展改革委, not GDFGW.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin']);
const { as } = api;

/** As printed on 国发〔2016〕76号 (the seed's copy does not show its 成文日期). */
const ELEMENTS = {
  copyNumber: '000363',
  printedBy: '国务院办公厅秘书局',
  printedOn: '2016-12-26',
  mainRecipients: '各省、自治区、直辖市人民政府，国务院各部委、各直属机构',
  copiedTo: '党中央各部门，各计划单列市人民政府，解放军各大单位、中央军委机关各部门。',
  publicity: '此件公开发布',
  summary:
    '国务院近日印发《关于加强政务诚信建设的指导意见》(国发〔2016〕76号)，从探索构建广泛有效的政务诚信监督体系、' +
    '建立健全政务信用管理体系、加强重点领域政务诚信建设等六个方面提出工作要求，明确各地区要研究出台工作方案和实施办法。',
};
let path = '';

test('the document’s own elements are registered and read back', async () => {
  const res = await as('huangweiyan').post('/api/directives', { ...SEED_DIRECTIVE, ...ELEMENTS });
  expect(res.status).toBe(201);
  path = `/api/directives/${res.body.directive.receiptNumber}`;
  const { directive } = (await as('huangweiyan').get(path)).body;
  expect(directive).toMatchObject(ELEMENTS);
  expect(directive.sheet.handler).toEqual({
    id: 'u-huangweiyan',
    name: '黄炜演',
    phone: '83132337',
    department: '广东省人民政府办公厅综合一处',
  });
  expect(directive.sheet.summary).toBe(ELEMENTS.summary);
});

test.each([
  ['a 份号 that is not six digits', { copyNumber: '363' }, 'copyNumber'],
  ['an 印发日期 after the 收文日期', { printedOn: '2017-01-05' }, 'printedOn'],
  ['an 印发日期 before the 成文日期', { writtenDate: '2016-12-26', printedOn: '2016-12-20' }, 'printedOn'],
  ['a 公开属性 the standard does not word', { publicity: '公开' }, 'publicity'],
  ['a 主送 that is not text', { mainRecipients: 5 }, 'mainRecipients'],
])('%s is refused with 400 naming the field', async (_, change, field) => {
  const res = await as('huangweiyan').post('/api/directives', {
    ...SEED_DIRECTIVE,
    docNumber: '国发〔2016〕95号',
    ...change,
  });
  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
});

test('the 呈批表: 拟办意见 asking 春新, each 审核意见 and the 批示, with signer and date', async () => {
  const step = async (who: string, name: string, body: object) =>
    expect((await as(who).post(`${path}/${name}`, body)).status).toBe(200);
  await step('huangweiyan', 'initial-review', { decision: 'ACCEPT' });
  await step('huangweiyan', 'proposal', {
    leadDepartment: 'GDFGW',
    coDepartments: [],
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  });
  await step('chenweiyan', 'review', { decision: 'APPROVE', comment: '同意。' });
  await step('zh1-director', 'review', { decision: 'APPROVE', comment: '同意。' });
  await step('chunxin', 'instruction', { decision: 'APPROVE', text: '同意。' });

  const { sheet, timeline } = (await as('huangweiyan').get(path)).body.directive;
  // The timeline names the department the workflow knows by its code.
  const proposed = timeline.find((e: { action: string }) => e.action === '拟办');
  expect(proposed.comment).toMatch(/^省发展改革委 主办/);
  const on = expect.stringMatching(/^2017-01-03T/);
  expect(sheet.proposal).toEqual({
    by: { id: 'u-huangweiyan', name: '黄炜演' },
    at: on,
    text: '拟请省发展改革委会同省有关部门研究提出办理意见。',
    leadersAsked: [{ id: 'u-chunxin', name: '春新' }],
  });
  expect(sheet.reviews).toEqual([
    { by: { id: 'u-chenweiyan', name: '陈伟演' }, at: on, returned: false, text: '同意。' },
    { by: { id: 'u-zh1-director', name: '综合一处处长' }, at: on, returned: false, text: '同意。' },
  ]);
  expect(sheet.instructions).toEqual([
    { by: { id: 'u-chunxin', name: '春新' }, at: on, returned: false, text: '同意。' },
  ]);
});

test('notices name the department, not its code', async () => {
  expect((await as('huangweiyan').post(`${path}/dispatch`, {})).status).toBe(200);
  await api.until('2017-01-16T10:00'); // past 2017-01-13: reminders, 催报单, escalation
  const notices = await api.stack.database.db.notice.findMany({ where: { departmentCode: 'GDFGW' } });
  expect(notices.length).toBeGreaterThan(0);
  expect(notices.filter((n) => `${n.title}${n.body}`.includes('GDFGW'))).toEqual([]);
  expect(notices.some((n) => n.body.includes('省发展改革委'))).toBe(true);
});
