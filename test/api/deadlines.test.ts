/**
 * A 回报期限 set by hand, on the seed's day: the 拟办 gives 省发展改革委 until 2017-01-10 and
 * 省财政厅 until 2017-01-20 instead of 办理提示 1's ten days; a leader's 批示 (AMEND) moves another
 * directive's to 2017-01-31. The departments' tasks run on those dates, and the directive's own
 * 回报期限 is the latest of them.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin']);
const { as } = api;

const proposal = (extra: object = {}) => ({
  leadDepartment: 'GDFGW',
  coDepartments: ['GDCZT'],
  handlingOption: 1,
  leaders: ['u-chunxin'],
  comment: '拟请省发展改革委会同省财政厅研究提出办理意见。',
  ...extra,
});

async function registered(docNumber: string): Promise<string> {
  const res = await as('huangweiyan').post('/api/directives', { ...SEED_DIRECTIVE, docNumber });
  expect(res.status).toBe(201);
  const path = `/api/directives/${res.body.directive.receiptNumber}`;
  expect((await as('huangweiyan').post(`${path}/initial-review`, { decision: 'ACCEPT' })).status).toBe(200);
  return path;
}

async function throughInstruction(path: string, instruction: object) {
  for (const who of ['chenweiyan', 'zh1-director'])
    expect((await as(who).post(`${path}/review`, { decision: 'APPROVE' })).status).toBe(200);
  expect((await as('chunxin').post(`${path}/instruction`, instruction)).status).toBe(200);
  expect((await as('huangweiyan').post(`${path}/dispatch`, {})).status).toBe(200);
}

/** Each department's 回报期限 once its task is projected, and the directive's own. */
async function deadlines(path: string): Promise<Record<string, string>> {
  for (let i = 0; i < 100; i++) {
    const { directive } = (await as('huangweiyan').get(path)).body;
    if (directive.tasks.length === 2)
      return {
        directive: directive.dueDate as string,
        ...Object.fromEntries(
          directive.tasks.map((t: { departmentCode: string; dueDate: string }) => [
            t.departmentCode,
            t.dueDate,
          ]),
        ),
      };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the tasks were not projected');
}

test('the 拟办 sets one department’s 回报期限 and another’s; the directive’s is the latest', async () => {
  const path = await registered('国发〔2016〕83号');
  const set = await as('huangweiyan').post(
    `${path}/proposal`,
    proposal({ dueDate: '2017-01-10', departmentDueDates: { GDCZT: '2017-01-20' } }),
  );
  expect(set.status).toBe(200);
  await throughInstruction(path, { decision: 'APPROVE', text: '同意。' });
  expect(await deadlines(path)).toEqual({
    directive: '2017-01-20',
    GDFGW: '2017-01-10',
    GDCZT: '2017-01-20',
  });

  // The ladder runs on the dates set: 省发展改革委 is overdue after the 10th, 省财政厅 not yet.
  await api.until('2017-01-11T10:00');
  const tasks = (await as('huangweiyan').get(path)).body.directive.tasks as {
    departmentCode: string;
    overdue: boolean;
  }[];
  expect(Object.fromEntries(tasks.map((t) => [t.departmentCode, t.overdue]))).toEqual({
    GDFGW: true,
    GDCZT: false,
  });
});

test('a leader’s 批示 (AMEND) moves the 回报期限', async () => {
  const path = await registered('国发〔2016〕84号');
  expect((await as('huangweiyan').post(`${path}/proposal`, proposal())).status).toBe(200);
  await throughInstruction(path, {
    decision: 'AMEND',
    text: '此件涉及面广，回报期限延至1月31日。',
    amendment: { dueDate: '2017-01-31' },
  });
  expect(await deadlines(path)).toEqual({
    directive: '2017-01-31',
    GDFGW: '2017-01-31',
    GDCZT: '2017-01-31',
  });
});

test('a 回报期限 that passed while the 批示 was awaited gives way to the option’s default at 转办', async () => {
  const path = await registered('国发〔2016〕85号');
  // Set for tomorrow (time runs on between tests: today comes from the application's clock),
  // instructed and dispatched three days later.
  const { today } = (await as('huangweiyan').get('/api/auth/me')).body as { today: string };
  const day = (n: number) =>
    new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  expect((await as('huangweiyan').post(`${path}/proposal`, proposal({ dueDate: day(1) }))).status).toBe(200);
  await api.until(`${day(3)}T10:00`);
  await throughInstruction(path, { decision: 'APPROVE', text: '同意。' });
  const due = await deadlines(path);
  expect(due.GDFGW).toBe(due.directive);
  expect((due.GDFGW ?? '') > day(3)).toBe(true); // never dispatched already overdue
});

test.each([
  ['a date before today', '国发〔2016〕91号', { dueDate: '2017-01-02' }, 'dueDate'],
  ['not a date', '国发〔2016〕92号', { dueDate: '1月10日' }, 'dueDate'],
  [
    'a department the 拟办 does not name',
    '国发〔2016〕93号',
    { departmentDueDates: { GDSFT: '2017-01-20' } },
    'departmentDueDates.GDSFT',
  ],
])('a 回报期限 with %s is refused with 400 naming the field', async (_, docNumber, extra, field) => {
  const path = await registered(docNumber);
  const res = await as('huangweiyan').post(`${path}/proposal`, proposal(extra));
  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
});
