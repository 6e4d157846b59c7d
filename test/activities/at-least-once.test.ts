/**
 * Activities run at least once: a worker that crashes after the write but before reporting it
 * runs the activity again. Run twice, each of these leaves exactly what one run leaves.
 */
import { createActivities } from '../../activities';
import type { NoticeChannel, NoticeToDeliver } from '../../activities/notices';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
const delivered: string[] = [];
const webhook: NoticeChannel = {
  name: 'webhook',
  deliver: (notice, recipients) => {
    delivered.push(...recipients.map((r) => `${notice.noticeKey}→${r.id}`));
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
    expect(await activities.deliverNotice(notice)).toEqual({ recipientIds: ['u-fgw-mishu', 'u-fgw-head'] });
  }

  expect(await db.directive.count()).toBe(1);
  expect(await db.departmentTask.count()).toBe(1);
  const timeline = await db.timelineEntry.findMany({ orderBy: [{ workflowId: 'asc' }, { seq: 'asc' }] });
  expect(timeline.map((e) => [e.workflowId, e.seq, e.action])).toEqual([
    ['directive-201700084', 1, '签收'],
    ['directive-201700084', 2, '收文登记'],
    ['directive-201700084/dept/GDFGW', 2, '签收'],
  ]);
  const inbox = await db.notice.findMany({ orderBy: { recipientId: 'asc' } });
  expect(inbox.map((n) => [n.recipientId, n.kind])).toEqual([
    ['u-fgw-head', 'FORMAL_REMINDER'],
    ['u-fgw-mishu', 'FORMAL_REMINDER'],
  ]);
  // A further channel is told twice; it must tolerate that (the interface says so), the inbox need not.
  expect(delivered).toHaveLength(4);
});
