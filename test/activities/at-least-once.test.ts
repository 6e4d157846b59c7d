/**
 * Activities run at least once: a worker that crashes after the write but before reporting it
 * runs the activity again. Run twice, each of these leaves exactly what one run leaves.
 */
import { createActivities } from '../../activities';
import type { NoticeChannel, NoticeToDeliver } from '../../activities/notices';
import { departmentTaskWorkflowId } from '../../workflows/definitions';
import { openingCaseState } from '../../workflows/integrity-types';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
const delivered: string[] = [];
const webhook: NoticeChannel = {
  name: 'webhook',
  attempts: 3,
  deliveriesFor: (notice, recipients) =>
    Promise.resolve([
      { recipient: '*', payload: recipients.map((r) => `${notice.noticeKey}→${r.id}`).join(',') },
    ]),
  send: (delivery) => {
    delivered.push(delivery.payload);
    return Promise.resolve();
  },
};

beforeAll(async () => {
  database = await createTestDatabase({ demoOrganisation: true });
});
afterAll(() => database?.close());

const clerk = { userId: 'u-huangweiyan', displayName: '黄炜演' };
const receipt = {
  receiptNumber: '201700084',
  receiptYear: 2017,
  receiptSequence: 84,
  document: {
    sourceOrg: '国务院',
    docNumber: '国发〔2016〕76号',
    title: '国务院关于加强政务诚信建设的指导意见',
    receivedDate: '2017-01-03',
    urgency: '平急' as const,
    secrecy: '非密' as const,
    copies: 1,
  },
  registeredBy: clerk,
  registeredAt: '2017-01-03T01:30:00.000Z',
  signedForAt: '2017-01-03T01:00:00.000Z',
  handlingNumber: '发改 0009',
  status: 'REGISTERED' as const,
  entries: [
    { seq: 1, at: '2017-01-03T01:00:00.000Z', actor: clerk, action: '签收', comment: '1 份' },
    { seq: 2, at: '2017-01-03T01:30:00.000Z', actor: clerk, action: '收文登记', toState: 'REGISTERED' },
  ],
  entry: { seq: 2, at: '2017-01-03T01:30:00.000Z', actor: clerk, action: '收文登记', toState: 'REGISTERED' },
};

test('收文登记, a department task step and a 催报单, each run twice, are written once', async () => {
  const { db } = database;
  const activities = createActivities({ db, noticeChannels: [webhook] });
  const task = {
    workflowId: 'directive-201700084/dept/GDFGW',
    receiptNumber: '201700084',
    departmentCode: 'GDFGW',
    role: 'LEAD' as const,
    status: 'SIGNED_FOR' as const,
    handlingOption: 1,
    dueDate: '2017-01-14',
    overdue: false,
    deptReceiptNumber: '319号',
    signedForAt: '2017-01-06T02:00:00.000Z',
    signedForById: 'u-fgw-mishu',
    entry: {
      seq: 2,
      at: '2017-01-06T02:00:00.000Z',
      actor: { userId: 'u-fgw-mishu', displayName: '秘书科' },
      action: '签收',
    },
  };
  const notice: NoticeToDeliver = {
    noticeKey: 'directive-201700084/dept/GDFGW:formal-1:1',
    kind: 'FORMAL_REMINDER',
    receiptNumber: '201700084',
    departmentCode: 'GDFGW',
    recipients: ['DEPT_HANDLER', 'DEPT_HEAD'],
    instructingLeaders: [],
    title: '催报：国务院关于加强政务诚信建设的指导意见',
    body: '国发〔2016〕76号，GDFGW 回报期限 2017-01-14',
    at: '2017-01-15T01:00:00.000Z',
  };

  for (let run = 0; run < 2; run++) {
    await activities.recordReceipt(receipt);
    await activities.recordDepartmentTask(task);
    // What it wrote comes back too: a local activity's input is not in the history (core/backup.ts).
    expect(await activities.deliverNotice(notice)).toEqual({
      recipientIds: ['u-fgw-mishu', 'u-fgw-head'],
      written: notice,
    });
  }

  expect(await db.directive.count()).toBe(1);
  expect(await db.departmentTask.count()).toBe(1);
  const timeline = await db.timelineEntry.findMany({ orderBy: [{ workflowId: 'asc' }, { seq: 'asc' }] });
  expect(timeline.map((e) => [e.workflowId, e.seq, e.action])).toEqual([
    ['directive-201700084', 1, '签收'],
    ['directive-201700084', 2, '收文登记'],
    ['directive-201700084/dept/GDFGW', 2, '签收'],
  ]);
  // One audit entry for each, however often the activity ran.
  const audit = await db.auditEvent.findMany({ orderBy: { id: 'asc' } });
  expect(audit.map((e) => [e.sourceKey, e.target])).toEqual([
    ['timeline:directive-201700084:1', '201700084'],
    ['timeline:directive-201700084:2', '201700084'],
    ['timeline:directive-201700084/dept/GDFGW:2', '201700084/GDFGW'],
  ]);
  const inbox = await db.notice.findMany({ orderBy: { recipientId: 'asc' } });
  expect(inbox.map((n) => [n.recipientId, n.kind])).toEqual([
    ['u-fgw-head', 'FORMAL_REMINDER'],
    ['u-fgw-mishu', 'FORMAL_REMINDER'],
  ]);
  // A further channel's delivery is queued once, however often deliverNotice ran, and sent once.
  await activities.drainNoticeOutbox();
  await activities.drainNoticeOutbox();
  expect(delivered).toEqual([
    'directive-201700084/dept/GDFGW:formal-1:1→u-fgw-mishu,directive-201700084/dept/GDFGW:formal-1:1→u-fgw-head',
  ]);
});

test('a reminder (到期提醒), run twice, reaches its people once in one entry that names them; rebuilt later, the entry still names them', async () => {
  const { db } = database;
  const activities = createActivities({ db });
  await activities.recordReceipt(receipt);
  const workflowId = 'directive-201700084/dept/GDCZT';
  const reminded = {
    workflowId,
    receiptNumber: '201700084',
    departmentCode: 'GDCZT',
    role: 'CO' as const,
    status: 'DISPATCHED' as const,
    handlingOption: 1,
    dueDate: '2017-01-14',
    overdue: false,
    entry: { seq: 2, at: '2017-01-11T01:00:00.000Z', action: '到期提醒' },
    reminder: {
      rung: 'remind-3',
      notice: {
        noticeKey: `${workflowId}:remind-3:1`,
        kind: 'REMINDER' as const,
        receiptNumber: '201700084',
        departmentCode: 'GDCZT',
        recipients: ['DEPT_HANDLER' as const],
        instructingLeaders: [],
        title: '到期提醒：国务院关于加强政务诚信建设的指导意见',
        body: '国发〔2016〕76号，GDCZT 回报期限 2017-01-14',
        at: '2017-01-11T01:00:00.000Z',
      },
    },
  };
  const first = await activities.recordDepartmentTask(reminded);
  expect(await activities.recordDepartmentTask(reminded)).toEqual(first);
  // What it wrote, for a rebuild: the entry with the comment the activity filled in.
  expect(first.written.entry.comment).toBe('remind-3 → u-czt-handler');
  const entryOf = async (on: typeof db) =>
    (await on.timelineEntry.findMany({ where: { workflowId } })).map((e) => [e.seq, e.action, e.comment]);
  expect(await entryOf(db)).toEqual([[2, '到期提醒', 'remind-3 → 省财政厅承办人']]);
  const inbox = await db.notice.findMany({ where: { noticeKey: `${workflowId}:remind-3:1` } });
  expect(inbox.map((n) => n.recipientId)).toEqual(['u-czt-handler']);

  // Rebuilt into a database where that 承办人 has since left: nobody is reminded again, and the
  // entry still names who was then.
  const later = await createTestDatabase({ demoOrganisation: true });
  try {
    await later.db.user.update({ where: { id: 'u-czt-handler' }, data: { active: false } });
    const rebuild = createActivities({ db: later.db });
    await rebuild.recordReceipt(receipt);
    await rebuild.recordDepartmentTask(first.written);
    expect(await entryOf(later.db)).toEqual(await entryOf(db));
    expect(await later.db.notice.count({ where: { noticeKey: `${workflowId}:remind-3:1` } })).toBe(0);
  } finally {
    await later.close();
  }
});

test('snapshots of concurrent steps landing out of order leave the newest state, and a read copy stays read', async () => {
  const { db } = database;
  const activities = createActivities({ db });
  const task = {
    workflowId: 'directive-201700084/dept/GDFGW',
    receiptNumber: '201700084',
    departmentCode: 'GDFGW',
    role: 'LEAD' as const,
    handlingOption: 1,
    dueDate: '2017-01-14',
    overdue: false,
  };
  const reported = {
    ...task,
    status: 'REPORTED' as const,
    reportText: '已原文翻印发至各市、县，省府直属各部门。',
    entry: { seq: 4, at: '2017-01-10T07:00:00.000Z', action: '回报' },
  };
  // 催办 was scheduled before the 回报 but its write arrives after it.
  const urgedEarlier = {
    ...task,
    status: 'SIGNED_FOR' as const,
    entry: { seq: 3, at: '2017-01-10T06:59:59.000Z', action: '催办' },
  };
  await activities.recordDepartmentTask(reported);
  await activities.recordDepartmentTask(urgedEarlier);
  const row = await db.departmentTask.findUniqueOrThrow({ where: { workflowId: task.workflowId } });
  expect(row).toMatchObject({ status: 'REPORTED', reportText: reported.reportText, revision: 4 });
  // Both timeline entries are kept.
  const actions = await db.timelineEntry.findMany({
    where: { workflowId: task.workflowId },
    orderBy: { seq: 'asc' },
  });
  expect(actions.map((e) => e.action)).toEqual(['签收', '催办', '回报']);

  const circulation = (readAt?: string) => ({
    id: 1,
    purpose: 'READ' as const,
    sentBy: clerk,
    sentAt: '2017-01-04T02:00:00.000Z',
    note: '',
    copies: [{ reader: { userId: 'u-mishuzhang', displayName: '办公厅秘书长' }, readAt }],
  });
  const directive = { receiptNumber: '201700084', status: 'IN_PROGRESS' as const };
  await activities.recordDirective({
    ...directive,
    circulations: [circulation('2017-01-04T03:00:00.000Z')],
    entry: { seq: 6, at: '2017-01-04T03:00:00.000Z', action: '阅' },
  });
  await activities.recordDirective({
    ...directive,
    circulations: [circulation()],
    entry: { seq: 5, at: '2017-01-04T02:00:00.000Z', action: '传阅' },
  });
  const copy = await db.circulationCopy.findFirstOrThrow({ where: { receiptNumber: '201700084' } });
  expect(copy.readAt?.toISOString()).toBe('2017-01-04T03:00:00.000Z');
  expect((await db.directive.findUniqueOrThrow({ where: { receiptNumber: '201700084' } })).revision).toBe(6);
});

test('转办 writes its departments’ task rows with its own; a task’s first snapshot replaces its row, and a row its task wrote first stays', async () => {
  const { db } = database;
  const activities = createActivities({ db });
  const receiptNumber = '201700085';
  await activities.recordReceipt({
    ...receipt,
    receiptNumber,
    receiptSequence: 85,
    handlingNumber: undefined,
    document: { ...receipt.document, docNumber: '国发〔2016〕77号' },
  });
  const lead = departmentTaskWorkflowId(receiptNumber, 'GDFGW');
  const co = departmentTaskWorkflowId(receiptNumber, 'GDCZT');
  const firstSnapshot = (workflowId: string, departmentCode: string, role: 'LEAD' | 'CO') => ({
    workflowId,
    receiptNumber,
    departmentCode,
    role,
    status: 'DISPATCHED' as const,
    handlingOption: 1,
    dueDate: '2017-01-14',
    overdue: false,
    entry: { seq: 1, at: '2017-01-04T02:00:01.000Z', action: '分发' },
  });
  // 省财政厅's task ran its first workflow task before the directive's 转办 was written.
  await activities.recordDepartmentTask(firstSnapshot(co, 'GDCZT', 'CO'));
  const dispatched = {
    receiptNumber,
    status: 'IN_PROGRESS' as const,
    dueDate: '2017-01-14',
    dispatchedAt: '2017-01-04T02:00:00.000Z',
    entry: { seq: 3, at: '2017-01-04T02:00:00.000Z', action: '转办' },
    dispatchedTasks: [
      {
        workflowId: lead,
        departmentCode: 'GDFGW',
        role: 'LEAD' as const,
        handlingOption: 1,
        dueDate: '2017-01-14',
      },
      {
        workflowId: co,
        departmentCode: 'GDCZT',
        role: 'CO' as const,
        handlingOption: 1,
        dueDate: '2017-01-20',
      },
    ],
  };
  const rows = () =>
    db.departmentTask.findMany({
      where: { receiptNumber },
      orderBy: { departmentCode: 'asc' },
      select: { departmentCode: true, role: true, status: true, dueDate: true, revision: true },
    });
  await activities.recordDirective(dispatched);
  expect(await rows()).toEqual([
    { departmentCode: 'GDCZT', role: 'CO', status: 'DISPATCHED', dueDate: '2017-01-14', revision: 1 },
    { departmentCode: 'GDFGW', role: 'LEAD', status: 'DISPATCHED', dueDate: '2017-01-14', revision: 0 },
  ]);
  // 省发展改革委's task writes its first snapshot over the row 转办 wrote; 转办 run again changes nothing.
  await activities.recordDepartmentTask({
    ...firstSnapshot(lead, 'GDFGW', 'LEAD'),
    handlerId: 'u-fgw-mishu',
  });
  await activities.recordDirective(dispatched);
  expect(await rows()).toEqual([
    { departmentCode: 'GDCZT', role: 'CO', status: 'DISPATCHED', dueDate: '2017-01-14', revision: 1 },
    { departmentCode: 'GDFGW', role: 'LEAD', status: 'DISPATCHED', dueDate: '2017-01-14', revision: 1 },
  ]);
  const leadRow = await db.departmentTask.findUniqueOrThrow({ where: { workflowId: lead } });
  expect(leadRow.handlerId).toBe('u-fgw-mishu');
});

const ducha = { userId: 'u-ducha', displayName: '督查室督查员' };
const cztHead = { userId: 'u-czt-head', displayName: '省财政厅负责人' };
/** 省财政厅's broken commitment, as a breach record's state holds it after registration. */
const base = {
  recordId: 'SX20170103-a1b2c3',
  status: 'EXPLANATION_DUE' as const,
  openedBy: ducha,
  facts: {
    subject: { kind: 'BODY' as const, departmentCode: 'GDCZT' },
    source: 'BROKEN_COMMITMENT' as const,
    sourceRef: '粤财承诺〔2016〕12号',
    facts: '承诺2016年12月31日前支付政府采购合同尾款，逾期未支付',
    principal: { name: '省财政厅主要负责人', title: '厅长' },
    severity: { level: 'GENERAL' as const, loss: '拖欠合同款约120万元', socialImpact: '企业投诉' },
    published: true,
    occurredOn: '2017-01-01',
  },
  openedAt: '2017-01-03T01:00:00.000Z',
  dueDate: '2017-01-08',
  overdue: false,
  firedNotices: [],
  overdueSteps: 0,
  verifications: [],
  repairs: [],
  corrections: [],
  caseIds: [],
};

test('a breach record’s projection, run twice, is written once; a late older snapshot does not reopen a reviewed objection', async () => {
  const { db } = database;
  const activities = createActivities({ db });
  const recordBreach = (input: Parameters<typeof activities.recordBreach>[0]) =>
    activities.recordBreach(input);
  const filed = { id: 1, by: cztHead, at: '2017-01-05T02:00:00.000Z', reason: '非本单位失信' };
  const pending = {
    workflowId: 'breach-record-SX20170103-a1b2c3',
    state: { ...base, objections: [{ ...filed, status: 'PENDING' as const }] },
    openedBy: ducha,
    attachmentIds: [],
    entry: { seq: 2, at: filed.at, actor: cztHead, action: '提出异议' },
  };
  const reviewed = {
    ...pending,
    state: {
      ...base,
      objections: [
        {
          ...filed,
          status: 'REJECTED' as const,
          review: {
            by: { userId: 'u-xinyong', displayName: '督查室信用管理员' },
            at: '2017-01-06T02:00:00.000Z',
            reasons: '理由不成立',
          },
        },
      ],
    },
    entry: { seq: 3, at: '2017-01-06T02:00:00.000Z', actor: ducha, action: '异议不成立' },
  };
  await recordBreach(pending);
  await recordBreach(reviewed);
  await recordBreach(reviewed);
  await recordBreach(pending); // the first write's retry, arriving last
  expect(await db.breachRecord.count({ where: { recordId: base.recordId } })).toBe(1);
  expect(await db.breachRecord.findUniqueOrThrow({ where: { recordId: base.recordId } })).toMatchObject({
    revision: 3,
  });
  expect(await db.integrityEntry.count({ where: { recordId: base.recordId } })).toBe(2);
  expect(await db.objection.findMany({ where: { recordId: base.recordId } })).toMatchObject([
    { objectionId: 1, status: 'REJECTED', reviewerId: 'u-xinyong' },
  ]);
});

test('立案 writes its case’s row with the record’s entry; the case’s first snapshot replaces it, and a row the case wrote first stays', async () => {
  const { db } = database;
  const activities = createActivities({ db });
  const recordId = 'SX20170103-0a0b0c';
  const workflowId = `breach-record-${recordId}`;
  const state = { ...base, recordId, objections: [] };
  await activities.recordBreach({ workflowId, state, openedBy: ducha, attachmentIds: [] });
  const opened = (n: number) => {
    const caseId = `${recordId}-${n}`;
    return {
      workflowId: `accountability-case-${caseId}`,
      input: {
        caseId,
        recordId,
        subject: base.facts.subject,
        principal: base.facts.principal,
        trigger: 'BY_HAND' as const,
        reason: '逾期未履行承诺，造成不良影响',
        openedBy: ducha,
      },
      openedAt: '2017-01-09T02:00:00.000Z',
    };
  };
  const caseOf = (n: number) => db.accountabilityCase.findUnique({ where: { caseId: `${recordId}-${n}` } });
  const openCase = (n: number, seq: number) =>
    activities.recordBreach({
      workflowId,
      state: { ...state, caseIds: [`${recordId}-1`, `${recordId}-2`].slice(0, n) },
      openedBy: ducha,
      attachmentIds: [],
      entry: { seq, at: '2017-01-09T02:00:00.000Z', actor: ducha, action: '立案追责' },
      openedCase: opened(n),
    });
  /** The case's own snapshot, as its workflow records a step. */
  const caseSnapshot = (n: number, seq: number, status: 'INVESTIGATING' | 'AWAITING_DECISION') =>
    activities.recordCase({
      ...opened(n),
      openedAt: '2017-01-09T02:00:01.000Z',
      state: { ...openingCaseState(`${recordId}-${n}`, recordId), status },
      entry: { seq, at: '2017-01-09T02:00:01.000Z', actor: ducha, action: '立案调查' },
    });

  // The answer to 立案 comes after this write: the case can be opened at once, under investigation.
  await openCase(1, 2);
  expect(await caseOf(1)).toMatchObject({ status: 'INVESTIGATING', revision: 0, trigger: 'BY_HAND' });
  await caseSnapshot(1, 1, 'INVESTIGATING');
  await caseSnapshot(1, 2, 'AWAITING_DECISION');
  await openCase(1, 2); // the 立案 entry's retry, arriving last
  expect(await caseOf(1)).toMatchObject({ status: 'AWAITING_DECISION', revision: 2 });

  // The second case's workflow wrote its row before the record's entry landed: it stays.
  await caseSnapshot(2, 1, 'INVESTIGATING');
  await openCase(2, 3);
  expect(await caseOf(2)).toMatchObject({ revision: 1 });
  expect((await caseOf(2))?.openedAt.toISOString()).toBe('2017-01-09T02:00:01.000Z');
  expect(await db.accountabilityCase.count({ where: { recordId } })).toBe(2);
});
