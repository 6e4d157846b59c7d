/**
 * 涉密 on a deployment accredited for classified documents (CLASSIFIED_ACCREDITED): the 保密员
 * grants clearances; a 机密 directive is registered by a cleared clerk and is then seen only by
 * people who are both involved and cleared to 机密: in lists, details, files and notices; its
 * reads are on the audit trail, and what leaves it (notices, a 政务失信记录) never names it.
 * (An unaccredited deployment refuses it outright: receipt-and-office.test.ts.)
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { directiveSteps, people, seedProposal } from '../helpers/seed-case';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { until } from '../helpers/until';

jest.setTimeout(180_000);

const api = useSeedDayApi(
  [
    'huangweiyan',
    'chenweiyan',
    'zh1-director',
    'chunxin',
    'mishuzhang',
    'fgw-mishu',
    'czt-handler',
    'ducha',
    'baomi',
    'admin',
  ],
  { classifiedAccredited: true },
);
const { as } = api;
const db = () => api.stack.database.db;

/** A 机密 directive of the provincial government, routed like the seed's. */
const SECRET = {
  ...SEED_DIRECTIVE,
  sourceOrg: '国务院办公厅',
  docNumber: '国办发〔2016〕99号',
  title: '关于某专项督查工作的通知',
  secrecy: '机密',
  secrecyPeriod: '10年',
};
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1500, 0x42), Buffer.from('\n%%EOF\n')]);
let receiptNumber = '';
let attachmentId = '';

const grant = (username: string, clearance: string, by = 'baomi') =>
  as(by).put(`/api/users/u-${username}/clearance`, { clearance, reason: '保密委〔2017〕1号审批' });

test('the 保密员 grants clearances with their 依据; not his own, and the administrator none', async () => {
  expect((await grant('huangweiyan', '机密', 'admin')).status).toBe(403);
  const own = await grant('baomi', '绝密');
  expect(own.status).toBe(403);
  expect(own.body.error.code).toBe('own_clearance');
  const bad = await as('baomi').put('/api/users/u-huangweiyan/clearance', { clearance: '顶级' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
    'clearance',
    'reason',
  ]);
  expect(
    (await as('baomi').put('/api/users/u-nobody/clearance', { clearance: '秘密', reason: '审批' })).status,
  ).toBe(404);

  for (const who of ['chenweiyan', 'chunxin', 'fgw-mishu'])
    expect((await grant(who, '机密')).status).toBe(200);
  expect((await grant('zh1-director', '秘密')).status).toBe(200);
  const list = await as('baomi').get('/api/clearances?q=陈伟演');
  expect(list.body.items).toEqual([
    expect.objectContaining({ id: 'u-chenweiyan', clearance: '机密', department: expect.anything() }),
  ]);
  expect(
    await db().auditEvent.findFirst({ where: { action: 'clearance.set', target: 'u-chenweiyan' } }),
  ).toMatchObject({ actorId: 'u-baomi', detail: expect.stringContaining('保密委〔2017〕1号审批') });
});

test('a clerk cleared only to 秘密 may not register a 机密 document, nor keep its file', async () => {
  expect((await grant('huangweiyan', '秘密')).status).toBe(200);
  const file = await as('huangweiyan').upload('机密件.pdf', PDF);
  const res = await as('huangweiyan').post('/api/directives', {
    ...SECRET,
    attachments: [file.body.attachment.id],
  });
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('not_cleared');
  expect(await db().attachment.findUnique({ where: { id: file.body.attachment.id } })).toBeNull();
  expect(await db().directive.count()).toBe(0);
});

test('registered by a cleared clerk, it is seen only by those involved and cleared to 机密', async () => {
  expect((await grant('huangweiyan', '机密')).status).toBe(200);
  const file = await as('huangweiyan').upload('机密件.pdf', PDF);
  attachmentId = file.body.attachment.id;
  const res = await as('huangweiyan').post('/api/directives', { ...SECRET, attachments: [attachmentId] });
  expect(res.status).toBe(201);
  receiptNumber = res.body.directive.receiptNumber;

  const listed = async (who: string) =>
    ((await as(who).get('/api/directives')).body.items as { receiptNumber: string }[]).map(
      (d) => d.receiptNumber,
    );
  const detail = async (who: string) => (await as(who).get(`/api/directives/${receiptNumber}`)).status;
  expect(await listed('chenweiyan')).toContain(receiptNumber);
  expect(await detail('chenweiyan')).toBe(200);
  // The 处长 handles every directive of the office, but is cleared to 秘密 only.
  expect(await listed('zh1-director')).not.toContain(receiptNumber);
  expect(await detail('zh1-director')).toBe(404);
  // 春新 is cleared, but not yet involved; 秘书长 neither.
  expect(await detail('chunxin')).toBe(404);
  expect(await detail('mishuzhang')).toBe(404);

  // 初审, 拟办 to 省发展改革委 (主办) and 省财政厅 (会办) asking 春新, 审核, 批示, 转办.
  const steps = directiveSteps(api.stack.temporal, api.stack.taskQueue);
  await steps.accept(receiptNumber);
  await steps.propose(receiptNumber, seedProposal({ coDepartments: ['GDCZT'] }));
  expect(await detail('chunxin')).toBe(200);
  await steps.signOff(receiptNumber, people.reviewer);
  await steps.signOff(receiptNumber, people.director);
  await steps.instruct(receiptNumber);
  await steps.dispatch(receiptNumber);
  await until(
    async () => (await db().departmentTask.count({ where: { receiptNumber } })) === 2,
    'the tasks',
    50,
  );

  // 省发展改革委's cleared 承办人 has it to do, and its file; 省财政厅's, not cleared, neither.
  const tasks = async (who: string) =>
    ((await as(who).get('/api/tasks')).body.items as { receiptNumber: string }[]).map((t) => t.receiptNumber);
  expect(await tasks('fgw-mishu')).toContain(receiptNumber);
  expect(await detail('fgw-mishu')).toBe(200);
  expect((await as('fgw-mishu').download(`/api/attachments/${attachmentId}`)).status).toBe(200);
  expect(await tasks('czt-handler')).not.toContain(receiptNumber);
  expect(await detail('czt-handler')).toBe(404);
  expect((await as('czt-handler').get(`/api/attachments/${attachmentId}`)).status).toBe(404);
  expect((await as('czt-handler').post(`/api/directives/${receiptNumber}/tasks/GDCZT/sign-for`)).status).toBe(
    404,
  );

  // Every read is on the audit trail: who read which, as whom.
  const reads = await db().auditEvent.findMany({
    where: { action: 'classified.read', target: receiptNumber },
  });
  expect(new Set(reads.map((r) => r.actorId))).toEqual(new Set(['u-chenweiyan', 'u-chunxin', 'u-fgw-mishu']));
});

test('its notices reach only the cleared, and name neither its title nor its 文号', async () => {
  await api.until('2017-01-16T10:00'); // past the 回报 deadline: reminders, 催报单, escalation
  const notices = await db().notice.findMany({ where: { receiptNumber } });
  expect(notices.length).toBeGreaterThan(0);
  for (const n of notices) {
    expect(`${n.title} ${n.body}`).not.toContain('专项督查');
    expect(`${n.title} ${n.body}`).not.toContain('国办发');
    expect(n.title).toContain(`机密级文件（收文编号 ${receiptNumber}）`);
  }
  const recipients = await db().user.findMany({ where: { id: { in: notices.map((n) => n.recipientId) } } });
  expect(recipients.map((u) => u.clearance).every((c) => c === '机密' || c === '绝密')).toBe(true);
  expect(recipients.map((u) => u.id)).toContain('u-fgw-mishu');
});

test('the 政务失信记录 of its overdue task names it by 密级 and 收文编号 only', async () => {
  await api.until('2017-01-25T10:00'); // ten days overdue: the record opens on its own
  await until(
    async () => (await db().breachRecord.count({ where: { receiptNumber } })) === 2,
    'the records',
    50,
  );
  const records = await db().breachRecord.findMany({ where: { receiptNumber } });
  for (const r of records) {
    expect(JSON.stringify(r)).not.toContain('专项督查');
    expect(JSON.stringify(r)).not.toContain('国办发');
    expect(r.facts).toContain(`机密级文件（收文编号 ${receiptNumber}）`);
  }
  const shown = await as('ducha').get(`/api/integrity/records/${records[0]!.recordId}`);
  expect(shown.status).toBe(200);
  expect(JSON.stringify(shown.body)).not.toContain('专项督查');
});
