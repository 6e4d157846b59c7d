/**
 * One department's part of a directive after 转办: it signs for receipt (签收), fills in and
 * submits the report-back form (回报单), and the office accepts it or returns it for revision.
 * Until a report is in, the policy's reminders (提醒), formal reminder (催报单) and escalation
 * ladder (升级督办) go out, each once, on the dates the deadline clock gives.
 */
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { activities, turnNoticeWithRecord } from './activities';
import { breachRung, isBreachRung, openBreachRecordForTask } from './breach-opening';
import {
  DeadlineLadder,
  type LadderRung,
  type PreparedNotice,
  type WithdrawalReason,
} from './deadline-ladder';
import { patched, startUnderRelease } from './patches';
import {
  coOpinionSignal,
  departmentTaskWorkflowId,
  getDepartmentTaskStateQuery,
  decideExtensionUpdate,
  reassignHandlerUpdate,
  requestExtensionUpdate,
  reviewDraftUpdate,
  sendDraftUpdate,
  urgeUpdate,
  reviewReportUpdate,
  signForUpdate,
  submitReportUpdate,
} from './definitions';
import { chinaDate, isCalendarDate } from './incoming-document';
import { NOTICES_PREPARED_AHEAD_MS, type HandlingOptionCode, type NoticeRule } from './policy';
import type { NoticeToDeliver } from '../activities/notices';
import type { RecordDepartmentTaskInput } from '../activities/projection';
import {
  actor,
  invalid,
  isKeyOf,
  optionalText,
  refuse,
  reminderComment,
  requireText,
  stepEntry,
  WITHDRAWN_REMINDERS,
  withdrawalComment,
} from './rules';
import { TASK_STEPS, checkStep } from './steps';
import * as say from './wording';
import type {
  ActingUser,
  Actor,
  DepartmentTaskInput,
  DepartmentTaskResult,
  DepartmentTaskState,
  DepartmentTaskStatus,
  DecideExtensionRequest,
  DraftToFollow,
  ReassignHandlerRequest,
  RequestExtensionRequest,
  UrgeRequest,
  ReviewReportRequest,
  SendDraftRequest,
  SignForRequest,
  SubmitReportRequest,
} from './types';

/** Reminders run while the department owes a report. */
const AWAITING_REPORT: readonly DepartmentTaskStatus[] = ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'];

/** The report is done with (accepted, or sent to the 主办), or only a 代拟稿 it promised is to come. */
const REPORT_DONE: readonly DepartmentTaskStatus[] = [
  'ACCEPTED',
  'SENT_TO_LEAD',
  'DRAFT_PENDING',
  'DRAFT_SENT',
];

const NOTICE_ACTION: Record<NoticeRule['kind'], string> = {
  REMINDER: '到期提醒',
  FORMAL_REMINDER: '催报',
  ESCALATION: '升级督办',
};

/** Why a prepared notice is withdrawn before its instant, as the task's timeline says it. */
const WITHDRAWN_BECAUSE: Record<WithdrawalReason, string> = {
  NOT_OWED: '未到送达时间，已无需催报',
  MOVED: '未到送达时间，回报期限已变更，按新期限提醒',
  READDRESSED: '未到送达时间，承办人已改派，改发新承办人',
};

export async function departmentTaskWorkflow(input: DepartmentTaskInput): Promise<DepartmentTaskResult> {
  startUnderRelease();
  const { policy, departmentCode } = input;
  const rules = policy.notices[input.document.urgency];
  const option = policy.handlingOptions[input.handlingOption];
  const state: DepartmentTaskState = {
    receiptNumber: input.receiptNumber,
    departmentCode,
    status: 'DISPATCHED',
    overdue: false,
    firedNotices: [],
  };
  setHandler(getDepartmentTaskStateQuery, () => state);
  // Asked at the start, where a history recorded before it answers false.
  const preparesAhead = patched('notices-prepared-ahead');

  let timelineSeq = 0;
  // 政务失信记录 once the task is too long overdue: one more rung (directives registered under a
  // policy without breachOpening, and tasks started before it, have none).
  const breachAt =
    policy.breachOpening && patched('breach-opening') && breachRung(policy.breachOpening, rules);
  // 催报: the policy's reminders, 催报单 and escalations on this task's 回报 deadline.
  const ladder = new DeadlineLadder({
    rungs: breachAt ? [...rules, breachAt] : rules,
    counting: policy.dayCounting,
    noticeHour: policy.noticeHour,
    noticeMinute: policy.noticeMinute,
    state,
  });
  const opened = () => ladder.opened;
  let signedFor: { at: string; by: Actor } | undefined;
  let acceptedAt: string | undefined;
  // 代拟稿待后送出: a second deadline, opened when the 回报单 that promised the draft is accepted.
  let draftLadder: DeadlineLadder<NoticeRule> | undefined;
  // While that acceptance computes the draft's deadline the task still reads REPORTED: a second
  // 审核回报 meanwhile is refused, not taken twice.
  let acceptingWithDraft = false;

  /**
   * Records a step; with `turnNotice`, tells whose turn it now is in the same local activity
   * (directive.ts `record`). Histories from before that deliver it in an activity of its own.
   */
  async function record(
    action: string,
    by: Actor | ActingUser | undefined,
    from: DepartmentTaskStatus | undefined,
    comment?: string,
    turnNotice?: (seq: number) => NoticeToDeliver,
  ) {
    const together = () => turnNotice !== undefined && turnNoticeWithRecord();
    await write(action, by, from, comment, (seq) => (together() ? { turnNotice: turnNotice!(seq) } : {}));
    if (turnNotice && !together() && patched('turn-notices'))
      await activities.deliverNotice(turnNotice(timelineSeq));
    if (preparesAhead) await withdrawStaleReminders();
  }

  /**
   * 催报 (a rung of the deadline ladder): its notice and the entry naming whom it reached, in one
   * local activity. Histories from before 'reminder-with-record' deliver the notice first, alone.
   */
  async function remind(action: string, rung: string, notice: NoticeToDeliver) {
    const reminded = () =>
      write(action, undefined, state.status, undefined, () => ({ reminder: { notice, rung } }));
    // Prepared ahead: written to the end even if 撤办 comes meanwhile, which then withdraws it.
    if (notice.scheduled) return CancellationScope.nonCancellable(reminded);
    if (patched('reminder-with-record')) return reminded();
    const { recipientIds } = await activities.deliverNotice(notice);
    await record(action, undefined, state.status, reminderComment(rung, recipientIds));
  }

  /** The task's row and its next timeline entry (`seq`), with what rides on the same activity. */
  async function write(
    action: string,
    by: Actor | ActingUser | undefined,
    from: DepartmentTaskStatus | undefined,
    comment: string | undefined,
    along: (seq: number) => Pick<RecordDepartmentTaskInput, 'turnNotice' | 'reminder' | 'withdrawnNotices'>,
  ) {
    if (!opened()) await condition(opened);
    const seq = ++timelineSeq;
    await activities.recordDepartmentTask({
      workflowId: workflowInfo().workflowId,
      receiptNumber: input.receiptNumber,
      departmentCode,
      role: input.role,
      status: state.status,
      handlingOption: input.handlingOption,
      dueDate: state.dueDate!,
      overdue: state.overdue,
      deptReceiptNumber: state.deptReceiptNumber,
      signedForAt: signedFor?.at,
      signedForById: signedFor?.by.userId,
      reportOptions: state.report?.options,
      reportText: state.report?.text,
      reportDraft: state.report?.draft ?? state.draftToFollow?.sent?.draft,
      reportAttachmentIds: [
        ...(state.report?.attachments ?? []),
        ...(state.draftToFollow?.sent?.attachments ?? []),
      ].map((a) => a.id),
      draftToFollow: state.report?.draftToFollow,
      draftDueDate: state.draftToFollow?.dueDate,
      draftOverdue: state.draftToFollow?.overdue,
      draftSentAt: state.draftToFollow?.sent?.at,
      draftSentById: state.draftToFollow?.sent?.signedBy.userId,
      coOpinions: state.coOpinions?.map(({ signedBy, ...o }) => ({
        ...o,
        signedById: signedBy.userId,
        signedByName: signedBy.displayName,
      })),
      opinionTo: input.opinionTo,
      reportSignedById: state.report?.signedBy.userId,
      reportedAt: state.report?.at,
      acceptedAt,
      handlerId: state.handler?.userId,
      extensionRequest: state.extensionRequest && {
        newDueDate: state.extensionRequest.newDueDate,
        reason: state.extensionRequest.reason,
      },
      entry: stepEntry(seq, by, action, from, state.status, comment),
      ...along(seq),
    });
  }

  /**
   * 撤回预备提醒: a reminder prepared for a later instant that this step made stale (a 回报, a 延期,
   * a new 承办人) is withdrawn before the step is answered, once it is written if it is being.
   */
  async function withdrawStaleReminders() {
    for (const l of [ladder, draftLadder]) {
      await l?.withdrawStale();
      await l?.settled();
    }
  }

  /**
   * The office's turn (the clerk who registered it, the 督办人) after a step of the department's:
   * the notice, keyed by the entry that step recorded (`seq`).
   */
  const officeTurn =
    (step: '审核回报' | '审核代拟稿', done: string) =>
    (seq: number): NoticeToDeliver => ({
      noticeKey: `${workflowInfo().workflowId}:turn:${seq}`,
      kind: 'TURN',
      receiptNumber: input.receiptNumber,
      departmentCode,
      recipients: ['REGISTRAR', 'URGER'],
      instructingLeaders: [],
      title: `待${step}：${input.document.title}`,
      body: `${input.document.docNumber}（收文编号 ${input.receiptNumber}）${departmentCode} ${done}，待审核`,
      at: new Date().toISOString(),
    });

  // Handlers are set before the first await, so an update arriving early is never refused for want
  // of one; record() holds such a step's entry until the task is opened (its schedule known).

  const inDepartment = (by: ActingUser, step: string) => {
    if (by.departmentCode !== departmentCode)
      refuse('NotYours', `${step}：此任务属于单位 ${departmentCode}，只能由本单位办理`);
  };

  setHandler(
    signForUpdate,
    async ({ by, deptReceiptNumber }) => {
      const from = state.status;
      state.status = 'SIGNED_FOR';
      state.deptReceiptNumber = deptReceiptNumber.trim();
      signedFor = { at: new Date().toISOString(), by: actor(by) };
      ladder.changed();
      await record('签收', by, from, `本单位收文编号 ${state.deptReceiptNumber}`);
      return state;
    },
    {
      validator: ({ by, deptReceiptNumber }: SignForRequest) => {
        inDepartment(by, '签收');
        checkStep(TASK_STEPS.signFor, by, state.status);
        const problems = requireText(deptReceiptNumber, 'deptReceiptNumber', '本单位收文编号', 30);
        if (problems.length) invalid(problems);
      },
    },
  );

  setHandler(
    submitReportUpdate,
    async ({ by, options, text, draft, attachments, draftToFollow }) => {
      const from = state.status;
      state.status = 'REPORTED';
      // A 延期 asked for and not decided lapses with the report.
      state.extensionRequest = undefined;
      state.report = {
        options: [...options].sort(),
        text: text.trim(),
        draft: draft?.trim() || undefined,
        ...(attachments?.length ? { attachments } : {}),
        ...(draftToFollow ? { draftToFollow } : {}),
        signedBy: actor(by),
        at: new Date().toISOString(),
      };
      if (input.opinionTo) return sendOpinionToLead(from);
      ladder.changed();
      const notes = [state.overdue && '逾期回报', draftToFollow && '代拟稿待后送出'].filter(Boolean);
      // The 回报单 has arrived: the office's turn to 审核回报 (the clerk who registered it, the 督办人).
      await record('回报', by, from, notes.join('；') || undefined, officeTurn('审核回报', '已回报'));
      return state;
    },
    {
      validator: ({ by, options, text, draft, attachments, draftToFollow }: SubmitReportRequest) => {
        inDepartment(by, '回报');
        // The 回报单 is stamped by the department (回报单位盖章): only its head signs it.
        checkStep(TASK_STEPS.report, by, state.status);
        // 会办意见送主办汇总: the 主办's one 回报单 comes once every 会办 has given its opinion.
        const awaited = (input.opinionsFrom ?? []).filter(
          (code) => !state.coOpinions?.some((o) => o.departmentCode === code),
        );
        if (awaited.length) refuse('NotNow', `回报：尚待 ${awaited.join('、')} 的会办意见，汇总后一并回报`);
        const problems = [
          ...requireText(text, 'text', '办理情况', 5000),
          ...optionalText(draft, 'draft', '代拟稿', 50_000),
        ];
        const valid =
          Array.isArray(options) &&
          options.length > 0 &&
          options.every((o) => isKeyOf(policy.handlingOptions, o, 'integer'));
        if (!valid || new Set(options).size !== options.length) {
          problems.push({ field: 'options', reason: '办理提示须勾选 1–5 中的一项或多项，不得重复' });
        } else if (draftToFollow !== undefined && typeof draftToFollow !== 'boolean') {
          problems.push({ field: 'draftToFollow', reason: '代拟稿待后送出须为 true 或 false' });
        } else if (input.opinionTo) {
          // 会办意见送主办汇总: the opinion is text for the 主办's 回报单; any 代拟稿 is the 主办's to send.
          if (draftToFollow)
            problems.push({ field: 'draftToFollow', reason: '会办意见送主办汇总，代拟稿由主办单位送交' });
          if (attachments?.length)
            problems.push({
              field: 'attachments',
              reason: '会办意见送主办汇总：意见请写在办理情况中，附件请直接送主办单位',
            });
        } else if (draftToFollow) {
          // 代拟稿待后送出: only under an option (and a policy) that gives the draft its own days.
          if (draftDaysAfterReport(options) === undefined)
            problems.push({
              field: 'draftToFollow',
              reason: '代拟稿待后送出须勾选可后送代拟稿的办理提示（如 4）',
            });
          if (draft?.trim()) problems.push({ field: 'draft', reason: '代拟稿待后送出时，本次不附代拟稿' });
        } else if (options.some((o: HandlingOptionCode) => policy.handlingOptions[o].needsDraft)) {
          // The 代拟稿 comes as text or as an attached file.
          if (!attachments?.length)
            problems.push(
              ...requireText(draft, 'draft', '代拟稿（办理提示 4 须附，或选择待后送出）', 50_000),
            );
        }
        if (attachments !== undefined && (!Array.isArray(attachments) || attachments.length > 20))
          problems.push({ field: 'attachments', reason: '附件须为已上传的文件，最多 20 个' });
        if (problems.length) invalid(problems);
      },
    },
  );

  setHandler(
    reviewReportUpdate,
    async ({ by, decision, comment, newDueDate }) => {
      const from = state.status;
      if (decision === 'ACCEPT' && state.report?.draftToFollow) {
        // The 回报单 is accepted; the 代拟稿 it promised now runs on its own deadline.
        acceptingWithDraft = true;
        const draft = await openDraftDeadline();
        acceptingWithDraft = false;
        state.status = 'DRAFT_PENDING';
        ladder.changed();
        const note = `代拟稿待后送出，限于 ${draft.dueDate} 前送交`;
        await record('回报通过', by, from, comment ? `${comment}；${note}` : note);
      } else if (decision === 'ACCEPT') {
        state.status = 'ACCEPTED';
        acceptedAt = new Date().toISOString();
        ladder.changed();
        await record('回报通过', by, from, comment || undefined);
      } else {
        state.status = 'RETURNED';
        await ladder.move(newDueDate!, { newRound: true });
        await record('退回修改', by, from, `${comment}；限于 ${ladder.schedule.dueDate} 前重新回报`);
      }
      return state;
    },
    {
      validator: (request: ReviewReportRequest) => {
        checkStep(TASK_STEPS.reviewReport, request.by, state.status);
        if (acceptingWithDraft) refuse('NotNow', '审核回报：此回报单已通过，正在计算代拟稿期限');
        checkReview(request, '审核回报', '回报');
      },
    },
  );

  // 送交代拟稿: the draft the accepted 回报单 promised, signed by the head like the 回报单.
  setHandler(
    sendDraftUpdate,
    async ({ by, draft, attachments }) => {
      const from = state.status;
      state.status = 'DRAFT_SENT';
      const owed = state.draftToFollow!;
      owed.sent = {
        draft: draft?.trim() || undefined,
        ...(attachments?.length ? { attachments } : {}),
        signedBy: actor(by),
        at: new Date().toISOString(),
      };
      draftLadder!.changed();
      await record('送交代拟稿', by, from, owed.overdue ? '逾期送交' : undefined);
      await activities.deliverNotice(officeTurn('审核代拟稿', '已送交代拟稿')(timelineSeq));
      return state;
    },
    {
      validator: ({ by, draft, attachments }: SendDraftRequest) => {
        inDepartment(by, '送交代拟稿');
        checkStep(TASK_STEPS.sendDraft, by, state.status);
        const problems = attachments?.length
          ? optionalText(draft, 'draft', '代拟稿', 50_000)
          : requireText(draft, 'draft', '代拟稿（文字或附件）', 50_000);
        if (attachments !== undefined && (!Array.isArray(attachments) || attachments.length > 20))
          problems.push({ field: 'attachments', reason: '附件须为已上传的文件，最多 20 个' });
        if (problems.length) invalid(problems);
      },
    },
  );

  // 审核代拟稿: accepted, the task is done; returned, the draft is owed again by a new date.
  setHandler(
    reviewDraftUpdate,
    async ({ by, decision, comment, newDueDate }) => {
      const from = state.status;
      if (decision === 'ACCEPT') {
        state.status = 'ACCEPTED';
        acceptedAt = new Date().toISOString();
        draftLadder!.changed();
        await record('代拟稿通过', by, from, comment || undefined);
      } else {
        state.status = 'DRAFT_PENDING';
        state.draftToFollow!.sent = undefined;
        await draftLadder!.move(newDueDate!, { newRound: true });
        await record(
          '代拟稿退回修改',
          by,
          from,
          `${comment}；限于 ${draftLadder!.schedule.dueDate} 前重新送交`,
        );
      }
      return state;
    },
    {
      validator: (request: ReviewReportRequest) => {
        checkStep(TASK_STEPS.reviewDraft, request.by, state.status);
        checkReview(request, '审核代拟稿', '代拟稿');
      },
    },
  );

  // 延期: the department asks for more time with a reason; the office approves (a new deadline) or not.
  setHandler(
    requestExtensionUpdate,
    async ({ by, newDueDate, reason }) => {
      state.extensionRequest = { by: { userId: by.userId, displayName: by.displayName }, newDueDate, reason };
      await record('申请延期', by, state.status, `申请延至 ${newDueDate}：${reason}`);
      return state;
    },
    {
      validator: ({ by, newDueDate, reason }: RequestExtensionRequest) => {
        inDepartment(by, '申请延期');
        checkStep(TASK_STEPS.requestExtension, by, state.status);
        if (!opened()) refuse('NotNow', '申请延期：任务正在建立，请稍后再试');
        if (state.extensionRequest) refuse('NotNow', '申请延期：已有一项申请待办公厅审批');
        const problems = requireText(reason, 'reason', '延期理由');
        if (typeof newDueDate !== 'string' || !isCalendarDate(newDueDate) || newDueDate <= state.dueDate!) {
          problems.push({
            field: 'newDueDate',
            reason: `延至日期须为晚于回报期限 ${state.dueDate} 的日期（YYYY-MM-DD）`,
          });
        }
        if (problems.length) invalid(problems);
      },
    },
  );

  setHandler(
    decideExtensionUpdate,
    async ({ by, approve, newDueDate, comment }) => {
      const request = state.extensionRequest!;
      state.extensionRequest = undefined;
      if (!approve) {
        await record('延期不批准', by, state.status, comment);
        return state;
      }
      await ladder.move(newDueDate ?? request.newDueDate, { newRound: false });
      await record(
        '延期批准',
        by,
        state.status,
        `回报期限延至 ${ladder.schedule.dueDate}${comment ? `。${comment}` : ''}`,
      );
      return state;
    },
    {
      validator: ({ by, approve, newDueDate, comment }: DecideExtensionRequest) => {
        checkStep(TASK_STEPS.decideExtension, by, state.status);
        if (!state.extensionRequest) refuse('NotNow', '审批延期：没有待审批的延期申请');
        if (state.extensionRequest.newDueDate <= state.dueDate! && newDueDate === undefined)
          refuse('NotNow', `审批延期：申请延至的日期不晚于回报期限 ${state.dueDate}`);
        if (typeof approve !== 'boolean')
          invalid([{ field: 'approve', reason: '是否批准须为 true 或 false' }]);
        const problems = approve
          ? optionalText(comment, 'comment', '意见')
          : requireText(comment, 'comment', '不批准理由');
        if (problems.length) invalid(problems);
        if (newDueDate !== undefined && (!isCalendarDate(newDueDate) || newDueDate <= state.dueDate!)) {
          invalid([
            {
              field: 'newDueDate',
              reason: `批准延至日期须为晚于回报期限 ${state.dueDate} 的日期（YYYY-MM-DD）`,
            },
          ]);
        }
      },
    },
  );

  // 催办 by hand: the directive's 督办人 or the office chases the department at any time, recorded.
  let urgings = 0;
  setHandler(
    urgeUpdate,
    async ({ by, text }) => {
      const n = ++urgings;
      const { recipientIds } = await activities.deliverNotice({
        noticeKey: `${workflowInfo().workflowId}:urge:${n}`,
        kind: 'MANUAL_URGE',
        receiptNumber: input.receiptNumber,
        departmentCode,
        recipients: ['DEPT_HANDLER', 'DEPT_HEAD'],
        handler: state.handler,
        instructingLeaders: input.instructingLeaders,
        title: `催办：${input.document.title}`,
        body: `${input.document.docNumber}，${owedDeadline()}。${text.trim()}`,
        at: new Date().toISOString(),
      });
      await record('催办', by, state.status, `${text.trim()} → ${recipientIds.join(', ') || '（无接收人）'}`);
      return state;
    },
    {
      validator: ({ by, text }: UrgeRequest) => {
        checkStep(TASK_STEPS.urge, by, state.status);
        const problems = requireText(text, 'text', '催办内容');
        if (problems.length) invalid(problems);
      },
    },
  );

  // The office names (or changes) the department's 承办人; reminders go to that person from then on.
  setHandler(
    reassignHandlerUpdate,
    async ({ by, handler, reason }) => {
      const previous = state.handler?.displayName ?? '（未指定）';
      state.handler = actor(handler);
      // A reminder prepared for the former 承办人 is written again for the new one.
      ladder.readdress();
      draftLadder?.readdress();
      await activities.deliverNotice({
        noticeKey: `${workflowInfo().workflowId}:handler:${timelineSeq + 1}`,
        kind: 'REASSIGNED',
        receiptNumber: input.receiptNumber,
        departmentCode,
        recipients: [],
        named: [state.handler],
        instructingLeaders: [],
        title: `交办：${input.document.title}`,
        body: `${input.document.docNumber} 由你承办，回报期限 ${state.dueDate}`,
        at: new Date().toISOString(),
      });
      await record('改派承办人', by, state.status, `${previous} → ${handler.displayName}：${reason.trim()}`);
      return state;
    },
    {
      validator: ({ by, handler, reason }: ReassignHandlerRequest) => {
        checkStep(TASK_STEPS.reassignHandler, by, state.status);
        if (!opened()) refuse('NotNow', '改派承办人：任务正在建立，请稍后再试');
        if (!handler?.userId) invalid([{ field: 'handler', reason: say.required('新承办人') }]);
        if (state.handler?.userId === handler.userId)
          refuse('NotNow', `${handler.displayName}已是此任务的承办人`);
        const problems = requireText(reason, 'reason', '改派理由');
        if (problems.length) invalid(problems);
      },
    },
  );

  // 会办意见送主办汇总: on the 主办's task, each 会办's opinion as it arrives (a later one replaces it).
  setHandler(coOpinionSignal, async (opinion) => {
    if (!input.opinionsFrom?.includes(opinion.departmentCode)) return;
    state.coOpinions = [
      ...(state.coOpinions ?? []).filter((o) => o.departmentCode !== opinion.departmentCode),
      opinion,
    ];
    ladder.changed();
    await record(
      '收到会办意见',
      opinion.signedBy,
      state.status,
      `${opinion.departmentCode}：${opinion.text}`,
    );
  });

  // 转办: the clock starts on the dispatch date; the holiday calendar is read once, in an activity.
  // Or on the date the 拟办 or the 批示 set for this department.
  const schedule = await ladder.open(
    input.dueDate
      ? { dueDate: input.dueDate }
      : { startDate: input.dispatchDate, withinDays: option.reportWithinDays },
  );
  const warnings = schedule.calendarWarnings.length ? `; ${schedule.calendarWarnings.join('; ')}` : '';
  await record(
    '转办',
    undefined,
    undefined,
    `${input.role === 'LEAD' ? '主办' : '会办'}，限于 ${schedule.dueDate} 前回报${warnings}`,
  );

  try {
    await chase();
    // 代拟稿待后送出: the report is in and accepted; the draft it promised is chased on its own.
    if (draftLadder) await chaseDraft(draftLadder);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // 撤办: the directive was withdrawn; say so in the task's own timeline, then end as cancelled.
    // Reminders prepared for a later instant go with it.
    const from = state.status;
    state.status = 'WITHDRAWN';
    const prepared = [
      ...noticeKeys(ladder.takePrepared(), ''),
      ...noticeKeys(draftLadder?.takePrepared() ?? [], 'draft-'),
    ];
    await CancellationScope.nonCancellable(() =>
      write('撤办', undefined, from, '来文已撤办，本任务终止', () => withdrawal(prepared)),
    );
    throw err;
  }
  await condition(allHandlersFinished);
  return {
    departmentCode,
    acceptedAt: acceptedAt!,
    ...(state.status === 'SENT_TO_LEAD' ? { status: state.status } : {}),
  };

  /**
   * 会办意见送主办汇总: a 会办's 回报 is its opinion, sent to the 主办's task for the one 回报单 the 主办
   * sends; the office reviews that one, so this task is done. The 主办's head is told.
   */
  async function sendOpinionToLead(from: DepartmentTaskStatus) {
    const report = state.report!;
    state.status = 'SENT_TO_LEAD';
    acceptedAt = report.at;
    ladder.changed();
    await record(
      '会办意见送主办',
      report.signedBy,
      from,
      `送 ${input.opinionTo} 汇总${state.overdue ? '（逾期）' : ''}`,
    );
    const lead = departmentTaskWorkflowId(input.receiptNumber, input.opinionTo!);
    await getExternalWorkflowHandle(lead).signal(coOpinionSignal, {
      departmentCode,
      text: report.text,
      signedBy: report.signedBy,
      at: report.at,
    });
    await activities.deliverNotice({
      noticeKey: `${workflowInfo().workflowId}:opinion`,
      kind: 'TURN',
      receiptNumber: input.receiptNumber,
      departmentCode: input.opinionTo!,
      recipients: ['DEPT_HEAD'],
      instructingLeaders: [],
      title: `会办意见：${input.document.title}`,
      body: `${input.document.docNumber}（收文编号 ${input.receiptNumber}）${departmentCode} 的会办意见已送达，请汇总回报`,
      at: new Date().toISOString(),
    });
    return state;
  }

  /** 审核回报 and 审核代拟稿: accept (with an optional comment) or return with a reason and a new date. */
  function checkReview({ decision, comment, newDueDate }: ReviewReportRequest, step: string, what: string) {
    if (decision !== 'ACCEPT' && decision !== 'RETURN') {
      invalid([
        { field: 'decision', reason: say.oneOfThese(step, ['ACCEPT（通过）', 'RETURN（退回修改）']) },
      ]);
    }
    const problems =
      decision === 'ACCEPT'
        ? optionalText(comment, 'comment', '意见')
        : requireText(comment, 'comment', '退回理由');
    if (decision === 'RETURN') {
      if (typeof newDueDate !== 'string' || !isCalendarDate(newDueDate)) {
        problems.push({ field: 'newDueDate', reason: `退回${what}须填新的期限（YYYY-MM-DD）` });
      } else if (newDueDate <= chinaDate(Date.now())) {
        problems.push({ field: 'newDueDate', reason: '新的期限须晚于今天' });
      }
    }
    if (problems.length) invalid(problems);
  }

  /** Days the 代拟稿 may follow the 回报单 under the options ticked (十至十五天: 5), if any allows it. */
  function draftDaysAfterReport(options: readonly HandlingOptionCode[]): number | undefined {
    const later = options
      .map((o) => policy.handlingOptions[o])
      .find((o) => o.needsDraft && o.draftWithinDays);
    return later && later.draftWithinDays! - later.reportWithinDays;
  }

  /**
   * The 代拟稿's deadline: as many days after the 回报期限 as the policy puts between them, counted
   * from the acceptance instead if that came later, so a slow review never makes it overdue at once.
   */
  async function openDraftDeadline() {
    const owed: DraftToFollow = { overdue: false, firedNotices: [] };
    const draft = new DeadlineLadder({
      rungs: rules,
      counting: policy.dayCounting,
      noticeHour: policy.noticeHour,
      noticeMinute: policy.noticeMinute,
      state: owed,
    });
    const today = chinaDate(Date.now());
    const schedule = await draft.open({
      startDate: state.dueDate! > today ? state.dueDate! : today,
      withinDays: draftDaysAfterReport(state.report!.options)!,
    });
    state.draftToFollow = owed;
    draftLadder = draft;
    return schedule;
  }

  /** What the department owes now and by when, as a 催办 says it. */
  function owedDeadline(): string {
    return state.status === 'DRAFT_PENDING'
      ? `代拟稿送交期限 ${state.draftToFollow!.dueDate}`
      : `回报期限 ${state.dueDate}`;
  }

  // 催报: while a report is owed, each rung of the ladder once; nothing while the office reviews.
  function chase(): Promise<void> {
    return ladder.chase({
      finished: () => REPORT_DONE.includes(state.status),
      owing: () => AWAITING_REPORT.includes(state.status),
      onOverdue: ({ dueDate }) => record('逾期', undefined, state.status, `已过回报期限 ${dueDate}`),
      ...preparedAhead(''),
      onRung: async (rule, round, at, { dueDate }) => {
        if (isBreachRung(rule)) return openBreachRecord(dueDate, rule.offsetDays);
        await remind(NOTICE_ACTION[rule.kind], rule.key, {
          noticeKey: noticeKey('', rule.key, round),
          kind: rule.kind,
          receiptNumber: input.receiptNumber,
          departmentCode,
          recipients: rule.recipients,
          handler: state.handler,
          instructingLeaders: input.instructingLeaders,
          title: `${NOTICE_ACTION[rule.kind]}：${input.document.title}`,
          body: `${input.document.docNumber}，${departmentCode} 回报期限 ${dueDate}`,
          ...reachesAt(at),
        });
      },
    });
  }

  // 催送代拟稿: the same rungs on the draft's own deadline, while it is owed (not while reviewed).
  function chaseDraft(draft: DeadlineLadder<NoticeRule>): Promise<void> {
    return draft.chase({
      finished: () => state.status === 'ACCEPTED',
      owing: () => state.status === 'DRAFT_PENDING',
      onOverdue: ({ dueDate }) =>
        record('代拟稿逾期', undefined, state.status, `已过代拟稿送交期限 ${dueDate}`),
      ...preparedAhead('draft-'),
      onRung: async (rule, round, at, { dueDate }) => {
        const action = `${NOTICE_ACTION[rule.kind]}（代拟稿）`;
        await remind(action, rule.key, {
          noticeKey: noticeKey('draft-', rule.key, round),
          kind: rule.kind,
          receiptNumber: input.receiptNumber,
          departmentCode,
          recipients: rule.recipients,
          handler: state.handler,
          instructingLeaders: input.instructingLeaders,
          title: `${action}：${input.document.title}`,
          body: `${input.document.docNumber}，${departmentCode} 代拟稿送交期限 ${dueDate}`,
          ...reachesAt(at),
        });
      },
    });
  }

  /** A rung's notice key: the task, the ladder (`draft-` for the 代拟稿's), the rung and the round. */
  function noticeKey(ladderPrefix: string, rung: string, round: number): string {
    return `${workflowInfo().workflowId}:${ladderPrefix}${rung}:${round}`;
  }

  /** When a rung's notice reaches people: now, or the later instant it was prepared ahead of. */
  function reachesAt(at: number): Pick<NoticeToDeliver, 'at' | 'scheduled'> {
    return { at: new Date(at).toISOString(), ...(at > Date.now() ? { scheduled: true } : {}) };
  }

  /**
   * 预备提醒 on a ladder of this task's (tasks started before it have none): the reminders,
   * 催报单 and escalations are prepared ahead, the breach record (记录政务失信) is opened on time.
   */
  function preparedAhead(ladderPrefix: string) {
    if (!preparesAhead) return {};
    return {
      preparedAheadMs: (rule: LadderRung) => (isBreachRung(rule) ? 0 : NOTICES_PREPARED_AHEAD_MS),
      // Written to the end even if 撤办 comes meanwhile: the notices are off the ladder already.
      withdraw: (notices: PreparedNotice<LadderRung>[], reason: WithdrawalReason) =>
        CancellationScope.nonCancellable(() =>
          write(
            WITHDRAWN_REMINDERS,
            undefined,
            state.status,
            withdrawalComment(notices, WITHDRAWN_BECAUSE[reason]),
            () => withdrawal(noticeKeys(notices, ladderPrefix)),
          ),
        ),
    };
  }

  function noticeKeys(notices: PreparedNotice<LadderRung>[], ladderPrefix: string): string[] {
    return notices.map((n) => noticeKey(ladderPrefix, n.rung.key, n.round));
  }

  /** What rides on a step that withdraws prepared notices (撤回预备提醒): their keys. */
  function withdrawal(keys: string[]): Pick<RecordDepartmentTaskInput, 'withdrawnNotices'> {
    return keys.length ? { withdrawnNotices: keys } : {};
  }

  /** 记录政务失信: once per task, however many rounds its deadline goes through. */
  async function openBreachRecord(dueDate: string, daysOverdue: number) {
    if (state.breachRecordId) return;
    state.breachRecordId = await openBreachRecordForTask({
      receiptNumber: input.receiptNumber,
      departmentCode,
      taskWorkflowId: workflowInfo().workflowId,
      document: input.document,
      dueDate,
      daysOverdue,
    });
    await record(
      '记录政务失信',
      undefined,
      state.status,
      `逾期 ${daysOverdue} 日未回报，记入政务失信记录 ${state.breachRecordId}`,
    );
  }
}
