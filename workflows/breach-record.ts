/**
 * One 政务失信记录 (seed 四(二)): registered by the credit staff or opened by an overdue directive
 * task on its own. The body then 书面说明原因并限期加以整改: a written explanation, a rectification
 * plan and a completion report, each by a deadline with reminders and escalation (the deadline
 * ladder), and the supervisor's 验收 (pass closes it, fail sends it back with a new deadline).
 * Within the 异议期 the body may object; a correction is always a new entry. Once rectified and a
 * waiting period has passed, the body applies for 信用修复: the record is kept, no longer counted.
 * Accountability cases (追究责任) against the principal responsible person are workflows of their own.
 */
import {
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { accountabilityCaseWorkflow } from './accountability-case';
import { activities } from './activities';
import { DeadlineLadder, type Deadline, type LadderState } from './deadline-ladder';
import {
  accountabilityCaseId,
  accountabilityCaseWorkflowId,
  applyRepairUpdate,
  breachOpenedUpdate,
  correctRecordUpdate,
  decideRepairUpdate,
  explainBreachUpdate,
  fileObjectionUpdate,
  getBreachRecordStateQuery,
  openCaseUpdate,
  reportRectificationUpdate,
  reviewObjectionUpdate,
  submitRectificationPlanUpdate,
  verifyRectificationUpdate,
} from './definitions';
import type { NoticeToDeliver } from '../activities/notices';
import type { IntegrityRecipient } from './integrity-policy';
import {
  addDays,
  checkCorrection,
  checkDate,
  checkObjection,
  checkObjectionReview,
  fileObjection,
  reviewObjection,
  describeCorrection,
  requireSubject,
  signedBy,
  today,
} from './integrity-rules';
import { BREACH_STEPS } from './integrity-steps';
import {
  BREACH_SOURCES,
  CASE_TRIGGERS,
  SEVERITIES,
  type BreachFacts,
  type BreachRecordInput,
  type BreachRecordState,
  type BreachStatus,
  type CaseTrigger,
  type RecordCorrection,
  type RectificationStepRequest,
  type VerifyRectificationRequest,
  type CorrectRecordRequest,
  type OpenCaseRequest,
  type FileObjectionRequest,
  type ReviewObjectionRequest,
  type ApplyRepairRequest,
  type DecideRepairRequest,
  type OpenedCase,
} from './integrity-types';
import { actor, invalid, optionalText, refuse, requireText, stepEntry } from './rules';
import { checkStep } from './steps';
import type { ActingUser, Actor } from './types';
import * as say from './wording';

/** The statuses in which the body owes a rectification step, and the next status after each. */
const RECTIFICATION_STEPS = {
  EXPLANATION_DUE: { action: '书面说明原因', next: 'PLAN_DUE' },
  PLAN_DUE: { action: '报送整改方案', next: 'COMPLETION_DUE' },
  COMPLETION_DUE: { action: '报告整改完成', next: 'VERIFYING' },
} as const satisfies Partial<Record<BreachStatus, { action: string; next: BreachStatus }>>;
type OwedStep = keyof typeof RECTIFICATION_STEPS;
const owes = (s: BreachStatus): s is OwedStep => s in RECTIFICATION_STEPS;
const RECTIFYING: readonly BreachStatus[] = ['EXPLANATION_DUE', 'PLAN_DUE', 'COMPLETION_DUE', 'VERIFYING'];

const NOTICE_ACTION = { REMINDER: '到期提醒', FORMAL_REMINDER: '催报', ESCALATION: '升级督办' } as const;

export async function breachRecordWorkflow(input: BreachRecordInput): Promise<BreachRecordState> {
  const { policy, recordId } = input;
  const { workflowId } = workflowInfo();
  const state: BreachRecordState = {
    recordId,
    status: 'EXPLANATION_DUE',
    ...(input.openedBy ? { openedBy: input.openedBy } : {}),
    // The principal of an automatic record is looked up on opening, below.
    facts: { ...input.facts, principal: input.facts.principal ?? { name: '', title: '' } },
    openedAt: new Date().toISOString(),
    overdue: false,
    firedNotices: [],
    overdueSteps: 0,
    verifications: [],
    repairs: [],
    objections: [],
    corrections: [],
    caseIds: [],
  };
  setHandler(getBreachRecordStateQuery, () => state);

  let seq = 0;
  let opened = false;
  const rectification = new DeadlineLadder({
    rungs: policy.rectification.ladder,
    counting: policy.dayCounting,
    noticeHour: policy.noticeHour,
    noticeMinute: policy.noticeMinute,
    state,
  });
  const objectionWindowState: LadderState = { overdue: false, firedNotices: [] };
  const objectionWindow = new DeadlineLadder({
    rungs: policy.objection.ladder,
    counting: policy.dayCounting,
    noticeHour: policy.noticeHour,
    noticeMinute: policy.noticeMinute,
    state: objectionWindowState,
  });
  const ended = () => state.status === 'REPAIRED' || state.status === 'REVOKED';

  /** The record's row and a new entry; with its `detail`, and the case a 立案 opened. */
  async function record(
    action: string,
    by: Actor | ActingUser | undefined,
    from?: BreachStatus,
    comment?: string,
    { detail, openedCase }: { detail?: unknown; openedCase?: OpenedCase } = {},
  ) {
    await activities.recordBreach({
      workflowId,
      state,
      origin: input.origin,
      openedBy: input.openedBy,
      attachmentIds: [
        ...(input.attachments ?? []).map((a) => a.id),
        ...(state.completion?.attachments ?? []).map((a) => a.id),
      ],
      entry: {
        ...stepEntry(++seq, by, action, from, state.status, comment),
        ...(detail === undefined ? {} : { detail: JSON.stringify(detail) }),
      },
      ...(openedCase ? { openedCase } : {}),
    });
  }

  /**
   * A new status, recorded; both deadlines look again (a step done ends its chase). The status
   * changes before anything is awaited, so a second request for the same step is refused at once;
   * a new deadline for the next step (`deadline`) is in before the entry, which may name it.
   */
  async function transition(
    to: BreachStatus,
    action: string,
    by: Actor | undefined,
    comment: string | (() => string),
    opts: { detail?: unknown; deadline?: string | Deadline } = {},
  ) {
    const from = state.status;
    state.status = to;
    const moved =
      opts.deadline === undefined ? undefined : rectification.move(opts.deadline, { newRound: true });
    rectification.changed();
    objectionWindow.changed();
    await moved;
    await record(action, by, from, typeof comment === 'function' ? comment() : comment, {
      detail: opts.detail,
    });
  }

  async function notify(
    kind: NoticeToDeliver['kind'],
    recipients: IntegrityRecipient[],
    key: string,
    title: string,
    body: string,
  ) {
    return activities.deliverNotice({
      noticeKey: `${workflowId}:${key}`,
      kind,
      breachRecordId: recordId,
      departmentCode: state.facts.subject.departmentCode,
      recipients,
      instructingLeaders: [],
      title,
      body,
      at: new Date().toISOString(),
    });
  }

  /** Refusals common to every step: the record must be open, and a subject step is the subject's. */
  function checkBreachStep(step: keyof typeof BREACH_STEPS, by: ActingUser) {
    if (!opened) refuse('NotNow', `${BREACH_STEPS[step].label}：此记录正在登记中，请稍后再试`);
    checkStep(BREACH_STEPS[step], by, state.status);
    if (BREACH_STEPS[step].ownDepartment) requireSubject(by, state.facts.subject, BREACH_STEPS[step].label);
  }

  setHandler(breachOpenedUpdate, async () => {
    await condition(() => opened);
    return state;
  });

  // 书面说明原因 → 整改方案 → 整改完成: each the body's, each starting the next step's clock.
  const rectificationStep = (
    step: 'explain' | 'submitPlan' | 'reportCompletion',
    owed: OwedStep,
    withinDays?: number,
  ) =>
    [
      async ({ by, text, attachments }: RectificationStepRequest) => {
        const done = { by: actor(by), at: new Date().toISOString(), text: text.trim() };
        if (owed === 'EXPLANATION_DUE') state.explanation = done;
        if (owed === 'PLAN_DUE') state.plan = done;
        if (owed === 'COMPLETION_DUE')
          state.completion = { ...done, ...(attachments?.length ? { attachments } : {}) };
        const { next, action } = RECTIFICATION_STEPS[owed];
        await transition(
          next,
          action,
          by,
          () => (withinDays === undefined ? done.text : `${done.text}（下一步限于 ${state.dueDate} 前）`),
          withinDays === undefined ? {} : { deadline: { startDate: today(), withinDays } },
        );
        return state;
      },
      {
        validator: ({ by, text, attachments }: RectificationStepRequest) => {
          checkBreachStep(step, by);
          const problems = requireText(text, 'text', RECTIFICATION_STEPS[owed].action, 5000);
          if (attachments !== undefined && (!Array.isArray(attachments) || attachments.length > 20))
            problems.push({ field: 'attachments', reason: say.tooMany('附件', 20) });
          if (problems.length) invalid(problems);
        },
      },
    ] as const;
  setHandler(
    explainBreachUpdate,
    ...rectificationStep('explain', 'EXPLANATION_DUE', policy.rectification.planWithinDays),
  );
  setHandler(
    submitRectificationPlanUpdate,
    ...rectificationStep('submitPlan', 'PLAN_DUE', policy.rectification.completeWithinDays),
  );
  setHandler(reportRectificationUpdate, ...rectificationStep('reportCompletion', 'COMPLETION_DUE'));

  // 验收: pass closes the rectification; fail sends it back with a new deadline (and may open a case).
  setHandler(
    verifyRectificationUpdate,
    async ({ by, pass, comment, newDueDate }) => {
      state.verifications.push({
        by: actor(by),
        at: new Date().toISOString(),
        pass,
        comment: comment.trim(),
      });
      if (pass) {
        state.rectifiedAt = new Date().toISOString();
        state.repairableFrom = addDays(today(), policy.repairWaitingDays);
        state.dueDate = undefined;
        await transition(
          'RECTIFIED',
          '验收通过',
          by,
          `${clause(comment) || '整改到位'}；自 ${state.repairableFrom} 起可申请信用修复`,
        );
        return state;
      }
      // Counted before anything is awaited: of two failures at once, exactly the first opens a case.
      const firstFailure = state.verifications.filter((v) => !v.pass).length === 1;
      await transition(
        'COMPLETION_DUE',
        '验收未通过',
        by,
        () => `${comment.trim()}；限于 ${state.dueDate} 前重新报告整改完成`,
        {
          deadline: newDueDate ?? { startDate: today(), withinDays: policy.rectification.completeWithinDays },
        },
      );
      if (policy.caseOpening.onFailedVerification && firstFailure)
        await openCase('FAILED_RECTIFICATION', undefined, `整改验收未通过：${comment.trim()}`);
      return state;
    },
    {
      validator: ({ by, pass, comment, newDueDate }: VerifyRectificationRequest) => {
        checkBreachStep('verify', by);
        if (typeof pass !== 'boolean') invalid([{ field: 'pass', reason: '验收是否通过须为 true 或 false' }]);
        const problems = pass
          ? optionalText(comment, 'comment', '验收意见')
          : requireText(comment, 'comment', '未通过的理由');
        if (pass && newDueDate !== undefined)
          problems.push({ field: 'newDueDate', reason: '仅在验收未通过时填写新的整改期限' });
        if (!pass && newDueDate !== undefined)
          problems.push(...checkDate(newDueDate, 'newDueDate', '新的整改期限', today()));
        if (problems.length) invalid(problems);
      },
    },
  );

  // 更正: the credit staff correct a record; the correction is a new entry, the old facts stay in it.
  setHandler(
    correctRecordUpdate,
    async ({ by, changes, reason }) => {
      await correct(changes, reason.trim(), by, '更正记录');
      return state;
    },
    {
      validator: ({ by, changes, reason }: CorrectRecordRequest) => {
        checkBreachStep('correctRecord', by);
        const problems = [...checkCorrection(changes), ...requireText(reason, 'reason', '更正理由')];
        if (changes?.revoke)
          problems.push({
            field: 'changes.revoke',
            reason: '撤销记录只能经异议复核成立后办理',
          });
        if (problems.length) invalid(problems);
      },
    },
  );

  // 立案追责 by hand.
  setHandler(
    openCaseUpdate,
    async ({ by, reason }) => {
      await openCase('BY_HAND', by, reason.trim());
      return state;
    },
    {
      validator: ({ by, reason }: OpenCaseRequest) => {
        checkBreachStep('openCase', by);
        const problems = requireText(reason, 'reason', '立案理由');
        if (problems.length) invalid(problems);
      },
    },
  );

  // 异议 to the record: within the window, by the subject; reviewed by someone other than who registered it.
  setHandler(
    fileObjectionUpdate,
    async ({ by, reason }) => {
      const objection = fileObjection(state.objections, by, reason);
      await record('提出异议', by, state.status, objection.reason);
      return state;
    },
    {
      validator: ({ by, reason }: FileObjectionRequest) => {
        checkBreachStep('fileObjection', by);
        checkObjection(state.objections, state.objectionDueDate, reason);
      },
    },
  );

  setHandler(
    reviewObjectionUpdate,
    async ({ correction, ...review }) => {
      const { by, objectionId, uphold } = review;
      const objection = reviewObjection(state.objections, review);
      if (!uphold) {
        await record('异议不成立', by, state.status, `第 ${objectionId} 项异议：${objection.review.reasons}`);
        return state;
      }
      await correct(
        correction ?? { revoke: true },
        `异议成立（第 ${objectionId} 项）：${objection.review.reasons}`,
        by,
        '异议成立',
      );
      return state;
    },
    {
      validator: (request: ReviewObjectionRequest) => {
        checkBreachStep('reviewObjection', request.by);
        checkObjectionReview(state.objections, request, input.openedBy, '登记此记录的人');
        if (request.uphold && request.correction !== undefined) {
          const problems = checkCorrection(request.correction, 'correction');
          if (problems.length) invalid(problems);
        }
      },
    },
  );

  // 信用修复: after 验收 and the waiting period, the body applies; the credit staff decide.
  setHandler(
    applyRepairUpdate,
    async ({ by, statement }) => {
      state.repairs.push({ by: actor(by), at: new Date().toISOString(), statement: statement.trim() });
      await transition('REPAIR_REQUESTED', '申请信用修复', by, statement.trim());
      return state;
    },
    {
      validator: ({ by, statement }: ApplyRepairRequest) => {
        checkBreachStep('applyRepair', by);
        if (today() < state.repairableFrom!)
          refuse(
            'NotNow',
            `申请信用修复：自 ${state.repairableFrom} 起方可申请（验收后 ${policy.repairWaitingDays} 天）`,
          );
        const problems = requireText(statement, 'statement', '信用修复申请', 5000);
        if (problems.length) invalid(problems);
      },
    },
  );

  setHandler(
    decideRepairUpdate,
    async ({ by, approve, comment }) => {
      const application = state.repairs.at(-1)!;
      application.decision = {
        by: actor(by),
        at: new Date().toISOString(),
        approve,
        comment: comment.trim(),
      };
      if (approve) {
        state.repairedAt = application.decision.at;
        await transition(
          'REPAIRED',
          '信用修复',
          by,
          comment.trim() || '准予信用修复：记录保留，不再计入评价',
        );
      } else {
        await transition('RECTIFIED', '信用修复不予通过', by, comment.trim());
      }
      return state;
    },
    {
      validator: ({ by, approve, comment }: DecideRepairRequest) => {
        checkBreachStep('decideRepair', by);
        if (typeof approve !== 'boolean')
          invalid([{ field: 'approve', reason: '是否同意修复须为 true 或 false' }]);
        const problems = approve
          ? optionalText(comment, 'comment', '意见')
          : requireText(comment, 'comment', '不予修复的理由');
        if (problems.length) invalid(problems);
      },
    },
  );

  async function correct(changes: RecordCorrection, reason: string, by: ActingUser, action: string) {
    const before = {
      severity: state.facts.severity.level,
      facts: state.facts.facts,
      published: state.facts.published,
    };
    if (changes.severity) state.facts.severity = { ...state.facts.severity, level: changes.severity };
    if (changes.facts) state.facts.facts = changes.facts.trim();
    if (changes.published !== undefined) state.facts.published = changes.published;
    state.corrections.push({ by: actor(by), at: new Date().toISOString(), reason, changes });
    const comment = `${describeCorrection(changes)}。${reason}`;
    if (changes.revoke) {
      state.revokedAt = new Date().toISOString();
      await transition('REVOKED', action, by, comment, { detail: { before, changes } });
    } else {
      await record(action, by, state.status, comment, { detail: { before, changes } });
    }
  }

  /**
   * 追究责任 against the principal responsible person: a workflow of its own, outliving the record.
   * The 立案 entry writes the case's row too, so the step's answer can name a case people can open.
   */
  async function openCase(trigger: CaseTrigger, by: ActingUser | undefined, reason: string) {
    // The number is taken before anything is awaited: two cases opened at once get two numbers.
    const caseId = accountabilityCaseId(recordId, state.caseIds.length + 1);
    state.caseIds.push(caseId);
    const opened: OpenedCase = {
      workflowId: accountabilityCaseWorkflowId(caseId),
      input: {
        caseId,
        recordId,
        subject: state.facts.subject,
        principal: state.facts.principal,
        trigger,
        reason,
        ...(by ? { openedBy: signedBy(by) } : {}),
      },
      openedAt: new Date().toISOString(),
    };
    await startChild(accountabilityCaseWorkflow, {
      workflowId: opened.workflowId,
      // The case outlives the record: neither its closing nor its cancellation reaches the case.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      args: [{ ...opened.input, policy }],
    });
    await record(
      '立案追责',
      by,
      state.status,
      `${CASE_TRIGGERS[trigger]}：追究 ${state.facts.principal.name} 的责任（案件 ${caseId}）。${reason}`,
      { openedCase: opened },
    );
  }

  // Opening: the evidence of an overdue task, the first step's deadline and the 异议期.
  if (input.origin) {
    const { evidence, principal } = await activities.collectOverdueEvidence(input.origin);
    state.evidence = evidence;
    state.facts.principal = input.facts.principal ?? principal;
  }
  await rectification.open({ startDate: today(), withinDays: policy.rectification.explainWithinDays });
  const window = await objectionWindow.open({ startDate: today(), withinDays: policy.objection.windowDays });
  state.objectionDueDate = window.dueDate;
  await record(
    input.openedBy ? '登记失信记录' : '自动记录政务失信',
    input.openedBy,
    undefined,
    describeOpening(state.facts, state.dueDate!, state.objectionDueDate),
  );
  await notify(
    'BREACH_OPENED',
    ['DEPT_HANDLER', 'DEPT_HEAD'],
    'opened',
    `政务失信记录：${state.facts.sourceRef}`,
    `请于 ${state.dueDate} 前书面说明原因，并限期整改；对记录有异议的，可于 ${state.objectionDueDate} 前提出。`,
  );
  if (policy.caseOpening.severities.includes(state.facts.severity.level))
    await openCase(
      'SEVERE_RECORD',
      undefined,
      `${SEVERITIES[state.facts.severity.level]}失信：${state.facts.facts}`,
    );
  // Steps are taken from here on; the registration answers with the record as opened.
  opened = true;

  await Promise.all([chaseRectification(), chaseObjectionWindow()]);
  await condition(() => ended());
  await condition(allHandlersFinished);
  return state;

  // 催办 on each rectification step: reminders, 逾期, escalation, as the policy's ladder says.
  function chaseRectification(): Promise<void> {
    return rectification.chase({
      finished: () => !RECTIFYING.includes(state.status),
      owing: () => owes(state.status),
      onOverdue: async ({ dueDate }) => {
        state.overdueSteps++;
        const step = owes(state.status) ? RECTIFICATION_STEPS[state.status].action : '整改';
        await record('逾期', undefined, state.status, `${step}已过期限 ${dueDate}`);
      },
      onRung: async (rule, round, _now, { dueDate }) => {
        const step = owes(state.status) ? RECTIFICATION_STEPS[state.status].action : '整改';
        const { recipientIds } = await notify(
          rule.kind,
          rule.recipients,
          `${state.status}:${rule.key}:${round}`,
          `${NOTICE_ACTION[rule.kind]}：政务失信记录 ${recordId}`,
          `${step}，期限 ${dueDate}（${state.facts.sourceRef}）`,
        );
        await record(
          NOTICE_ACTION[rule.kind],
          undefined,
          state.status,
          `${step}：${rule.key} → ${recipientIds.join(', ') || '（无接收人）'}`,
        );
      },
    });
  }

  // 异议期: a reminder before it closes, then the record stands as registered (or as corrected).
  function chaseObjectionWindow(): Promise<void> {
    return objectionWindow.chase({
      finished: () => objectionWindowState.overdue || ended(),
      owing: () => true,
      onOverdue: () => record('异议期届满', undefined, state.status, `异议期至 ${state.objectionDueDate} 止`),
      onRung: async (rule, round, _now, { dueDate }) => {
        await notify(
          rule.kind,
          rule.recipients,
          `objection:${rule.key}:${round}`,
          `异议期即将届满：政务失信记录 ${recordId}`,
          `对记录有异议的，请于 ${dueDate} 前提出`,
        );
      },
    });
  }
}

/** Text as a clause of a longer sentence: without its own closing punctuation. */
const clause = (text: string) => text.trim().replace(/[。；;.，,]+$/, '');

function describeOpening(facts: BreachFacts, dueDate: string, objectionDueDate: string | undefined): string {
  const subject = facts.subject.personName
    ? `${facts.subject.departmentCode} ${facts.subject.personName}`
    : facts.subject.departmentCode;
  return (
    `${subject}：${BREACH_SOURCES[facts.source]}（${facts.sourceRef}）。${clause(facts.facts)}` +
    `。严重程度：${SEVERITIES[facts.severity.level]}；主要负责人：${facts.principal.name}。` +
    `限于 ${dueDate} 前书面说明原因；异议期至 ${objectionDueDate}`
  );
}
