/**
 * 追究责任 (seed 四(三)): a case against a breach record's principal responsible person (主要负责人),
 * opened by a failed rectification, by a severe record, or by hand. The credit staff investigate;
 * the body may show what it did to correct itself (自我纠错、主动自新, seed 四(四)); the decider
 * chooses among the seed's measures, or 从轻/免于 on those grounds. The body may object within the
 * 异议期; someone other than the decider reviews it. Without an objection the decision stands
 * when the window closes.
 */
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { activities } from './activities';
import { DeadlineLadder, type LadderState } from './deadline-ladder';
import {
  concludeInvestigationUpdate,
  decideCaseUpdate,
  fileObjectionUpdate,
  getAccountabilityCaseStateQuery,
  reviewObjectionUpdate,
  showMitigationUpdate,
} from './definitions';
import {
  checkDecision,
  checkObjection,
  checkObjectionReview,
  fileObjection,
  reviewObjection,
  completeDecision,
  describeDecision,
  groundsReason,
  requireSubject,
  signedBy,
  today,
} from './integrity-rules';
import { CASE_STEPS } from './integrity-steps';
import {
  CASE_TRIGGERS,
  MITIGATION_GROUNDS,
  openingCaseState,
  type AccountabilityCaseInput,
  type AccountabilityCaseState,
  type CaseDecision,
  type CaseStatus,
  type ConcludeInvestigationRequest,
  type ShowMitigationRequest,
  type DecideCaseRequest,
  type FileObjectionRequest,
  type ReviewObjectionRequest,
} from './integrity-types';
import { actor, invalid, isKeyOf, refuse, requireText, stepEntry } from './rules';
import { checkStep } from './steps';
import type { ActingUser, Actor } from './types';

export async function accountabilityCaseWorkflow(
  input: AccountabilityCaseInput,
): Promise<AccountabilityCaseState> {
  const { policy, caseId } = input;
  const { workflowId } = workflowInfo();
  const openedAt = new Date().toISOString();
  const state = openingCaseState(caseId, input.recordId);
  setHandler(getAccountabilityCaseStateQuery, () => state);

  let seq = 0;
  const windowState: LadderState = { overdue: false, firedNotices: [] };
  const objectionWindow = new DeadlineLadder({
    rungs: policy.objection.ladder,
    counting: policy.dayCounting,
    noticeHour: policy.noticeHour,
    noticeMinute: policy.noticeMinute,
    state: windowState,
  });
  const { principal, subject } = input;

  async function record(
    action: string,
    by: Actor | ActingUser | undefined,
    from?: CaseStatus,
    comment?: string,
  ) {
    state.overdue = windowState.overdue;
    await activities.recordCase({
      workflowId,
      input: {
        caseId,
        recordId: input.recordId,
        subject,
        principal,
        trigger: input.trigger,
        reason: input.reason,
        openedBy: input.openedBy,
      },
      state,
      openedAt,
      entry: stepEntry(++seq, by, action, from, state.status, comment),
    });
  }

  async function transition(to: CaseStatus, action: string, by: Actor | undefined, comment?: string) {
    const from = state.status;
    state.status = to;
    objectionWindow.changed();
    await record(action, by, from, comment);
  }

  function checkCaseStep(step: keyof typeof CASE_STEPS, by: ActingUser) {
    checkStep(CASE_STEPS[step], by, state.status);
    if (CASE_STEPS[step].ownDepartment) requireSubject(by, subject, CASE_STEPS[step].label);
  }

  // 调查终结: the credit staff's findings; the case then awaits the decision.
  setHandler(
    concludeInvestigationUpdate,
    async ({ by, findings }) => {
      state.findings = { by: actor(by), at: new Date().toISOString(), text: findings.trim() };
      await transition('AWAITING_DECISION', '调查终结', by, state.findings.text);
      return state;
    },
    {
      validator: ({ by, findings }: ConcludeInvestigationRequest) => {
        checkCaseStep('concludeInvestigation', by);
        const problems = requireText(findings, 'findings', '调查结论', 5000);
        if (problems.length) invalid(problems);
      },
    },
  );

  // 自我纠错、主动自新: what the body shows it did, for the decider to weigh.
  setHandler(
    showMitigationUpdate,
    async ({ by, grounds, statement }) => {
      state.mitigationShown = {
        by: actor(by),
        at: new Date().toISOString(),
        grounds,
        statement: statement.trim(),
      };
      const named = grounds.map((g) => MITIGATION_GROUNDS[g]).join('、');
      await record('说明自我纠错', by, state.status, `${named}：${statement.trim()}`);
      return state;
    },
    {
      validator: ({ by, grounds, statement }: ShowMitigationRequest) => {
        checkCaseStep('showMitigation', by);
        const problems = requireText(statement, 'statement', '自我纠错情况', 5000);
        if (
          !Array.isArray(grounds) ||
          grounds.length === 0 ||
          grounds.some((g) => !isKeyOf(MITIGATION_GROUNDS, g)) ||
          new Set(grounds).size !== grounds.length
        )
          problems.push({
            field: 'grounds',
            reason: groundsReason,
          });
        if (problems.length) invalid(problems);
      },
    },
  );

  // 追责决定: a measure (with its period), or 从轻/免于 on the grounds shown; the 异议期 starts.
  setHandler(
    decideCaseUpdate,
    async ({ by, reasons, ...fields }) => {
      state.decision = {
        by: signedBy(by),
        at: new Date().toISOString(),
        ...completeDecision(fields, policy),
        reasons: reasons.trim(),
      };
      const from = state.status;
      state.status = 'DECIDED';
      const window = await objectionWindow.open({
        startDate: today(),
        withinDays: policy.objection.windowDays,
      });
      state.objectionDueDate = window.dueDate;
      objectionWindow.changed();
      await record(
        '追责决定',
        by,
        from,
        `${describeDecision(state.decision)}。${state.decision.reasons}；异议期至 ${window.dueDate}`,
      );
      await activities.deliverNotice({
        noticeKey: `${workflowId}:decided`,
        kind: 'CASE_DECIDED',
        breachRecordId: input.recordId,
        departmentCode: subject.departmentCode,
        recipients: ['DEPT_HEAD'],
        instructingLeaders: [],
        title: `追责决定：${principal.name}`,
        body: `${describeDecision(state.decision)}。有异议的，请于 ${window.dueDate} 前提出。`,
        at: state.decision.at,
      });
      return state;
    },
    {
      validator: ({ by, reasons, ...fields }: DecideCaseRequest) => {
        checkCaseStep('decide', by);
        const problems = [
          ...checkDecision(fields, subject),
          ...requireText(reasons, 'reasons', '决定理由', 5000),
        ];
        if (problems.length) invalid(problems);
      },
    },
  );

  // 异议 to the decision, within the window; reviewed by someone other than the decider.
  setHandler(
    fileObjectionUpdate,
    async ({ by, reason }) => {
      const objection = fileObjection(state.objections, by, reason);
      await transition('OBJECTED', '提出异议', by, objection.reason);
      return state;
    },
    {
      validator: ({ by, reason }: FileObjectionRequest) => {
        checkCaseStep('fileObjection', by);
        checkObjection(state.objections, state.objectionDueDate, reason);
      },
    },
  );

  setHandler(
    reviewObjectionUpdate,
    async ({ decision, ...review }) => {
      const { by, uphold } = review;
      const objection = reviewObjection(state.objections, review);
      state.finalAt = objection.review.at;
      if (!uphold) {
        await transition('FINAL', '异议不成立', by, `${objection.review.reasons}；原决定生效`);
        return state;
      }
      // Upheld: the decision is replaced (by another measure, or none); the old one stays on file.
      const replaced = state.decision!;
      state.superseded.push(replaced);
      const corrected: CaseDecision = {
        by: actor(by),
        at: objection.review.at,
        ...(decision?.measure ? completeDecision(decision, policy) : {}),
        reasons: objection.review.reasons,
      };
      state.decision = corrected;
      const now = corrected.measure ? `改为：${describeDecision(corrected)}` : '撤销原追责决定';
      await transition('FINAL', '异议成立', by, `${objection.review.reasons}；${now}`);
      return state;
    },
    {
      validator: (request: ReviewObjectionRequest) => {
        checkCaseStep('reviewObjection', request.by);
        checkObjectionReview(state.objections, request, state.decision?.by, '作出决定的人');
        if (request.uphold && request.decision?.measure !== undefined) {
          const problems = checkDecision(
            { ...request.decision, mitigation: undefined },
            subject,
            'decision.',
          );
          if (problems.length) invalid(problems);
        } else if (request.decision !== undefined && !request.uphold) {
          refuse('InvalidInput', '追责决定只能在异议成立时变更', [
            { field: 'decision', reason: '新的追责决定仅在异议成立时填写' },
          ]);
        }
      },
    },
  );

  await record(
    '立案',
    input.openedBy,
    undefined,
    `${CASE_TRIGGERS[input.trigger]}：${input.reason}（记录 ${input.recordId}，追究 ${principal.name}）`,
  );

  // The decision stands once the 异议期 passes with no objection, or once an objection is reviewed.
  await condition(() => (state.status === 'DECIDED' && objectionWindow.opened) || state.status === 'FINAL');
  await objectionWindow.chase({
    finished: () => state.status === 'FINAL' || windowState.overdue,
    owing: () => state.status === 'DECIDED',
    onOverdue: async () => {
      state.finalAt = new Date().toISOString();
      await transition('FINAL', '决定生效', undefined, `异议期至 ${state.objectionDueDate} 届满，未提出异议`);
    },
    onRung: async (rule, round, _now, { dueDate }) => {
      await activities.deliverNotice({
        noticeKey: `${workflowId}:objection:${rule.key}:${round}`,
        kind: rule.kind,
        breachRecordId: input.recordId,
        departmentCode: subject.departmentCode,
        recipients: rule.recipients,
        instructingLeaders: [],
        title: `异议期即将届满：追责案件 ${caseId}`,
        body: `对追责决定有异议的，请于 ${dueDate} 前提出`,
        at: new Date().toISOString(),
      });
    },
  });
  await condition(() => state.status === 'FINAL');
  await condition(allHandlersFinished);
  return state;
}
