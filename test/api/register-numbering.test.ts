/**
 * 启用编号 on the seed's day (2017-01-03): the general office moves from its paper register, on
 * which 2017's 收文编号 reached 201700083 and 发改's 办文编号 0008. The administrator says so, and
 * the seed document registers as 收文编号 201700084, 办文编号 发改 0009, as on its 呈批表.
 */
import { incomingRegisterWorkflowId } from '../../workflows/definitions';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi(['huangweiyan', 'admin']);
const { as } = api;
const NUMBERING = '/api/registers/2017/numbering';

test('the administrator continues the paper register; the seed registers as 201700084 / 发改 0009', async () => {
  const set = await as('admin').put(NUMBERING, { lastSequence: 83, lastHandlingSequences: { 发改: 8 } });
  expect(set.status).toBe(200);
  expect(set.body.numbering).toMatchObject({
    nextReceiptNumber: '201700084',
    nextHandlingNumbers: { 发改: '发改 0009' },
  });

  const registered = await as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  expect(registered.body.directive).toMatchObject({
    receiptNumber: '201700084',
    handlingNumber: '发改 0009',
  });

  const shown = await as('huangweiyan').get(NUMBERING);
  expect(shown.body.numbering).toMatchObject({
    lastSequence: 84,
    nextReceiptNumber: '201700085',
    nextHandlingNumbers: { 发改: '发改 0010' },
    set: [
      { series: '办文编号 发改', lastSequence: 8, setById: 'u-admin' },
      { series: '收文编号', lastSequence: 83, setById: 'u-admin' },
    ],
  });
  const audit = await api.stack.database.db.auditEvent.findFirst({ where: { action: 'register.numbering' } });
  expect(audit).toMatchObject({ actorId: 'u-admin', target: '2017', after: '{"收文编号":83,"发改":8}' });
});

test('never back over a number already issued: 409 naming the field', async () => {
  const back = await as('admin').put(NUMBERING, { lastSequence: 50 });
  expect(back.status).toBe(409);
  expect(back.body.error.fields).toEqual([
    { field: 'lastSequence', reason: '已用到的收文编号不得小于 84：此前的编号已发出' },
  ]);
  const handling = await as('admin').put(NUMBERING, { lastHandlingSequences: { 发改: 5 } });
  expect(handling.status).toBe(409);
  expect(handling.body.error.fields[0].field).toBe('lastHandlingSequences.发改');
});

test.each([
  ['nothing to set', {}, 'lastSequence'],
  ['a negative number', { lastSequence: -1 }, 'lastSequence'],
  ['a number as text', { lastSequence: '83' }, 'lastSequence'],
  ['more than five digits', { lastSequence: 100_000 }, 'lastSequence'],
  ['a prefix of Latin letters', { lastHandlingSequences: { FG: 1 } }, 'lastHandlingSequences.FG'],
])('%s is refused with 400 naming the field', async (_, body, field) => {
  const res = await as('admin').put(NUMBERING, body);
  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
});

test('only the administrator sets it, and only for a year up to the next', async () => {
  expect((await as('huangweiyan').put(NUMBERING, { lastSequence: 90 })).status).toBe(403);
  expect((await as('admin').put('/api/registers/2018/numbering', { lastSequence: 10 })).status).toBe(200);
  const later = await as('admin').put('/api/registers/2019/numbering', { lastSequence: 10 });
  expect(later.status).toBe(400);
  expect(later.body.error.fields).toEqual([{ field: 'year', reason: '年度须在 2000 至 2018 之间' }]);
});

test('a register started again (an operator terminated it) continues from the numbers set', async () => {
  await api.stack.temporal.workflow.getHandle(incomingRegisterWorkflowId(2017)).terminate('operator test');
  const next = await as('huangweiyan').post('/api/directives', {
    ...SEED_DIRECTIVE,
    docNumber: '国发〔2016〕80号',
    title: '国务院关于另一事项的通知',
  });
  expect(next.status).toBe(201);
  expect(next.body.directive).toMatchObject({ receiptNumber: '201700085', handlingNumber: '发改 0010' });
});

test('twelve registrations sent at once, more than the register takes in flight, each get a number of their own', async () => {
  const sent = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      as('huangweiyan').post('/api/directives', {
        ...SEED_DIRECTIVE,
        docNumber: `国发〔2016〕${90 + i}号`,
        title: `国务院关于第${i + 1}件事项的通知`,
      }),
    ),
  );
  expect(sent.map((r) => r.status)).toEqual(Array(12).fill(201));
  expect(
    sent.map((r) => (r.body as { directive: { receiptNumber: string } }).directive.receiptNumber).sort(),
  ).toEqual(Array.from({ length: 12 }, (_, i) => String(201700086 + i)));
});
