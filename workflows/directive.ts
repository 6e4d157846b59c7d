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
import { activities, turnNoticeWithRecord } from './activities';
import {
  assignUrgerUpdate,
  circulateUpdate,
  departmentTaskWorkflowId,
  directiveWorkflowId,
  dispatchUpdate,
  getDirectiveStateQuery,
  fileUpdate,
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
import { chinaDate, isCalendarDate, type FieldProblem } from './incoming-document';
import { patched, startUnderRelease } from './patches';
import type { RecordDirectiveInput } from '../activities/projection';
import { actor, invalid, isKeyOf, optionalText, refuse, requireRole, requireText, stepEntry } from './rules';
import { DIRECTIVE_STEPS, checkStep } from './steps';
import * as say from './wording';
import type { ReviewerRole, RoutingPolicy } from './policy';
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
  FileRequest,
  InstructRequest,
  Proposal,
  ProposeHandlingRequest,
  ReviewProposalRequest,
  WithdrawRequest,
} from './types';
import { AMENDABLE_FIELDS } from './types';
import type { NoticeToDeliver } from '../activities/notices';

/** Whose turn a step makes it (待办): the step they take, and the roles or the people told. */
interface Turn {
  step: string;
  recipients?: ReviewerRole[] | ['REGISTRAR'];
  named?: Actor[];
}

export async function directiveWorkflow(input: DirectiveInput): Promise<DirectiveState> {
  startUnderRelease();
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
  const ended = () => ['CLOSED', 'WITHDRAWN', 'RETURNED_TO_SENDER', 'FILED'].includes(state.status);
  const tasks: ChildWorkflowHandle<typeof departmentTaskWorkflow>[] = [];

  /** The directive as the database shows it: written with each timeline entry, or alone. */
  const projection = () => ({
    receiptNumber: input.receiptNumber,
    status: state.status,
    leadDepartmentCode: state.proposal?.leadDepartment,
    forReading: state.proposal?.forReading,
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
   * The notice to the people whose turn a step has made it (待办): the inbox and the deployment's
   * channels, keyed by the entry just recorded so a retry never sends it twice.
   */
  const turnNotice = ({ step, recipients, named }: Turn): NoticeToDeliver => ({
    noticeKey: `${directiveWorkflowId(input.receiptNumber)}:turn:${timelineSeq}`,
    kind: 'TURN',
    receiptNumber: input.receiptNumber,
    recipients: recipients ?? [],
    instructingLeaders: [],
    named,
    title: `待${step}：${input.document.title}`,
    body: `${input.document.docNumber}（收文编号 ${input.receiptNumber}）待你${step}`,
    at: new Date().toISOString(),
  });

  /**
   * Records a step; with `turn`, tells whose turn it now is, in the same local activity. Histories
   * from before that deliver the notice in an activity of their own, behind the 'turn-notices' patch
   * (none before it).
   */
  async function record(
    action: string,
    by: Actor | ActingUser | undefined,
    from: DirectiveStatus,
    comment?: string,
    turn?: Turn,
    along: Pick<RecordDirectiveInput, 'dispatchedTasks'> = {},
  ) {
    const entry = stepEntry(++timelineSeq, by, action, from, state.status, comment);
    const together = turn !== undefined && turnNoticeWithRecord();
    await activities.recordDirective({
      ...projection(),
      entry,
      ...(together ? { turnNotice: turnNotice(turn) } : {}),
      ...along,
    });
    if (turn && !together && patched('turn-notices')) await activities.deliverNotice(turnNotice(turn));
  }

  /** Moves to a new status and records it; the change is visible to the next validator at once. */
  async function transition(
    to: DirectiveStatus,
    action: string,
    by: Actor | undefined,
    comment?: string,
    turn?: Turn,
  ) {
    const from = state.status;
    state.status = to;
    await record(action, by, from, comment, turn);
  }

  // 拟办: the clerk names the lead and co-departments, the handling option and the leaders to ask.
  setHandler(
    proposeHandlingUpdate,
    async ({ by, proposal }) => {
      state.proposal = { ...proposal, leaders: proposal.leaders.map(actor) };
      state.signOffs = [];
      state.instructions = [];
      await transition(
        'REVIEWING',
        '拟办',
        by,
        `${describeProposal(state.proposal)}${optionTerms(state.proposal, policy)}。${proposal.comment}`,
        { step: '审核', recipients: [policy.reviewChain[0]!] },
      );
      return state;
    },
    {
      validator: ({ by, proposal }: ProposeHandlingRequest) => {
        checkStep(DIRECTIVE_STEPS.propose, by, state.status);
        // Directives returned for a new 拟办 may predate 初审: only a new one must pass it first.
        if (state.status === 'REGISTERED' && !state.initialReview) refuse('NotNow', '拟办：请先初审');
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
      // The last sign-off asks the leaders; until then the next role of the chain signs.
      await transition(
        done ? 'AWAITING_INSTRUCTION' : 'REVIEWING',
        '审核',
        by,
        comment || '同意',
        done
          ? { step: '批示', named: awaitedLeaders() }
          : { step: '审核', recipients: [policy.reviewChain[state.signOffs.length]!] },
      );
      return state;
    },
    {
      validator: ({ by, decision, comment }: ReviewProposalRequest) => {
        checkStep(DIRECTIVE_STEPS.review, by, state.status);
        // Of the 审核 roles, only the one the policy's reviewChain names next signs now.
        const role = policy.reviewChain[state.signOffs.length]!;
        requireRole(
          by,
          [role],
          `审核（第 ${state.signOffs.length + 1} 级，共 ${policy.reviewChain.length} 级）`,
        );
        if (state.signOffs.some((s) => s.by.userId === by.userId))
          refuse('NotYours', '审核：您已审核过此拟办');
        if (decision !== 'APPROVE' && decision !== 'RETURN')
          invalid([
            { field: 'decision', reason: say.oneOfThese('审核', ['APPROVE（同意）', 'RETURN（退回）']) },
          ]);
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
      // In sequence the next leader's turn comes now; once all have instructed, the clerk's 转办.
      const turn: Turn | undefined = done
        ? { step: proposal.forReading ? '归档' : '转办', recipients: ['REGISTRAR'] }
        : proposal.leaderMode === 'SEQUENCE'
          ? { step: '批示', named: awaitedLeaders() }
          : undefined;
      await transition(done ? 'INSTRUCTED' : 'AWAITING_INSTRUCTION', '批示', by, comment, turn);
      return state;
    },
    { validator: (request: InstructRequest) => checkInstruction(request) },
  );

  // 转办: one child workflow per department, each with its own deadline and report-back.
  setHandler(
    dispatchUpdate,
    async ({ by }) => {
      const proposal = state.proposal!;
      const lead = proposal.leadDepartment!;
      const dispatchDate = chinaDate(Date.now());
      state.dispatchedAt = new Date().toISOString();
      state.status = 'IN_PROGRESS';
      const leaders = state.instructions.filter((i) => i.decision !== 'RETURN').map((i) => i.by);
      const departments = [
        { code: lead, role: 'LEAD' as const },
        ...proposal.coDepartments.map((code) => ({ code, role: 'CO' as const })),
      ];
      // A 回报期限 the 拟办 or the 批示 set, per department or for all; else the option's default,
      // which also stands in for one that passed while the 批示 was awaited (a task is never
      // dispatched already overdue).
      const deadlineOf = (code: string) => {
        const set = proposal.departmentDueDates?.[code] ?? proposal.dueDate;
        return set !== undefined && set >= dispatchDate ? set : undefined;
      };
      const startTask = ({ code, role }: (typeof departments)[number]) => {
        state.departments[code] = 'DISPATCHED';
        return startChild(departmentTaskWorkflow, {
          workflowId: departmentTaskWorkflowId(input.receiptNumber, code),
          args: [
            {
              receiptNumber: input.receiptNumber,
              departmentCode: code,
              role,
              // 会办意见送主办汇总: the 会办 answer the 主办, whose 回报单 waits for them.
              ...(proposal.coOpinionsToLead
                ? role === 'LEAD'
                  ? { opinionsFrom: proposal.coDepartments }
                  : { opinionTo: lead }
                : {}),
              handlingOption: proposal.handlingOption!,
              document: input.document,
              dispatchDate,
              ...(deadlineOf(code) ? { dueDate: deadlineOf(code) } : {}),
              policy,
              instructingLeaders: leaders,
            },
          ],
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        });
      };
      const option = policy.handlingOptions[proposal.handlingOption!];
      const ownDeadline = () =>
        activities.computeSchedule({
          startDate: dispatchDate,
          withinDays: option.reportWithinDays,
          counting: policy.dayCounting,
          offsets: [],
          noticeHour: policy.noticeHour,
          noticeMinute: policy.noticeMinute,
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
      const dispatchedTasks = departments.map(({ code, role }) => ({
        workflowId: departmentTaskWorkflowId(input.receiptNumber, code),
        departmentCode: code,
        role,
        handlingOption: proposal.handlingOption!,
        // As the task computes its own: the date set for it, else the option's days from today.
        dueDate: deadlineOf(code) ?? dueDate,
      }));
      // The directive's own 回报期限 is its departments' latest.
      state.dueDate = dispatchedTasks.map((t) => t.dueDate).reduce((a, b) => (a > b ? a : b));
      // The tasks' rows go with the 转办's own, so the page shown next lists them. Only the local
      // activity's input changes, which replay never compares: no patch.
      const comment = `${describeProposal(proposal)}，限于 ${state.dueDate} 前回报`;
      await record('转办', by, 'INSTRUCTED', comment, undefined, { dispatchedTasks });
      return state;
    },
    {
      validator: ({ by }: DispatchRequest) => {
        checkStep(DIRECTIVE_STEPS.dispatch, by, state.status);
        if (state.proposal?.forReading) refuse('NotNow', '转办：此件为阅件，领导阅后归档，不转办');
        const urgency = input.document.urgency;
        if (policy.urgerRequiredFor?.includes(urgency) && !state.urger)
          refuse('NotNow', `转办：${urgency}件须先指定督办人`);
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
        .filter(
          ([, status]) =>
            (status !== 'ACCEPTED' && status !== 'SENT_TO_LEAD') || !patched('withdraw-open-tasks-only'),
        )
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

  // 归档: a 阅件 ends without 转办: filed once its leaders have read it (after the 批示), or at once
  // after 初审 when it is only for reference (存档备查). The file is then closed.
  setHandler(
    fileUpdate,
    async ({ by, comment }) => {
      state.closedAt = new Date().toISOString();
      await transition('FILED', '归档', by, comment.trim());
      return state;
    },
    {
      validator: ({ by, comment }: FileRequest) => {
        checkStep(DIRECTIVE_STEPS.file, by, state.status);
        if (state.status === 'REGISTERED' && !state.initialReview) refuse('NotNow', '归档：请先初审');
        const problems = requireText(comment, 'comment', '归档意见', 500);
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
        if (state.initialReview) refuse('NotNow', '已初审，不能再次初审');
        if (decision !== 'ACCEPT' && decision !== 'RETURN_TO_SENDER')
          invalid([
            {
              field: 'decision',
              reason: say.oneOfThese('初审', ['ACCEPT（受理）', 'RETURN_TO_SENDER（退文）']),
            },
          ]);
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
        if (!urger?.userId) invalid([{ field: 'urger', reason: '督办人须为办公厅工作人员' }]);
        if (state.urger?.userId === urger.userId) refuse('NotNow', `${urger.displayName}已是督办人`);
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
        if (state.reply) refuse('NotNow', '不能传阅：此件已答复并归档');
        const problems: FieldProblem[] = [];
        if (!Array.isArray(readers) || readers.length === 0 || readers.some((r) => !r?.userId)) {
          problems.push({ field: 'readers', reason: '传阅对象至少一人' });
        } else if (new Set(readers.map((r) => r.userId)).size !== readers.length) {
          problems.push({ field: 'readers', reason: say.repeated('传阅对象') });
        }
        if (purpose !== 'READ' && purpose !== 'COMMENT')
          problems.push({
            field: 'purpose',
            reason: say.oneOfThese('传阅', ['READ（阅知）', 'COMMENT（提意见）']),
          });
        if (typeof note !== 'string' || note.length > 2000)
          problems.push({ field: 'note', reason: '附言须为文字，不超过2000个字符' });
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
        if (!sent) refuse('NotNow', `传阅 ${circulationId} 不存在`);
        const copy = copyOf(circulationId, by);
        if (!copy) refuse('NotYours', `传阅 ${circulationId} 未送您阅`);
        if (sent.recalledAt) refuse('NotNow', `传阅 ${circulationId} 已收回`);
        if (copy.readAt) refuse('NotNow', `您已阅过传阅 ${circulationId}`);
        const problems =
          sent.purpose === 'COMMENT'
            ? requireText(comment, 'comment', '传阅意见')
            : comment === undefined || typeof comment === 'string'
              ? []
              : [{ field: 'comment', reason: say.mustBeText('传阅意见') }];
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
        if (!sent) refuse('NotNow', `传阅 ${circulationId} 不存在`);
        if (sent.recalledAt) refuse('NotNow', `传阅 ${circulationId} 已收回`);
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
        if (state.reply) refuse('NotNow', '已答复，不能再次答复');
        const problems = requireText(text, 'text', '答复内容', 5000);
        if (!Array.isArray(notifyDepartments) || notifyDepartments.some((d) => typeof d !== 'string' || !d)) {
          problems.push({ field: 'notifyDepartments', reason: '抄告单位须为单位代码的列表' });
        }
        if (problems.length) invalid(problems);
      },
    },
  );

  const withdrawn = () => state.status === 'WITHDRAWN';
  const stopped = () => withdrawn() || state.status === 'RETURNED_TO_SENDER' || state.status === 'FILED';
  // 办文时限: the office's own clock from 签收 to 转办 (directives received before it had none).
  if (policy.officeHandling && patched('office-handling-clock')) void officeHandlingClock();

  // The directive is closed (办结) when every department's report has been accepted.
  await condition(() => (state.status === 'IN_PROGRESS' && tasks.length > 0) || stopped());
  await condition(allHandlersFinished);
  if (stopped()) return state;
  const allAccepted = Promise.all(
    tasks.map(async (task) => {
      const { departmentCode, status } = await task.result();
      state.departments[departmentCode] = status ?? 'ACCEPTED';
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
      noticeMinute: policy.noticeMinute,
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
    const problems: FieldProblem[] = [...checkLeaders(p)];
    if (p?.forReading !== undefined && typeof p.forReading !== 'boolean')
      problems.push({ field: 'forReading', reason: '阅件须为 true 或 false' });
    if (p?.forReading === true) return [...problems, ...checkReadingOnly(p)];
    if (typeof p?.leadDepartment !== 'string' || !p.leadDepartment) {
      problems.push({ field: 'leadDepartment', reason: say.required('主办单位') });
    }
    if (!Array.isArray(p?.coDepartments) || p.coDepartments.some((c) => typeof c !== 'string' || !c)) {
      problems.push({ field: 'coDepartments', reason: '会办单位须为单位代码的列表' });
    } else if (new Set([p.leadDepartment, ...p.coDepartments]).size !== p.coDepartments.length + 1) {
      problems.push({ field: 'coDepartments', reason: '会办单位不得重复，也不得与主办单位相同' });
    }
    if (!isKeyOf(policy.handlingOptions, p?.handlingOption, 'integer')) {
      problems.push({ field: 'handlingOption', reason: '办理提示须为 1–5 之一' });
    }
    if (p?.coOpinionsToLead !== undefined && typeof p.coOpinionsToLead !== 'boolean') {
      problems.push({ field: 'coOpinionsToLead', reason: '会办意见送主办汇总须为 true 或 false' });
    } else if (p?.coOpinionsToLead && !p.coDepartments?.length) {
      problems.push({ field: 'coOpinionsToLead', reason: '会办意见送主办汇总须有会办单位' });
    }
    problems.push(...checkDueDates(p));
    return problems;
  }

  /** 请…同志批示 and the 拟办意见, for every 拟办 (a 阅件's too). */
  function checkLeaders(p: Proposal): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (!Array.isArray(p?.leaders) || p.leaders.length === 0 || p.leaders.some((l) => !l?.userId)) {
      problems.push({ field: 'leaders', reason: '请批示领导至少一人' });
    } else if (new Set(p.leaders.map((l) => l.userId)).size !== p.leaders.length) {
      problems.push({ field: 'leaders', reason: say.repeated('请批示领导') });
    }
    if (p?.leaderMode !== 'SEQUENCE' && p?.leaderMode !== 'PARALLEL') {
      problems.push({
        field: 'leaderMode',
        reason: say.oneOfThese('批示方式', ['SEQUENCE（依次批示）', 'PARALLEL（同时批示）']),
      });
    }
    if (typeof p?.comment !== 'string' || p.comment.length > 2000) {
      problems.push({ field: 'comment', reason: '拟办意见须为文字，不超过2000个字符' });
    }
    return problems;
  }

  /** 阅件: the leaders read it and it is filed, so it names no department, option or deadline. */
  function checkReadingOnly(p: Proposal): FieldProblem[] {
    const given: [keyof Proposal, boolean][] = [
      ['leadDepartment', p.leadDepartment !== undefined],
      [
        'coDepartments',
        Array.isArray(p.coDepartments) ? p.coDepartments.length > 0 : p.coDepartments !== undefined,
      ],
      ['handlingOption', p.handlingOption !== undefined],
      ['dueDate', p.dueDate !== undefined],
      ['departmentDueDates', p.departmentDueDates !== undefined],
      ['coOpinionsToLead', p.coOpinionsToLead !== undefined],
    ];
    return given
      .filter(([, present]) => present)
      .map(([field]) => ({ field, reason: `阅件不转办，不填${say.PROPOSAL_LABELS[field] ?? field}` }));
  }

  /** A 回报期限 set by hand: a real date from today on, for a department the 拟办 names. */
  function checkDueDates(p: Proposal): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const today = chinaDate(Date.now());
    const checkDate = (field: string, v: unknown) => {
      if (typeof v !== 'string' || !isCalendarDate(v))
        problems.push({ field, reason: say.notADate('回报期限') });
      else if (v < today) problems.push({ field, reason: `回报期限不能早于今天（${today}）` });
    };
    if (p?.dueDate !== undefined) checkDate('dueDate', p.dueDate);
    const byDepartment = p?.departmentDueDates;
    if (byDepartment === undefined) return problems;
    if (typeof byDepartment !== 'object' || byDepartment === null || Array.isArray(byDepartment)) {
      problems.push({ field: 'departmentDueDates', reason: '各单位回报期限须按单位代码逐一填写日期' });
      return problems;
    }
    const named = [p.leadDepartment, ...(Array.isArray(p.coDepartments) ? p.coDepartments : [])];
    for (const [code, v] of Object.entries(byDepartment)) {
      if (!named.includes(code))
        problems.push({
          field: `departmentDueDates.${code}`,
          reason: `${code} 不是本拟办的承办单位`,
        });
      else checkDate(`departmentDueDates.${code}`, v);
    }
    return problems;
  }

  function checkInstruction({ by, decision, text, amendment }: InstructRequest): void {
    checkStep(DIRECTIVE_STEPS.instruct, by, state.status);
    const proposal = state.proposal!;
    if (!proposal.leaders.some((l) => l.userId === by.userId)) {
      refuse('NotYours', '批示：此件未呈请您批示');
    }
    if (state.instructions.some((i) => i.by.userId === by.userId)) {
      refuse('NotNow', '批示：您已批示过此件');
    }
    if (proposal.leaderMode === 'SEQUENCE') {
      const next = proposal.leaders[state.instructions.length]!;
      if (next.userId !== by.userId) refuse('NotNow', `批示：请${next.displayName}先批示`);
    }
    if (!['APPROVE', 'AMEND', 'RETURN'].includes(decision)) {
      invalid([
        {
          field: 'decision',
          reason: say.oneOfThese('批示', ['APPROVE（同意）', 'AMEND（修改）', 'RETURN（退回）']),
        },
      ]);
    }
    const problems: FieldProblem[] =
      decision === 'APPROVE'
        ? typeof text === 'string'
          ? []
          : [{ field: 'text', reason: say.mustBeText('批示内容') }]
        : requireText(text, 'text', '批示内容');
    if (decision === 'AMEND') {
      const amendable: readonly string[] = AMENDABLE_FIELDS;
      if (!amendment || typeof amendment !== 'object' || Object.keys(amendment).length === 0) {
        problems.push({ field: 'amendment', reason: '请写明批示修改的内容' });
      } else if (Object.keys(amendment).some((k) => !amendable.includes(k))) {
        problems.push({
          field: 'amendment',
          reason: `批示只能修改${amendable.map((k) => say.PROPOSAL_LABELS[k] ?? k).join('、')}`,
        });
      } else {
        problems.push(...checkProposal({ ...proposal, ...amendment }));
      }
    }
    if (problems.length) invalid(problems);
  }
}

function describeProposal(p: Proposal): string {
  if (p.forReading) return '阅件，呈领导阅后归档';
  const co = p.coDepartments.length
    ? `，${p.coDepartments.join('、')} 会办${p.coOpinionsToLead ? '（会办意见送主办汇总）' : ''}`
    : '';
  const byDepartment = Object.entries(p.departmentDueDates ?? {}).map(([code, d]) => `${code} ${d}`);
  const deadline = p.dueDate
    ? `，限于 ${p.dueDate} 前回报${byDepartment.length ? `（${byDepartment.join('、')}）` : ''}`
    : byDepartment.length
      ? `，回报期限 ${byDepartment.join('、')}`
      : '';
  return `${p.leadDepartment} 主办${co}，办理提示 ${p.handlingOption}${deadline}`;
}

/** The 拟办's option as the 呈批表 says it: （此件，需加具贯彻意见…，10天内回报，代拟稿15天内送出）. */
function optionTerms(p: Proposal, policy: RoutingPolicy): string {
  if (p.forReading) return '';
  const option = policy.handlingOptions[p.handlingOption!];
  const draft = option.draftWithinDays ? `，代拟稿${option.draftWithinDays}天内送出` : '';
  return `（${option.label}，${option.reportWithinDays}天内回报${draft}）`;
}
