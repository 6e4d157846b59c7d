/**
 * One incoming directive (来文) on its way through the general office: registered (收文登记),
 * the clerk's proposed handling (拟办) signed by the office reviewers in turn (审核), the
 * leaders' instruction (批示), dispatch (转办) to each department as a child workflow, and
 * closure (办结) once every department's report-back is accepted.
 * The workflow holds the process state and its clocks; the database gets a projection.
 */
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  startChild,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { activities } from './activities';
import {
  departmentTaskWorkflowId,
  dispatchUpdate,
  getDirectiveStateQuery,
  instructUpdate,
  proposeHandlingUpdate,
  reviewProposalUpdate,
  withdrawUpdate,
} from './definitions';
import { departmentTaskWorkflow } from './department-task';
import { chinaDate, type FieldProblem } from './incoming-document';
import { invalid, refuse, requireRole, requireStatus, requireText } from './rules';
import type {
  Actor,
  DirectiveInput,
  DirectiveState,
  DirectiveStatus,
  DispatchRequest,
  InstructRequest,
  Proposal,
  ProposeHandlingRequest,
  ReviewProposalRequest,
  WithdrawRequest,
} from './types';

const actor = ({ userId, displayName }: Actor): Actor => ({ userId, displayName });

export async function directiveWorkflow(input: DirectiveInput): Promise<DirectiveState> {
  const { policy } = input;
  // 收文登记 is already recorded by the register, which started this workflow.
  const state: DirectiveState = {
    receiptNumber: input.receiptNumber,
    status: 'REGISTERED',
    registeredAt: input.registeredAt,
    signOffs: [],
    instructions: [],
    departments: {},
  };
  setHandler(getDirectiveStateQuery, () => state);

  let timelineSeq = input.timelineSeq;
  const tasks: ChildWorkflowHandle<typeof departmentTaskWorkflow>[] = [];

  async function record(action: string, by: Actor | undefined, from: DirectiveStatus, comment?: string) {
    const at = new Date().toISOString();
    await activities.recordDirective({
      receiptNumber: input.receiptNumber,
      status: state.status,
      leadDepartmentCode: state.proposal?.leadDepartment,
      handlingOption: state.proposal?.handlingOption,
      dueDate: state.dueDate,
      dispatchedAt: state.dispatchedAt,
      closedAt: state.closedAt,
      entry: {
        seq: ++timelineSeq,
        at,
        actor: by && actor(by),
        action,
        fromState: from,
        toState: state.status,
        comment,
      },
    });
  }

  /** Moves to a new status and records it; the change is visible to the next validator at once. */
  async function transition(to: DirectiveStatus, action: string, by: Actor | undefined, comment?: string) {
    const from = state.status;
    state.status = to;
    await record(action, by, from, comment);
  }

  // 拟办: the clerk names the lead and co-departments, the handling option and the leaders to ask.
  setHandler(
    proposeHandlingUpdate,
    async ({ by, proposal }) => {
      state.proposal = { ...proposal, leaders: proposal.leaders.map(actor) };
      state.signOffs = [];
      state.instructions = [];
      const option = policy.handlingOptions[proposal.handlingOption];
      await transition(
        'REVIEWING',
        '拟办',
        by,
        `${describeProposal(state.proposal)}（${option.label}，${option.reportWithinDays}天内回报）。${proposal.comment}`,
      );
      return state;
    },
    {
      validator: ({ by, proposal }: ProposeHandlingRequest) => {
        requireRole(by, ['CLERK'], '拟办');
        requireStatus(state.status, ['REGISTERED', 'RETURNED'], '拟办');
        const problems = checkProposal(proposal);
        if (problems.length) invalid(problems);
      },
    },
  );

  // 审核: office reviewers sign in the order the policy gives; any of them may return it.
  setHandler(
    reviewProposalUpdate,
    async ({ by, decision, comment }) => {
      if (decision === 'RETURN') {
        await transition('RETURNED', '审核退回', by, comment);
        return state;
      }
      const role = policy.reviewChain[state.signOffs.length]!;
      state.signOffs.push({ by: actor(by), at: new Date().toISOString(), role, comment });
      const done = state.signOffs.length === policy.reviewChain.length;
      await transition(done ? 'AWAITING_INSTRUCTION' : 'REVIEWING', '审核', by, comment || '同意');
      return state;
    },
    {
      validator: ({ by, decision, comment }: ReviewProposalRequest) => {
        requireStatus(state.status, ['REVIEWING'], '审核');
        const role = policy.reviewChain[state.signOffs.length]!;
        requireRole(by, [role], `审核 (step ${state.signOffs.length + 1} of ${policy.reviewChain.length})`);
        if (state.signOffs.some((s) => s.by.userId === by.userId))
          refuse('NotYours', '审核: you have already signed this 拟办');
        if (decision !== 'APPROVE' && decision !== 'RETURN')
          invalid([{ field: 'decision', reason: 'must be APPROVE or RETURN' }]);
        if (decision === 'RETURN') {
          const problems = requireText(comment, 'comment', '退回意见');
          if (problems.length) invalid(problems);
        }
      },
    },
  );

  // 批示: each leader asked approves (同意), amends, or returns it to the clerk.
  setHandler(
    instructUpdate,
    async ({ by, decision, text, amendment }) => {
      state.instructions.push({
        by: actor(by),
        at: new Date().toISOString(),
        decision,
        text: text || '同意',
      });
      if (decision === 'RETURN') {
        await transition('RETURNED', '批示退回', by, text);
        return state;
      }
      if (decision === 'AMEND' && amendment && state.proposal) {
        state.proposal = { ...state.proposal, ...amendment };
      }
      const proposal = state.proposal!;
      const done = proposal.leaders.every((l) => state.instructions.some((i) => i.by.userId === l.userId));
      const comment =
        decision === 'AMEND' ? `${text}（改为：${describeProposal(proposal)}）` : text || '同意';
      await transition(done ? 'INSTRUCTED' : 'AWAITING_INSTRUCTION', '批示', by, comment);
      return state;
    },
    { validator: (request: InstructRequest) => checkInstruction(request) },
  );

  // 转办: one child workflow per department, each with its own deadline and report-back.
  setHandler(
    dispatchUpdate,
    async ({ by }) => {
      const proposal = state.proposal!;
      const dispatchDate = chinaDate(Date.now());
      state.dispatchedAt = new Date().toISOString();
      state.status = 'IN_PROGRESS';
      const leaders = state.instructions.filter((i) => i.decision !== 'RETURN').map((i) => i.by);
      const departments = [
        { code: proposal.leadDepartment, role: 'LEAD' as const },
        ...proposal.coDepartments.map((code) => ({ code, role: 'CO' as const })),
      ];
      for (const { code, role } of departments) {
        state.departments[code] = 'DISPATCHED';
        tasks.push(
          await startChild(departmentTaskWorkflow, {
            workflowId: departmentTaskWorkflowId(input.receiptNumber, code),
            args: [
              {
                receiptNumber: input.receiptNumber,
                departmentCode: code,
                role,
                handlingOption: proposal.handlingOption,
                document: input.document,
                dispatchDate,
                policy,
                instructingLeaders: leaders,
              },
            ],
            parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          }),
        );
      }
      const option = policy.handlingOptions[proposal.handlingOption];
      const { dueDate } = await activities.computeSchedule({
        startDate: dispatchDate,
        withinDays: option.reportWithinDays,
        counting: policy.dayCounting,
        offsets: [],
        noticeHour: policy.noticeHour,
      });
      state.dueDate = dueDate;
      await record('转办', by, 'INSTRUCTED', `${describeProposal(proposal)}，限于 ${dueDate} 前回报`);
      return state;
    },
    {
      validator: ({ by }: DispatchRequest) => {
        requireRole(by, ['CLERK'], '转办');
        requireStatus(state.status, ['INSTRUCTED'], '转办');
      },
    },
  );

  // 撤办: the office withdraws the directive at any step before 办结; every department task ends.
  setHandler(
    withdrawUpdate,
    async ({ by, reason }) => {
      const from = state.status;
      state.status = 'WITHDRAWN';
      await Promise.all(
        Object.keys(state.departments).map((code) =>
          getExternalWorkflowHandle(departmentTaskWorkflowId(input.receiptNumber, code)).cancel(),
        ),
      );
      await record('撤办', by, from, reason);
      return state;
    },
    {
      validator: ({ by, reason }: WithdrawRequest) => {
        requireRole(by, ['CLERK', 'OFFICE_DIRECTOR'], '撤办');
        if (state.status === 'CLOSED' || state.status === 'WITHDRAWN') {
          refuse('NotNow', `撤办 is not possible: the directive is already ${state.status}`);
        }
        const problems = requireText(reason, 'reason', '撤办理由');
        if (problems.length) invalid(problems);
      },
    },
  );

  const withdrawn = () => state.status === 'WITHDRAWN';
  // The directive is closed (办结) when every department's report has been accepted.
  await condition(() => (state.status === 'IN_PROGRESS' && tasks.length > 0) || withdrawn());
  await condition(allHandlersFinished);
  if (withdrawn()) return state;
  const allAccepted = Promise.all(
    tasks.map(async (task) => {
      const { departmentCode } = await task.result();
      state.departments[departmentCode] = 'ACCEPTED';
    }),
  );
  // A withdrawal cancels the tasks, which then fail: that is the end, not an error.
  allAccepted.catch(() => undefined);
  await Promise.race([allAccepted, condition(withdrawn)]);
  if (withdrawn()) {
    await condition(allHandlersFinished);
    return state;
  }
  state.closedAt = new Date().toISOString();
  await transition('CLOSED', '办结', undefined, '各承办单位回报均已通过');
  await condition(allHandlersFinished);
  return state;

  function checkProposal(p: Proposal): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (typeof p?.leadDepartment !== 'string' || !p.leadDepartment) {
      problems.push({ field: 'leadDepartment', reason: '主办单位 is required' });
    }
    if (!Array.isArray(p?.coDepartments) || p.coDepartments.some((c) => typeof c !== 'string' || !c)) {
      problems.push({ field: 'coDepartments', reason: '会办单位 must be a list of department codes' });
    } else if (new Set([p.leadDepartment, ...p.coDepartments]).size !== p.coDepartments.length + 1) {
      problems.push({ field: 'coDepartments', reason: 'a department appears twice, or also leads' });
    }
    if (!(p?.handlingOption in policy.handlingOptions)) {
      problems.push({ field: 'handlingOption', reason: '办理提示 must be one of 1–5' });
    }
    if (!Array.isArray(p?.leaders) || p.leaders.length === 0 || p.leaders.some((l) => !l?.userId)) {
      problems.push({ field: 'leaders', reason: 'name at least one leader to give the 批示' });
    } else if (new Set(p.leaders.map((l) => l.userId)).size !== p.leaders.length) {
      problems.push({ field: 'leaders', reason: 'a leader is named twice' });
    }
    if (p?.leaderMode !== 'SEQUENCE' && p?.leaderMode !== 'PARALLEL') {
      problems.push({ field: 'leaderMode', reason: 'must be SEQUENCE or PARALLEL' });
    }
    if (typeof p?.comment !== 'string' || p.comment.length > 2000) {
      problems.push({ field: 'comment', reason: '拟办意见 must be text of at most 2000 characters' });
    }
    return problems;
  }

  function checkInstruction({ by, decision, text, amendment }: InstructRequest): void {
    requireRole(by, ['LEADER'], '批示');
    requireStatus(state.status, ['AWAITING_INSTRUCTION'], '批示');
    const proposal = state.proposal!;
    if (!proposal.leaders.some((l) => l.userId === by.userId)) {
      refuse('NotYours', '批示: you were not asked for an instruction on this directive');
    }
    if (state.instructions.some((i) => i.by.userId === by.userId)) {
      refuse('NotNow', '批示: you have already given your instruction');
    }
    if (proposal.leaderMode === 'SEQUENCE') {
      const next = proposal.leaders[state.instructions.length]!;
      if (next.userId !== by.userId) refuse('NotNow', `批示: ${next.displayName} instructs first`);
    }
    if (!['APPROVE', 'AMEND', 'RETURN'].includes(decision)) {
      invalid([{ field: 'decision', reason: 'must be APPROVE, AMEND or RETURN' }]);
    }
    const problems: FieldProblem[] =
      decision === 'APPROVE'
        ? typeof text === 'string'
          ? []
          : [{ field: 'text', reason: 'must be text' }]
        : requireText(text, 'text', '批示内容');
    if (decision === 'AMEND') {
      if (!amendment || Object.keys(amendment).length === 0) {
        problems.push({ field: 'amendment', reason: 'say what the instruction changes' });
      } else {
        problems.push(...checkProposal({ ...proposal, ...amendment }));
      }
    }
    if (problems.length) invalid(problems);
  }
}

function describeProposal(p: Proposal): string {
  const co = p.coDepartments.length ? `，${p.coDepartments.join('、')} 会办` : '';
  return `${p.leadDepartment} 主办${co}，办理提示 ${p.handlingOption}`;
}
