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
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { activities } from './activities';
import { breachRung, isBreachRung, openBreachRecordForTask } from './breach-opening';
import { DeadlineLadder } from './deadline-ladder';
import {
  getDepartmentTaskStateQuery,
  decideExtensionUpdate,
  reassignHandlerUpdate,
  requestExtensionUpdate,
  urgeUpdate,
  reviewReportUpdate,
  signForUpdate,
  submitReportUpdate,
} from './definitions';
import { chinaDate, isCalendarDate } from './incoming-document';
import type { HandlingOptionCode, NoticeRule } from './policy';
import { actor, invalid, isKeyOf, optionalText, refuse, requireText, signer } from './rules';
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
  ReassignHandlerRequest,
  RequestExtensionRequest,
  UrgeRequest,
  ReviewReportRequest,
  SignForRequest,
  SubmitReportRequest,
} from './types';

/** Reminders run while the department owes a report. */
const AWAITING_REPORT: readonly DepartmentTaskStatus[] = ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'];

const NOTICE_ACTION: Record<NoticeRule['kind'], string> = {
  REMINDER: '到期提醒',
  FORMAL_REMINDER: '催报',
  ESCALATION: '升级督办',
};

export async function departmentTaskWorkflow(input: DepartmentTaskInput): Promise<DepartmentTaskResult> {
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
    state,
  });
  const opened = () => ladder.opened;
  let signedFor: { at: string; by: Actor } | undefined;
  let acceptedAt: string | undefined;

  async function record(
    action: string,
    by: Actor | ActingUser | undefined,
    from: DepartmentTaskStatus | undefined,
    comment?: string,
  ) {
    if (!opened()) await condition(opened);
    const at = new Date().toISOString();
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
      reportDraft: state.report?.draft,
      reportAttachmentIds: state.report?.attachments?.map((a) => a.id),
      reportSignedById: state.report?.signedBy.userId,
      reportedAt: state.report?.at,
      acceptedAt,
      handlerId: state.handler?.userId,
      extensionRequest: state.extensionRequest && {
        newDueDate: state.extensionRequest.newDueDate,
        reason: state.extensionRequest.reason,
      },
      entry: {
        seq: ++timelineSeq,
        at,
        ...(by && signer(by)),
        action,
        fromState: from,
        toState: state.status,
        comment,
      },
    });
  }

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
    async ({ by, options, text, draft, attachments }) => {
      const from = state.status;
      state.status = 'REPORTED';
      // A 延期 asked for and not decided lapses with the report.
      state.extensionRequest = undefined;
      state.report = {
        options: [...options].sort(),
        text: text.trim(),
        draft: draft?.trim() || undefined,
        ...(attachments?.length ? { attachments } : {}),
        signedBy: actor(by),
        at: new Date().toISOString(),
      };
      ladder.changed();
      await record('回报', by, from, state.overdue ? '逾期回报' : undefined);
      // The 回报单 has arrived: the office's turn to 审核回报 (the clerk who registered it, the 督办人).
      if (patched('turn-notices'))
        await activities.deliverNotice({
          noticeKey: `${workflowInfo().workflowId}:turn:${timelineSeq}`,
          kind: 'TURN',
          receiptNumber: input.receiptNumber,
          departmentCode,
          recipients: ['REGISTRAR', 'URGER'],
          instructingLeaders: [],
          title: `待审核回报：${input.document.title}`,
          body: `${input.document.docNumber}（收文编号 ${input.receiptNumber}）${departmentCode} 已回报，待审核`,
          at: new Date().toISOString(),
        });
      return state;
    },
    {
      validator: ({ by, options, text, draft, attachments }: SubmitReportRequest) => {
        inDepartment(by, '回报');
        // The 回报单 is stamped by the department (回报单位盖章): only its head signs it.
        checkStep(TASK_STEPS.report, by, state.status);
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
        } else if (options.some((o: HandlingOptionCode) => policy.handlingOptions[o].needsDraft)) {
          // The 代拟稿 comes as text or as an attached file.
          if (!attachments?.length)
            problems.push(...requireText(draft, 'draft', '代拟稿（办理提示 4 须附）', 50_000));
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
      if (decision === 'ACCEPT') {
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
      validator: ({ by, decision, comment, newDueDate }: ReviewReportRequest) => {
        checkStep(TASK_STEPS.reviewReport, by, state.status);
        if (decision !== 'ACCEPT' && decision !== 'RETURN') {
          invalid([
            {
              field: 'decision',
              reason: say.oneOfThese('审核回报', ['ACCEPT（通过）', 'RETURN（退回修改）']),
            },
          ]);
        }
        if (decision === 'ACCEPT') {
          const problems = optionalText(comment, 'comment', '意见');
          if (problems.length) invalid(problems);
        }
        if (decision === 'RETURN') {
          const problems = requireText(comment, 'comment', '退回理由');
          if (typeof newDueDate !== 'string' || !isCalendarDate(newDueDate)) {
            problems.push({
              field: 'newDueDate',
              reason: '退回回报须填新的回报期限（YYYY-MM-DD）',
            });
          } else if (newDueDate <= chinaDate(Date.now())) {
            problems.push({ field: 'newDueDate', reason: '新的回报期限须晚于今天' });
          }
          if (problems.length) invalid(problems);
        }
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
        body: `${input.document.docNumber}，回报期限 ${state.dueDate}。${text.trim()}`,
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
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // 撤办: the directive was withdrawn; say so in the task's own timeline, then end as cancelled.
    const from = state.status;
    state.status = 'WITHDRAWN';
    await CancellationScope.nonCancellable(() => record('撤办', undefined, from, '来文已撤办，本任务终止'));
    throw err;
  }
  await condition(allHandlersFinished);
  return { departmentCode, acceptedAt: acceptedAt! };

  // 催报: while a report is owed, each rung of the ladder once; nothing while the office reviews.
  function chase(): Promise<void> {
    return ladder.chase({
      finished: () => state.status === 'ACCEPTED',
      owing: () => AWAITING_REPORT.includes(state.status),
      onOverdue: ({ dueDate }) => record('逾期', undefined, state.status, `已过回报期限 ${dueDate}`),
      onRung: async (rule, round, now, { dueDate }) => {
        if (isBreachRung(rule)) return openBreachRecord(dueDate, rule.offsetDays);
        const { recipientIds } = await activities.deliverNotice({
          noticeKey: `${workflowInfo().workflowId}:${rule.key}:${round}`,
          kind: rule.kind,
          receiptNumber: input.receiptNumber,
          departmentCode,
          recipients: rule.recipients,
          handler: state.handler,
          instructingLeaders: input.instructingLeaders,
          title: `${NOTICE_ACTION[rule.kind]}：${input.document.title}`,
          body: `${input.document.docNumber}，${departmentCode} 回报期限 ${dueDate}`,
          at: new Date(now).toISOString(),
        });
        await record(
          NOTICE_ACTION[rule.kind],
          undefined,
          state.status,
          `${rule.key} → ${recipientIds.join(', ') || '（无接收人）'}`,
        );
      },
    });
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
