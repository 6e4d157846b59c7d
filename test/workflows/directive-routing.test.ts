/**
 * 国发〔2016〕76号 through the general office with the seed's own dates, on the time-skipping
 * server: registered 2017-01-03, dispatched 2017-01-04, report due 2017-01-14 (10 days, the
 * due day counting). Each scenario gets a server whose clock starts on 2017-01-03 09:00 CST.
 */
import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  decideExtensionUpdate,
  getDepartmentTaskStateQuery,
  requestExtensionUpdate,
  reviewDraftUpdate,
  reviewReportUpdate,
  sendDraftUpdate,
  signForUpdate,
  submitReportUpdate,
  withdrawUpdate,
} from '../../workflows/definitions';
import { localActivityMarker } from '../../core/local-activity-marker';
import { CURRENT_RELEASE } from '../../workflows/patches';
import type { temporal } from '@temporalio/proto';
import { DEFAULT_POLICY, type HandlingOptionCode } from '../../workflows/policy';
import type { ActingUser } from '../../workflows/types';
import { people } from '../helpers/seed-case';
import { onSeedDay, type SeedDay } from '../helpers/seed-day';

jest.setTimeout(180_000);

async function dispatchedOn4January(
  day: SeedDay,
  option: HandlingOptionCode = 1,
  coDepartments: string[] = [],
) {
  const receiptNumber = await day.steps.throughInstruction(option, { coDepartments });
  await day.until('2017-01-04T09:30');
  const state = await day.steps.dispatch(receiptNumber);
  return { receiptNumber, state };
}

const signFor = (day: SeedDay, receiptNumber: string, dept: string, by: ActingUser, number: string) =>
  day.steps
    .task(receiptNumber, dept)
    .executeUpdate(signForUpdate, { args: [{ by, deptReceiptNumber: number }] });

const report = (
  day: SeedDay,
  receiptNumber: string,
  dept: string,
  by: ActingUser,
  options: HandlingOptionCode[],
  draft?: string,
) =>
  day.steps.task(receiptNumber, dept).executeUpdate(submitReportUpdate, {
    args: [{ by, options, text: '已原文翻印发至各市、县，省府直属各部门。', draft }],
  });

const accept = (day: SeedDay, receiptNumber: string, dept: string) =>
  day.steps
    .task(receiptNumber, dept)
    .executeUpdate(reviewReportUpdate, { args: [{ by: people.clerk, decision: 'ACCEPT', comment: '' }] });

/**
 * The chase in the inbox for one department task, as (rule, CST minute, recipient) rows: not the
 * 待办 notice telling the office a report arrived (test/api/todo.test.ts).
 */
async function noticesOf(day: SeedDay, receiptNumber: string, dept: string) {
  const rows = await day.stack.database.db.notice.findMany({
    where: { receiptNumber, departmentCode: dept, kind: { not: 'TURN' } },
    orderBy: [{ at: 'asc' }, { recipientId: 'asc' }],
  });
  return rows.map((n) => [
    n.noticeKey.split(':')[1],
    new Date(n.at.getTime() + 8 * 3600_000).toISOString().slice(0, 16),
    n.recipientId,
  ]);
}

test('(a) an on-time report is accepted and the directive is closed (办结)', () =>
  onSeedDay(async (day) => {
    const { receiptNumber, state } = await dispatchedOn4January(day);
    expect(receiptNumber).toBe('201700084');
    expect(state).toMatchObject({ status: 'IN_PROGRESS', dueDate: '2017-01-14' });

    await day.until('2017-01-06T10:00'); // 省发展改革委秘书科 logs its own receipt: 319号
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await day.until('2017-01-10T15:00');
    await report(day, receiptNumber, 'GDFGW', people.fgwHead, [1]);
    await accept(day, receiptNumber, 'GDFGW');
    await day.steps.reply(receiptNumber);

    const closed = await day.steps.directive(receiptNumber).result();
    expect(closed).toMatchObject({ status: 'CLOSED', departments: { GDFGW: 'ACCEPTED' } });

    const db = day.stack.database.db;
    const task = await db.departmentTask.findUniqueOrThrow({
      where: { workflowId: `directive-${receiptNumber}/dept/GDFGW` },
    });
    expect(task).toMatchObject({
      status: 'ACCEPTED',
      role: 'LEAD',
      dueDate: '2017-01-14',
      overdue: false,
      deptReceiptNumber: '319号',
      signedForById: 'u-fgw-mishu',
      reportOptions: '1',
      reportSignedById: 'u-fgw-head',
    });
    expect(task.signedForAt?.toISOString()).toMatch(/^2017-01-06T02:/);
    const directive = await db.directive.findUniqueOrThrow({ where: { receiptNumber } });
    expect(directive).toMatchObject({
      status: 'CLOSED',
      dueDate: '2017-01-14',
      leadDepartmentCode: 'GDFGW',
      handlingOption: 1,
    });
    const timeline = await db.timelineEntry.findMany({ where: { receiptNumber }, orderBy: { at: 'asc' } });
    expect(timeline.map((e) => e.action)).toEqual([
      '签收',
      '收文登记',
      '初审',
      '拟办',
      '审核',
      '审核',
      '批示',
      '转办', // the department task opens
      '转办', // the directive records it
      '签收',
      '回报',
      '回报通过',
      '办结',
      '答复',
    ]);
    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([]); // reported before the first reminder
  }));

/** When the department task's timeline says it fell overdue (逾期), as an ISO instant. */
async function overdueAt(day: SeedDay, receiptNumber: string, dept: string) {
  const entry = await day.stack.database.db.timelineEntry.findFirstOrThrow({
    where: { receiptNumber, departmentCode: dept, action: '逾期' },
  });
  return entry.at.toISOString();
}

test('(b) with no report, every reminder and escalation fires once, on the policy’s date', () =>
  onSeedDay(async (day) => {
    const { receiptNumber } = await dispatchedOn4January(day);
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await day.until('2017-01-26T12:00');

    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([
      ['remind-3', '2017-01-11T09:00', 'u-fgw-mishu'],
      ['remind-1', '2017-01-13T09:00', 'u-fgw-mishu'],
      ['formal-1', '2017-01-15T09:00', 'u-fgw-head'], // 催报单 to handler and head (no urger named)
      ['formal-1', '2017-01-15T09:00', 'u-fgw-mishu'],
      ['escalate-3', '2017-01-17T09:00', 'u-fgw-head'],
      ['escalate-5', '2017-01-19T09:00', 'u-zh1-director'],
      ['escalate-10', '2017-01-24T09:00', 'u-chunxin'], // the leader who gave the 批示
    ]);
    const task = await day.steps.task(receiptNumber, 'GDFGW').query('getDepartmentTaskState');
    expect(task).toMatchObject({ status: 'SIGNED_FOR', overdue: true, dueDate: '2017-01-14' });
    expect(await overdueAt(day, receiptNumber, 'GDFGW')).toMatch(/^2017-01-14T16:00:00/); // 2017-01-15 00:00 CST

    // A late report still ends the chase; nothing more fires afterwards.
    await report(day, receiptNumber, 'GDFGW', people.fgwHead, [1]);
    await day.until('2017-02-10T12:00');
    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toHaveLength(7);
  }));

test('(b2) a policy version whose notices go out at 08:30 chases at 08:30, the 逾期 still at midnight', () =>
  onSeedDay(async (day) => {
    const halfPastEight = { ...DEFAULT_POLICY, version: 'seed-2017.2-0830', noticeHour: 8, noticeMinute: 30 };
    const receiptNumber = await day.steps.register(undefined, 83, halfPastEight);
    await day.steps.instructed(receiptNumber);
    await day.until('2017-01-04T09:30');
    await day.steps.dispatch(receiptNumber);
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await day.until('2017-01-15T12:00');

    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([
      ['remind-3', '2017-01-11T08:30', 'u-fgw-mishu'],
      ['remind-1', '2017-01-13T08:30', 'u-fgw-mishu'],
      ['formal-1', '2017-01-15T08:30', 'u-fgw-head'],
      ['formal-1', '2017-01-15T08:30', 'u-fgw-mishu'],
    ]);
    expect(await overdueAt(day, receiptNumber, 'GDFGW')).toMatch(/^2017-01-14T16:00:00/); // 2017-01-15 00:00 CST
  }));

test('(c) an extension (延期) granted mid-way moves the pending reminders and escalations', () =>
  onSeedDay(async (day) => {
    const { receiptNumber } = await dispatchedOn4January(day);
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await day.until('2017-01-12T10:00'); // the D-3 reminder of 2017-01-11 has gone out
    const task = day.steps.task(receiptNumber, 'GDFGW');
    const requested = await task.executeUpdate(requestExtensionUpdate, {
      args: [{ by: people.fgwHandler, newDueDate: '2017-01-24', reason: '需征求各市意见' }],
    });
    expect(requested.extensionRequest).toMatchObject({ newDueDate: '2017-01-24' });
    const granted = await task.executeUpdate(decideExtensionUpdate, {
      args: [{ by: people.clerk, approve: true, comment: '同意延期' }],
    });
    expect(granted).toMatchObject({ dueDate: '2017-01-24', overdue: false });
    expect(granted.extensionRequest).toBeUndefined();

    await day.until('2017-02-01T12:00');
    expect((await noticesOf(day, receiptNumber, 'GDFGW')).map(([key, at]) => [key, at])).toEqual([
      ['remind-3', '2017-01-11T09:00'], // sent before the extension, not repeated
      ['remind-1', '2017-01-23T09:00'],
      ['formal-1', '2017-01-25T09:00'],
      ['formal-1', '2017-01-25T09:00'],
      ['escalate-3', '2017-01-27T09:00'],
      ['escalate-5', '2017-01-29T09:00'],
    ]);
    const entries = await day.stack.database.db.timelineEntry.findMany({
      where: { receiptNumber, departmentCode: 'GDFGW', action: { in: ['申请延期', '延期批准'] } },
      orderBy: { seq: 'asc' },
    });
    expect(entries.map((e) => [e.action, e.actorId, e.comment])).toEqual([
      ['申请延期', 'u-fgw-mishu', '申请延至 2017-01-24：需征求各市意见'],
      ['延期批准', 'u-huangweiyan', '回报期限延至 2017-01-24。同意延期'],
    ]);

    // Refused: no request is pending now, and a shorter "extension" is no extension.
    await expect(
      task.executeUpdate(decideExtensionUpdate, { args: [{ by: people.clerk, approve: true, comment: '' }] }),
    ).rejects.toMatchObject({ cause: { type: 'NotNow' } });
    await expect(
      task.executeUpdate(requestExtensionUpdate, {
        args: [{ by: people.fgwHandler, newDueDate: '2017-01-20', reason: '再延' }],
      }),
    ).rejects.toMatchObject({
      cause: { type: 'InvalidInput', message: expect.stringContaining('晚于回报期限 2017-01-24') },
    });
  }));

test('(g) withdrawal (撤办) ends every department task and silences the chase', () =>
  onSeedDay(async (day) => {
    const { receiptNumber } = await dispatchedOn4January(day, 1, ['GDCZT']);
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await day.until('2017-01-08T10:00');
    const withdrawn = await day.steps
      .directive(receiptNumber)
      .executeUpdate(withdrawUpdate, { args: [{ by: people.clerk, reason: '来文单位通知另行部署' }] });
    expect(withdrawn.status).toBe('WITHDRAWN');
    expect(await day.steps.directive(receiptNumber).result()).toMatchObject({ status: 'WITHDRAWN' });
    for (const dept of ['GDFGW', 'GDCZT']) {
      await expect(day.steps.task(receiptNumber, dept).result()).rejects.toThrow(WorkflowFailedError);
      expect((await day.steps.task(receiptNumber, dept).describe()).status.name).toBe('CANCELLED');
    }

    // Closed workflows hold no timers: nothing can be chased any more (the 待办 notices of the
    // steps before 转办 are not a chase).
    const db = day.stack.database.db;
    expect(await db.notice.count({ where: { receiptNumber, kind: { not: 'TURN' } } })).toBe(0);
    expect((await db.departmentTask.findMany({ where: { receiptNumber } })).map((t) => t.status)).toEqual([
      'WITHDRAWN',
      'WITHDRAWN',
    ]);
    const last = await db.timelineEntry.findFirstOrThrow({
      where: { receiptNumber, departmentCode: null },
      orderBy: { seq: 'desc' },
    });
    expect(last).toMatchObject({
      action: '撤办',
      actorId: 'u-huangweiyan',
      comment: '来文单位通知另行部署',
      toState: 'WITHDRAWN',
    });
    await expect(report(day, receiptNumber, 'GDFGW', people.fgwHead, [1])).rejects.toThrow(
      WorkflowNotFoundError,
    );
  }));

test('(d) option 4: the 回报单 within 10 days, with the 代拟稿 attached or marked to follow', () =>
  onSeedDay(async (day) => {
    const { receiptNumber, state } = await dispatchedOn4January(day, 4);
    expect(state.dueDate).toBe('2017-01-14');
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');

    await day.until('2017-01-12T09:00');
    expect((await noticesOf(day, receiptNumber, 'GDFGW')).map(([key, at]) => [key, at])).toEqual([
      ['remind-3', '2017-01-11T09:00'],
    ]);
    // Refused after the clock has moved: on the Java test server, an env.sleep right after a
    // rejected update sometimes never returns (seen here; the server, not the workflow, stalls).
    const withoutDraft = report(day, receiptNumber, 'GDFGW', people.fgwHead, [4]);
    await expect(withoutDraft).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(withoutDraft).rejects.toMatchObject({
      cause: { type: 'InvalidInput', message: expect.stringContaining('代拟稿') },
    });

    const reported = await report(
      day,
      receiptNumber,
      'GDFGW',
      people.fgwHead,
      [4],
      '关于加强我省政务诚信建设的实施意见（代拟稿）',
    );
    expect(reported.report).toMatchObject({
      options: [4],
      draft: '关于加强我省政务诚信建设的实施意见（代拟稿）',
    });
    await accept(day, receiptNumber, 'GDFGW');
    await day.steps.reply(receiptNumber);
    expect(await day.steps.directive(receiptNumber).result()).toMatchObject({ status: 'CLOSED' });
  }));

test('(h) option 4 as the seed writes it: the 代拟稿 follows within 15 days, with its own reminders', () =>
  onSeedDay(async (day) => {
    const { receiptNumber } = await dispatchedOn4January(day, 4);
    const fgw = day.steps.task(receiptNumber, 'GDFGW');
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');

    // 2017-01-10: the 回报单 says implementation opinions will follow (代拟稿待后送出).
    await day.until('2017-01-10T15:00');
    const reported = await fgw.executeUpdate(submitReportUpdate, {
      args: [
        { by: people.fgwHead, options: [4], text: '拟加具贯彻意见，代拟稿待后送出。', draftToFollow: true },
      ],
    });
    expect(reported.report).toMatchObject({ options: [4], draftToFollow: true });
    const early = fgw.executeUpdate(sendDraftUpdate, { args: [{ by: people.fgwHead, draft: '代拟稿' }] });
    await expect(early).rejects.toMatchObject({
      cause: { type: 'NotNow', message: '送交代拟稿：回报单尚待办公厅审核' },
    });
    // Accepted: the 代拟稿 is due five days after the 回报期限 (十至十五天: 2017-01-19). The clerk
    // and the 督办人 both clicking 通过 accept it once: the second is refused while the first opens
    // the draft's deadline, or after it.
    const both = await Promise.allSettled([
      accept(day, receiptNumber, 'GDFGW'),
      accept(day, receiptNumber, 'GDFGW'),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(both.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { cause: { type: 'NotNow' } },
    });
    const owed = await fgw.query(getDepartmentTaskStateQuery);
    expect(owed).toMatchObject({ status: 'DRAFT_PENDING', draftToFollow: { dueDate: '2017-01-19' } });

    // Its own ladder: reminders before 01-19, the 催报单 the day after it.
    await day.until('2017-01-20T12:00');
    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([
      ['draft-remind-3', '2017-01-16T09:00', 'u-fgw-mishu'],
      ['draft-remind-1', '2017-01-18T09:00', 'u-fgw-mishu'],
      ['draft-formal-1', '2017-01-20T09:00', 'u-fgw-head'],
      ['draft-formal-1', '2017-01-20T09:00', 'u-fgw-mishu'],
    ]);
    const db = day.stack.database.db;
    expect(
      await db.departmentTask.findUniqueOrThrow({ where: { workflowId: fgw.workflowId } }),
    ).toMatchObject({
      status: 'DRAFT_PENDING',
      dueDate: '2017-01-14',
      draftToFollow: true,
      draftDueDate: '2017-01-19',
      draftOverdue: true,
    });

    // Sent late, then accepted: the task is done and the directive can close.
    const sent = await fgw.executeUpdate(sendDraftUpdate, {
      args: [{ by: people.fgwHead, draft: '关于加强我省政务诚信建设的实施意见（代拟稿）' }],
    });
    expect(sent.status).toBe('DRAFT_SENT');
    await fgw.executeUpdate(reviewDraftUpdate, {
      args: [{ by: people.clerk, decision: 'ACCEPT', comment: '' }],
    });
    await day.steps.reply(receiptNumber);
    expect(await day.steps.directive(receiptNumber).result()).toMatchObject({ status: 'CLOSED' });

    const row = await db.departmentTask.findUniqueOrThrow({ where: { workflowId: fgw.workflowId } });
    expect(row).toMatchObject({
      status: 'ACCEPTED',
      reportDraft: '关于加强我省政务诚信建设的实施意见（代拟稿）',
    });
    expect(row.draftSentAt?.toISOString()).toMatch(/^2017-01-20T04:/);
    const actions = await db.timelineEntry.findMany({
      where: { receiptNumber, departmentCode: 'GDFGW' },
      orderBy: { seq: 'asc' },
    });
    expect(actions.map((e) => e.action)).toEqual([
      '转办',
      '签收',
      '回报',
      '回报通过',
      '到期提醒（代拟稿）',
      '到期提醒（代拟稿）',
      '代拟稿逾期',
      '催报（代拟稿）',
      '送交代拟稿',
      '代拟稿通过',
    ]);
    expect(actions[3]!.comment).toBe('代拟稿待后送出，限于 2017-01-19 前送交');
    // Nothing more is chased once it is in.
    await day.until('2017-02-10T12:00');
    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toHaveLength(4);
  }));

test('(e) a report returned for revision gets a new deadline, fresh reminders, and closes on resubmission', () =>
  onSeedDay(async (day) => {
    const { receiptNumber } = await dispatchedOn4January(day);
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await day.until('2017-01-12T10:00');
    await report(day, receiptNumber, 'GDFGW', people.fgwHead, [1]);
    const returned = await day.steps.task(receiptNumber, 'GDFGW').executeUpdate(reviewReportUpdate, {
      args: [
        { by: people.clerk, decision: 'RETURN', comment: '请补充各市县翻印情况', newDueDate: '2017-01-20' },
      ],
    });
    expect(returned).toMatchObject({ status: 'RETURNED', dueDate: '2017-01-20', overdue: false });

    await day.until('2017-01-19T12:00');
    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([
      ['remind-3', '2017-01-11T09:00', 'u-fgw-mishu'], // the first round's, before the report
      ['remind-3', '2017-01-17T09:00', 'u-fgw-mishu'], // the revision's own
      ['remind-1', '2017-01-19T09:00', 'u-fgw-mishu'],
    ]);
    await report(day, receiptNumber, 'GDFGW', people.fgwHead, [1, 5]);
    await accept(day, receiptNumber, 'GDFGW');
    await day.steps.reply(receiptNumber);
    expect(await day.steps.directive(receiptNumber).result()).toMatchObject({ status: 'CLOSED' });
    const actions = await day.stack.database.db.timelineEntry.findMany({
      where: { receiptNumber, departmentCode: 'GDFGW' },
      orderBy: { seq: 'asc' },
    });
    expect(actions.map((a) => a.action)).toEqual([
      '转办',
      '签收',
      '到期提醒',
      '回报',
      '退回修改',
      '到期提醒',
      '到期提醒',
      '回报',
      '回报通过',
    ]);
  }));

test('(f) with a lead and a co-department, only the late one is chased', () =>
  onSeedDay(async (day) => {
    const { receiptNumber } = await dispatchedOn4January(day, 1, ['GDCZT']);
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await signFor(day, receiptNumber, 'GDCZT', people.cztHandler, '财收〔2017〕12号');
    await day.until('2017-01-09T10:00');
    await report(day, receiptNumber, 'GDFGW', people.fgwHead, [1]);
    await accept(day, receiptNumber, 'GDFGW');
    await day.until('2017-01-16T10:00');

    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([]);
    expect((await noticesOf(day, receiptNumber, 'GDCZT')).map(([key, , who]) => [key, who])).toEqual([
      ['remind-3', 'u-czt-handler'],
      ['remind-1', 'u-czt-handler'],
      ['formal-1', 'u-czt-handler'],
      ['formal-1', 'u-czt-head'],
    ]);
    expect(await day.steps.directive(receiptNumber).query('getDirectiveState')).toMatchObject({
      status: 'IN_PROGRESS',
      departments: { GDFGW: 'ACCEPTED', GDCZT: 'DISPATCHED' },
    });
    await report(day, receiptNumber, 'GDCZT', people.cztHead, [3]);
    await accept(day, receiptNumber, 'GDCZT');
    await day.steps.reply(receiptNumber);
    expect(await day.steps.directive(receiptNumber).result()).toMatchObject({
      status: 'CLOSED',
      departments: { GDFGW: 'ACCEPTED', GDCZT: 'ACCEPTED' },
    });
  }));

test('(o) 会办意见送主办汇总: 省财政厅 sends its opinion to 省发展改革委, whose one 回报单 closes the file', () =>
  onSeedDay(async (day) => {
    const receiptNumber = await day.steps.throughInstruction(1, {
      coDepartments: ['GDCZT'],
      coOpinionsToLead: true,
      comment: '拟请省发展改革委会同省财政厅研究提出办理意见，省财政厅意见送省发展改革委汇总。',
    });
    await day.until('2017-01-04T09:30');
    await day.steps.dispatch(receiptNumber);
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await signFor(day, receiptNumber, 'GDCZT', people.cztHandler, '财收〔2017〕12号');

    // The 主办's 回报单 waits for the 会办意见.
    await day.until('2017-01-09T10:00');
    const early = report(day, receiptNumber, 'GDFGW', people.fgwHead, [1]);
    await expect(early).rejects.toMatchObject({
      cause: { type: 'NotNow', message: '回报：尚待 GDCZT 的会办意见，汇总后一并回报' },
    });

    // 省财政厅's 回报 is its opinion: it goes to the 主办, not to the office, and its task is done.
    // Even with 4 ticked it sends no 代拟稿 (the 主办's to send), and no files.
    const withFile = day.steps.task(receiptNumber, 'GDCZT').executeUpdate(submitReportUpdate, {
      args: [
        {
          by: people.cztHead,
          options: [4],
          text: '需加具贯彻意见',
          attachments: [
            { id: 'a1', fileName: '意见.pdf', sha256: '0'.repeat(64), mediaType: 'application/pdf', size: 1 },
          ],
        },
      ],
    });
    await expect(withFile).rejects.toMatchObject({ cause: { type: 'InvalidInput' } });
    const czt = await day.steps.task(receiptNumber, 'GDCZT').executeUpdate(submitReportUpdate, {
      args: [{ by: people.cztHead, options: [4], text: '同意翻印，经费从省级诚信建设专项列支。' }],
    });
    expect(czt.status).toBe('SENT_TO_LEAD');
    const fgw = day.steps.task(receiptNumber, 'GDFGW');
    const withOpinion = await fgw.query(getDepartmentTaskStateQuery);
    expect(withOpinion.coOpinions).toEqual([
      expect.objectContaining({ departmentCode: 'GDCZT', text: '同意翻印，经费从省级诚信建设专项列支。' }),
    ]);
    const db = day.stack.database.db;
    const told = await db.notice.findMany({ where: { receiptNumber, title: { startsWith: '会办意见' } } });
    expect(told.map((n) => n.recipientId)).toEqual(['u-fgw-head']);

    await report(day, receiptNumber, 'GDFGW', people.fgwHead, [1]);
    await accept(day, receiptNumber, 'GDFGW');
    await day.steps.reply(receiptNumber);
    expect(await day.steps.directive(receiptNumber).result()).toMatchObject({
      status: 'CLOSED',
      departments: { GDFGW: 'ACCEPTED', GDCZT: 'SENT_TO_LEAD' },
    });
    // Neither is chased after its part: the 会办 once its opinion is sent, the 主办 once accepted.
    await day.until('2017-01-20T10:00');
    expect(await noticesOf(day, receiptNumber, 'GDCZT')).toEqual([]);
    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([]);

    const lead = await db.departmentTask.findUniqueOrThrow({ where: { workflowId: fgw.workflowId } });
    expect(JSON.parse(lead.coOpinions!)).toEqual([
      expect.objectContaining({ departmentCode: 'GDCZT', signedById: 'u-czt-head' }),
    ]);
    const timeline = await db.timelineEntry.findMany({ where: { receiptNumber }, orderBy: { at: 'asc' } });
    expect(timeline.find((e) => e.action === '会办意见送主办')?.comment).toBe('送 省发展改革委 汇总');
    expect(timeline.find((e) => e.action === '收到会办意见')?.comment).toBe(
      '省财政厅：同意翻印，经费从省级诚信建设专项列支。',
    );
  }));

test('(v) the projection, notices and deadlines are written inside the workflow tasks (local activities), one task per step', () =>
  onSeedDay(async (day) => {
    const receiptNumber = await closedAfterAReminder(day);

    // What people read is all there: the reminder, the task's row, the directive's timeline.
    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([
      ['remind-3', '2017-01-11T09:00', 'u-fgw-mishu'],
    ]);
    const db = day.stack.database.db;
    expect(await db.departmentTask.findFirstOrThrow({ where: { receiptNumber } })).toMatchObject({
      status: 'ACCEPTED',
      reportSignedById: 'u-fgw-head',
    });
    expect(await db.timelineEntry.count({ where: { receiptNumber } })).toBe(15); // (a)'s 14 and 提醒

    // And it was written by local activities: markers in the histories, no activity task at all.
    for (const handle of [day.steps.directive(receiptNumber), day.steps.task(receiptNumber, 'GDFGW')]) {
      const events = (await handle.fetchHistory()).events ?? [];
      const has = (type: string) => events.filter((e) => e[type as keyof typeof e]).length;
      expect(has('activityTaskScheduledEventAttributes')).toBe(0);
      expect(has('markerRecordedEventAttributes')).toBeGreaterThan(3);
    }
  }));

/** The seed's route for 省发展改革委 alone, through its first reminder, to 答复. */
async function closedAfterAReminder(day: SeedDay): Promise<string> {
  const { receiptNumber } = await dispatchedOn4January(day);
  await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
  await day.until('2017-01-12T10:00'); // past the first reminder (01-11 09:00)
  await report(day, receiptNumber, 'GDFGW', people.fgwHead, [1]);
  await accept(day, receiptNumber, 'GDFGW');
  await day.steps.reply(receiptNumber);
  expect(await day.steps.directive(receiptNumber).result()).toMatchObject({ status: 'CLOSED' });
  return receiptNumber;
}

test('(x) a directive started under this release records one patch marker, the release’s, for all its patches; a reminder is one local activity', () =>
  onSeedDay(async (day) => {
    const receiptNumber = await closedAfterAReminder(day);
    // One marker (workflows/patches.ts), so one upsert of TemporalChangeVersion, not one of each
    // per patch the run takes. The recorded histories of this release (test/history_files/x.*) and
    // of release-2026-12 before it (w.*, the notice of a reminder apart) replay in replay.test.ts.
    for (const handle of [day.steps.directive(receiptNumber), day.steps.task(receiptNumber, 'GDFGW')]) {
      const events = (await handle.fetchHistory()).events ?? [];
      const patchIds = events
        .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
        .map((e) => {
          const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
          return (JSON.parse(Buffer.from(data!).toString()) as { id: string }).id;
        });
      expect(patchIds).toEqual([CURRENT_RELEASE]);
      expect(events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toHaveLength(1);
    }
    // Whose turn each step made it is told by the local activity that records the step, and the
    // reminder (到期提醒) by the one that records its entry: no deliverNotice of its own, and every
    // notice in the inbox.
    const localActivities = async (handle: {
      fetchHistory(): Promise<{ events?: temporal.api.history.v1.IHistoryEvent[] | null }>;
    }) => ((await handle.fetchHistory()).events ?? []).flatMap((e) => localActivityMarker(e)?.type ?? []);
    expect(await localActivities(day.steps.directive(receiptNumber))).not.toContain('deliverNotice');
    expect(await localActivities(day.steps.task(receiptNumber, 'GDFGW'))).not.toContain('deliverNotice');
    expect(await noticesOf(day, receiptNumber, 'GDFGW')).toEqual([
      ['remind-3', '2017-01-11T09:00', 'u-fgw-mishu'],
    ]);
    // Its entry names whom the notice reached, by name (the activity fills in the comment).
    const reminder = await day.stack.database.db.timelineEntry.findFirst({
      where: { receiptNumber, departmentCode: 'GDFGW', action: '到期提醒' },
    });
    // Written at 08:50 for 09:00 (预备提醒: test (y)).
    expect(reminder?.comment).toBe(
      `remind-3（定于 2017-01-11 09:00 送达） → ${people.fgwHandler.displayName}`,
    );
    const turns = await day.stack.database.db.notice.findMany({
      where: { receiptNumber, kind: 'TURN' },
      orderBy: { at: 'asc' },
    });
    expect(turns.map((t) => t.title.split('：')[0])).toEqual([
      '待审核',
      '待审核',
      '待批示',
      '待转办',
      '待审核回报',
    ]);
  }));

test('(y) a reminder is written at 08:50 for 09:00 (预备提醒); a 回报 before 09:00 withdraws it, and so does 撤办', () =>
  onSeedDay(async (day) => {
    const { receiptNumber } = await dispatchedOn4January(day, 1, ['GDCZT']);
    await signFor(day, receiptNumber, 'GDFGW', people.fgwHandler, '319号');
    await signFor(day, receiptNumber, 'GDCZT', people.cztHandler, '财办收〔2017〕5号');
    await day.until('2017-01-11T08:55');
    expect(await noticesOf(day, receiptNumber, 'GDCZT')).toEqual([
      ['remind-3', '2017-01-11T09:00', 'u-czt-handler'],
    ]);
    // 省财政厅 reports at 08:55: the answer comes once its reminder is withdrawn.
    const reported = await report(day, receiptNumber, 'GDCZT', people.cztHead, [3]);
    expect(reported).toMatchObject({ status: 'REPORTED', firedNotices: [] });
    expect(await noticesOf(day, receiptNumber, 'GDCZT')).toEqual([]);

    // 2017-01-13 08:55: 省发展改革委's D-1 reminder is written; the directive is withdrawn (撤办).
    await day.until('2017-01-13T08:55');
    expect((await noticesOf(day, receiptNumber, 'GDFGW')).map(([rule, at]) => [rule, at])).toEqual([
      ['remind-3', '2017-01-11T09:00'],
      ['remind-1', '2017-01-13T09:00'],
    ]);
    await day.steps
      .directive(receiptNumber)
      .executeUpdate(withdrawUpdate, { args: [{ by: people.clerk, reason: '来文单位通知另行部署' }] });
    await expect(day.steps.task(receiptNumber, 'GDFGW').result()).rejects.toThrow(WorkflowFailedError);
    expect((await noticesOf(day, receiptNumber, 'GDFGW')).map(([rule]) => rule)).toEqual(['remind-3']);

    const entries = await day.stack.database.db.timelineEntry.findMany({
      where: {
        receiptNumber,
        departmentCode: { not: null },
        action: { in: ['到期提醒', '撤回预备提醒', '回报', '撤办'] },
      },
      orderBy: [{ departmentCode: 'asc' }, { seq: 'asc' }],
    });
    expect(
      entries.map((e) => [e.departmentCode, e.action, e.comment?.replace(/ → .*$/, '') ?? null]),
    ).toEqual([
      ['GDCZT', '到期提醒', 'remind-3（定于 2017-01-11 09:00 送达）'],
      ['GDCZT', '回报', null],
      ['GDCZT', '撤回预备提醒', 'remind-3（定于 2017-01-11 09:00）：未到送达时间，已无需催报'],
      ['GDCZT', '撤办', '来文已撤办，本任务终止'],
      ['GDFGW', '到期提醒', 'remind-3（定于 2017-01-11 09:00 送达）'],
      ['GDFGW', '到期提醒', 'remind-1（定于 2017-01-13 09:00 送达）'],
      ['GDFGW', '撤办', '来文已撤办，本任务终止'],
    ]);
    // Each entry is written when its step was taken: the reminders at 08:50.
    expect(
      entries.filter((e) => e.action === '到期提醒').map((e) => e.at.toISOString().slice(0, 16)),
    ).toEqual(['2017-01-11T00:50', '2017-01-11T00:50', '2017-01-13T00:50']);
  }));
