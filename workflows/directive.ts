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
  patched,
  setHandler,
  startChild,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { activities } from './activities';
import {
  assignUrgerUpdate,
  circulateUpdate,
  departmentTaskWorkflowId,
  directiveWorkflowId,
  dispatchUpdate,
  getDirectiveStateQuery,
  initialReviewUpdate,
  instructUpdate,
  proposeHandlingUpdate,
  readCirculationUpdate,
  recallCirculationUpdate,
  replyUpdate,
  reviewProposalUpdate,
  withdrawUpdate,
} from './definitions';
import { departmentTaskWorkflow } from './department-task';
import { chinaDate, type FieldProblem } from './incoming-document';
import { actor, invalid, isKeyOf, optionalText, refuse, requireRole, requireText, signer } from './rules';
import { DIRECTIVE_STEPS, checkStep } from './steps';
import type { ReviewerRole } from './policy';
import type {
  Circulation,
  ActingUser,
  Actor,
  AssignUrgerRequest,
  CirculateRequest,
  InitialReviewRequest,
  ReadCirculationRequest,
  RecallCirculationRequest,
  ReplyRequest,
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

export async function directiveWorkflow(input: DirectiveInput): Promise<DirectiveState> {
  const { policy } = input;
  // 收文登记 is already recorded by the register, which started this workflow.
  const state: DirectiveState = {
    receiptNumber: input.receiptNumber,
    status: 'REGISTERED',
    registeredAt: input.registeredAt,
    signedForAt: input.signedForAt ?? input.registeredAt,
    signOffs: [],
    instructions: [],
    departments: {},
  };
  setHandler(getDirectiveStateQuery, () => state);

  let timelineSeq = input.timelineSeq;
  /** For handlers, which may add one; validators read `state.circulations` and change nothing. */
  const circulations = () => (state.circulations ??= []);
  const circulation = (id: number) => state.circulations?.find((c) => c.id === id);
  const copyOf = (circulationId: number, by: Actor) =>
    circulation(circulationId)?.copies.find((c) => c.reader.userId === by.userId);
  const ended = () => ['CLOSED', 'WITHDRAWN', 'RETURNED_TO_SENDER'].includes(state.status);
  const tasks: ChildWorkflowHandle<typeof departmentTaskWorkflow>[] = [];

  /** The directive as the database shows it: written with each timeline entry, or alone. */
  const projection = () => ({
    receiptNumber: input.receiptNumber,
    status: state.status,
    leadDepartmentCode: state.proposal?.leadDepartment,
    handlingOption: state.proposal?.handlingOption,
    dueDate: state.dueDate,
    dispatchedAt: state.dispatchedAt,
    closedAt: state.closedAt,
    officeDueDate: state.officeDueDate,
    urgerId: state.urger?.userId,
    // Who may read it: the leaders the 拟办 asks for 批示, before any of them has acted.
    leaderIds: state.proposal && `,${state.proposal.leaders.map((l) => l.userId).join(',')},`,
    // And the departments dispatched to, so each may act on its task as soon as 转办 answers.
    departmentCodes: Object.keys(state.departments).length
      ? `,${Object.keys(state.departments).join(',')},`
      : undefined,
    // 拟办意见 as the clerk wrote it (the timeline's 拟办 entry adds the departments and option).
    proposalComment: state.proposal?.comment,
    reply: state.reply,
    circulations: state.circulations,
    // Whose turn it is (待办): the reviewer role that signs next, the leaders whose 批示 is awaited.
    reviewTurn: state.status === 'REVIEWING' ? policy.reviewChain[state.signOffs.length] : undefined,
    instructionTurn:
      state.status === 'AWAITING_INSTRUCTION' && state.proposal
        ? `,${awaitedLeaders()
            .map((l) => l.userId)
            .join(',')},`
        : undefined,
  });

  /** The leaders asked whose 批示 is still awaited: in SEQUENCE mode only the one whose turn it is. */
  function awaitedLeaders(): Actor[] {
    const proposal = state.proposal!;
    const waiting = proposal.leaders.filter((l) => !state.instructions.some((i) => i.by.userId === l.userId));
    return proposal.leaderMode === 'SEQUENCE' ? waiting.slice(0, 1) : waiting;
  }

  /**
   * Tells the people whose turn a step has become (待办): the inbox and the deployment's channels,
   * keyed by the entry just recorded so a retry never sends it twice. Behind a patch: histories
   * recorded before it replay without the extra activity.
   */
  async function noticeTurn(
    step: string,
    to: { recipients?: ReviewerRole[] | ['REGISTRAR']; named?: Actor[] },
  ) {
    if (!patched('turn-notices')) return;
    await activities.deliverNotice({
      noticeKey: `${directiveWorkflowId(input.receiptNumber)}:turn:${timelineSeq}`,
      kind: 'TURN',
      receiptNumber: input.receiptNumber,
      recipients: to.recipients ?? [],
      instructingLeaders: [],
      named: to.named,
      title: `待${step}：${input.document.title}`,
      body: `${input.document.docNumber}（收文编号 ${input.receiptNumber}）待你${step}`,
      at: new Date().toISOString(),
    });
  }

  async function record(
    action: string,
    by: Actor | ActingUser | undefined,
    from: DirectiveStatus,
    comment?: string,
  ) {
    const at = new Date().toISOString();
    await activities.recordDirective({
      ...projection(),
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
      await noticeTurn('审核', { recipients: [policy.reviewChain[0]!] });
      return state;
    },
    {
      validator: ({ by, proposal }: ProposeHandlingRequest) => {
        checkStep(DIRECTIVE_STEPS.propose, by, state.status);
        // Directives returned for a new 拟办 may predate 初审: only a new one must pass it first.
        if (state.status === 'REGISTERED' && !state.initialReview)
          refuse('NotNow', '拟办: 初审 (initial review) first');
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
      // The last sign-off asks the leaders; until then the next role of the chain signs.
      if (done) await noticeTurn('批示', { named: awaitedLeaders() });
      else await noticeTurn('审核', { recipients: [policy.reviewChain[state.signOffs.length]!] });
      return state;
    },
    {
      validator: ({ by, decision, comment }: ReviewProposalRequest) => {
        checkStep(DIRECTIVE_STEPS.review, by, state.status);
        // Of the 审核 roles, only the one the policy's reviewChain names next signs now.
        const role = policy.reviewChain[state.signOffs.length]!;
        requireRole(by, [role], `审核 (step ${state.signOffs.length + 1} of ${policy.reviewChain.length})`);
        if (state.signOffs.some((s) => s.by.userId === by.userId))
          refuse('NotYours', '审核: you have already signed this 拟办');
        if (decision !== 'APPROVE' && decision !== 'RETURN')
          invalid([{ field: 'decision', reason: 'must be APPROVE or RETURN' }]);
        const problems =
          decision === 'RETURN'
            ? requireText(comment, 'comment', '退回意见')
            : optionalText(comment, 'comment', '审核意见');
        if (problems.length) invalid(problems);
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
      // In sequence the next leader's turn comes now; once all have instructed, the clerk's 转办.
      if (done) await noticeTurn('转办', { recipients: ['REGISTRAR'] });
      else if (proposal.leaderMode === 'SEQUENCE') await noticeTurn('批示', { named: awaitedLeaders() });
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
      const startTask = ({ code, role }: (typeof departments)[number]) => {
        state.departments[code] = 'DISPATCHED';
        return startChild(departmentTaskWorkflow, {
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
        });
      };
      const option = policy.handlingOptions[proposal.handlingOption];
      const ownDeadline = () =>
        activities.computeSchedule({
          startDate: dispatchDate,
          withinDays: option.reportWithinDays,
          counting: policy.dayCounting,
          offsets: [],
          noticeHour: policy.noticeHour,
        });
      let dueDate: string;
      if (patched('parallel-dispatch')) {
        // Every department's task and the directive's own deadline at once, not one after another.
        const [started, schedule] = await Promise.all([
          Promise.all(departments.map(startTask)),
          ownDeadline(),
        ]);
        tasks.push(...started);
        dueDate = schedule.dueDate;
      } else {
        for (const department of departments) tasks.push(await startTask(department));
        ({ dueDate } = await ownDeadline());
      }
      state.dueDate = dueDate;
      await record('转办', by, 'INSTRUCTED', `${describeProposal(proposal)}，限于 ${dueDate} 前回报`);
      return state;
    },
    {
      validator: ({ by }: DispatchRequest) => {
        checkStep(DIRECTIVE_STEPS.dispatch, by, state.status);
        const urgency = input.document.urgency;
        if (policy.urgerRequiredFor?.includes(urgency) && !state.urger)
          refuse('NotNow', `转办: a ${urgency} directive needs a 督办人 first`);
      },
    },
  );

  // 撤办: the office withdraws the directive at any step before 办结; every department task ends.
  setHandler(
    withdrawUpdate,
    async ({ by, reason }) => {
      const from = state.status;
      state.status = 'WITHDRAWN';
      // A task already finished (or not yet started) cannot be cancelled; the withdrawal stands.
      // Only tasks still open are asked: a cancel request to a closed one may never be answered
      // (seen on the test server), which would hold the 撤办 forever.
      const open = Object.entries(state.departments)
        .filter(([, status]) => status !== 'ACCEPTED' || !patched('withdraw-open-tasks-only'))
        .map(([code]) => code);
      await Promise.allSettled(
        open.map((code) =>
          getExternalWorkflowHandle(departmentTaskWorkflowId(input.receiptNumber, code)).cancel(),
        ),
      );
      await record('撤办', by, from, reason);
      return state;
    },
    {
      validator: ({ by, reason }: WithdrawRequest) => {
        checkStep(DIRECTIVE_STEPS.withdraw, by, state.status);
        const problems = requireText(reason, 'reason', '撤办理由');
        if (problems.length) invalid(problems);
      },
    },
  );

  // 初审: before 拟办, the clerk checks the document belongs here; a misrouted one goes back (退文).
  setHandler(
    initialReviewUpdate,
    async ({ by, decision, comment }) => {
      if (decision === 'RETURN_TO_SENDER') {
        await transition('RETURNED_TO_SENDER', '初审退文', by, comment);
        return state;
      }
      state.initialReview = {
        by: actor(by),
        at: new Date().toISOString(),
        comment: comment || '符合收文要求',
      };
      await record('初审', by, state.status, state.initialReview.comment);
      return state;
    },
    {
      validator: ({ by, decision, comment }: InitialReviewRequest) => {
        checkStep(DIRECTIVE_STEPS.initialReview, by, state.status);
        if (state.initialReview) refuse('NotNow', '初审 is already done');
        if (decision !== 'ACCEPT' && decision !== 'RETURN_TO_SENDER')
          invalid([{ field: 'decision', reason: 'must be ACCEPT or RETURN_TO_SENDER' }]);
        const problems =
          decision === 'RETURN_TO_SENDER'
            ? requireText(comment, 'comment', '退文理由')
            : optionalText(comment, 'comment', '初审意见');
        if (problems.length) invalid(problems);
      },
    },
  );

  // 督办人: the office names who is responsible for urging this directive.
  setHandler(
    assignUrgerUpdate,
    async ({ by, urger }) => {
      state.urger = actor(urger);
      await record('指定督办人', by, state.status, urger.displayName);
      return state;
    },
    {
      validator: ({ by, urger }: AssignUrgerRequest) => {
        checkStep(DIRECTIVE_STEPS.assignUrger, by, state.status);
        if (!urger?.userId) invalid([{ field: 'urger', reason: 'name a member of the office' }]);
        if (state.urger?.userId === urger.userId)
          refuse('NotNow', `${urger.displayName} is already the 督办人`);
      },
    },
  );

  // 传阅: once instructed, the office sends the document round leaders or units to read or comment on.
  setHandler(
    circulateUpdate,
    async ({ by, readers, purpose, note }) => {
      const circulation: Circulation = {
        id: circulations().length + 1,
        purpose,
        sentBy: actor(by),
        sentAt: new Date().toISOString(),
        note: note.trim(),
        copies: readers.map((r) => ({ reader: actor(r) })),
      };
      circulations().push(circulation);
      await activities.deliverNotice({
        noticeKey: `${directiveWorkflowId(input.receiptNumber)}:circulation:${circulation.id}`,
        kind: 'CIRCULATION',
        receiptNumber: input.receiptNumber,
        recipients: [],
        instructingLeaders: [],
        named: circulation.copies.map((c) => c.reader),
        title: `传阅${purpose === 'COMMENT' ? '（请提意见）' : ''}：${input.document.title}`,
        body: `${input.document.docNumber}${circulation.note ? `。${circulation.note}` : ''}`,
        at: circulation.sentAt,
      });
      const names = readers.map((r) => r.displayName).join('、');
      await record(
        '传阅',
        by,
        state.status,
        `第 ${circulation.id} 次，送 ${names} ${purpose === 'COMMENT' ? '提意见' : '阅知'}`,
      );
      return state;
    },
    {
      validator: ({ by, readers, purpose, note }: CirculateRequest) => {
        checkStep(DIRECTIVE_STEPS.circulate, by, state.status);
        if (state.reply) refuse('NotNow', '传阅 is not possible: the directive is answered (答复) and filed');
        const problems: FieldProblem[] = [];
        if (!Array.isArray(readers) || readers.length === 0 || readers.some((r) => !r?.userId)) {
          problems.push({ field: 'readers', reason: 'name at least one reader' });
        } else if (new Set(readers.map((r) => r.userId)).size !== readers.length) {
          problems.push({ field: 'readers', reason: 'a reader is named twice' });
        }
        if (purpose !== 'READ' && purpose !== 'COMMENT')
          problems.push({ field: 'purpose', reason: 'must be READ (阅知) or COMMENT (提意见)' });
        if (typeof note !== 'string' || note.length > 2000)
          problems.push({ field: 'note', reason: 'must be text of at most 2000 characters' });
        if (problems.length) invalid(problems);
      },
    },
  );

  // 阅: a reader marks the circulated document read, with a comment when one was asked for.
  setHandler(
    readCirculationUpdate,
    async ({ by, circulationId, comment }) => {
      const copy = copyOf(circulationId, by)!;
      copy.readAt = new Date().toISOString();
      if (comment?.trim()) copy.comment = comment.trim();
      await record(
        '阅',
        by,
        state.status,
        `第 ${circulationId} 次传阅${copy.comment ? `：${copy.comment}` : ''}`,
      );
      return state;
    },
    {
      validator: ({ by, circulationId, comment }: ReadCirculationRequest) => {
        const sent = circulation(circulationId);
        if (!sent) refuse('NotNow', `传阅 ${circulationId} does not exist`);
        const copy = copyOf(circulationId, by);
        if (!copy) refuse('NotYours', `传阅 ${circulationId} was not sent to you`);
        if (sent.recalledAt) refuse('NotNow', `传阅 ${circulationId} was recalled`);
        if (copy.readAt) refuse('NotNow', `you already read 传阅 ${circulationId}`);
        const problems =
          sent.purpose === 'COMMENT'
            ? requireText(comment, 'comment', '传阅意见')
            : comment === undefined || typeof comment === 'string'
              ? []
              : [{ field: 'comment', reason: 'must be text' }];
        if (problems.length) invalid(problems);
      },
    },
  );

  // 收回: the office recalls a circulation; readers who have not read it no longer hold it.
  setHandler(
    recallCirculationUpdate,
    async ({ by, circulationId, reason }) => {
      const recalled = circulation(circulationId)!;
      recalled.recalledAt = new Date().toISOString();
      recalled.recallReason = reason.trim();
      await record('收回传阅', by, state.status, `第 ${circulationId} 次：${recalled.recallReason}`);
      return state;
    },
    {
      validator: ({ by, circulationId, reason }: RecallCirculationRequest) => {
        checkStep(DIRECTIVE_STEPS.recallCirculation, by, state.status);
        const sent = circulation(circulationId);
        if (!sent) refuse('NotNow', `传阅 ${circulationId} does not exist`);
        if (sent.recalledAt) refuse('NotNow', `传阅 ${circulationId} was already recalled`);
        const problems = requireText(reason, 'reason', '收回理由');
        if (problems.length) invalid(problems);
      },
    },
  );

  // 答复: after 办结 the office records its reply to the 来文单位 and may inform related units.
  setHandler(
    replyUpdate,
    async ({ by, text, notifyDepartments }) => {
      state.reply = {
        by: actor(by),
        at: new Date().toISOString(),
        text: text.trim(),
        notifiedDepartments: notifyDepartments,
      };
      for (const departmentCode of notifyDepartments) {
        await activities.deliverNotice({
          noticeKey: `${directiveWorkflowId(input.receiptNumber)}:reply:${departmentCode}`,
          kind: 'CLOSURE',
          receiptNumber: input.receiptNumber,
          departmentCode,
          recipients: ['DEPT_HANDLER', 'DEPT_HEAD'],
          instructingLeaders: [],
          title: `办结告知：${input.document.title}`,
          body: `${input.document.docNumber} 已办结。${state.reply.text}`,
          at: state.reply.at,
        });
      }
      const informed = notifyDepartments.length ? `；告知 ${notifyDepartments.join('、')}` : '';
      await record(
        '答复',
        by,
        state.status,
        `答复${input.document.sourceOrg}：${state.reply.text}${informed}`,
      );
      return state;
    },
    {
      validator: ({ by, text, notifyDepartments }: ReplyRequest) => {
        checkStep(DIRECTIVE_STEPS.reply, by, state.status);
        if (state.reply) refuse('NotNow', '答复 is already recorded');
        const problems = requireText(text, 'text', '答复内容', 5000);
        if (!Array.isArray(notifyDepartments) || notifyDepartments.some((d) => typeof d !== 'string' || !d)) {
          problems.push({ field: 'notifyDepartments', reason: 'must be a list of department codes' });
        }
        if (problems.length) invalid(problems);
      },
    },
  );

  const withdrawn = () => state.status === 'WITHDRAWN';
  const stopped = () => withdrawn() || state.status === 'RETURNED_TO_SENDER';
  // 办文时限: the office's own clock from 签收 to 转办 (directives received before it had none).
  if (policy.officeHandling && patched('office-handling-clock')) void officeHandlingClock();

  // The directive is closed (办结) when every department's report has been accepted.
  await condition(() => (state.status === 'IN_PROGRESS' && tasks.length > 0) || stopped());
  await condition(allHandlersFinished);
  if (stopped()) return state;
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
  if (patched('reply-after-closure')) {
    // The file stays open for the 答复 to the 来文单位 and until every circulated copy is read or recalled.
    const settled = (c: Circulation) => c.recalledAt !== undefined || c.copies.every((x) => x.readAt);
    await condition(() => state.reply !== undefined && (state.circulations ?? []).every(settled));
  }
  await condition(allHandlersFinished);
  return state;

  async function officeHandlingClock() {
    const { withinDays, remind } = policy.officeHandling!;
    const schedule = await activities.computeSchedule({
      startDate: chinaDate(Date.parse(state.signedForAt!)),
      withinDays: withinDays[input.document.urgency],
      counting: policy.dayCounting,
      offsets: [{ key: 'office-due', offsetDays: 0 }],
      noticeHour: policy.noticeHour,
    });
    state.officeDueDate = schedule.dueDate;
    await activities.recordDirective(projection());
    const remindAt = Date.parse(schedule.notices[0]!.at);
    const moved = () => state.dispatchedAt !== undefined || ended();
    if (await condition(moved, Math.max(remindAt - Date.now(), 0))) return;
    await activities.deliverNotice({
      noticeKey: `${directiveWorkflowId(input.receiptNumber)}:office-due`,
      kind: 'OFFICE_DEADLINE',
      receiptNumber: input.receiptNumber,
      recipients: remind,
      instructingLeaders: [],
      title: `办文时限提醒：${input.document.title}`,
      body: `${input.document.docNumber}（收文编号 ${input.receiptNumber}）应于 ${schedule.dueDate} 前转办`,
      at: new Date().toISOString(),
    });
    await record('办文时限提醒', undefined, state.status, `应于 ${schedule.dueDate} 前转办，尚未转办`);
  }

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
    if (!isKeyOf(policy.handlingOptions, p?.handlingOption, 'integer')) {
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
    checkStep(DIRECTIVE_STEPS.instruct, by, state.status);
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
      const amendable = ['leadDepartment', 'coDepartments', 'handlingOption'];
      if (!amendment || typeof amendment !== 'object' || Object.keys(amendment).length === 0) {
        problems.push({ field: 'amendment', reason: 'say what the instruction changes' });
      } else if (Object.keys(amendment).some((k) => !amendable.includes(k))) {
        problems.push({ field: 'amendment', reason: `a 批示 may change ${amendable.join(', ')} only` });
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
