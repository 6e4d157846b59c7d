/**
 * The office's and the departments' steps on a directive, one endpoint each. Every route parses its
 * body, params and query with one zod schema (api/parse.ts), so a string where a number belongs
 * never reaches a workflow. What this person may not see answers 404 first (api/routes/access.ts),
 * as if it did not exist. The API then checks who may act (role, department: the step tables in
 * workflows/steps.ts, which the workflows' validators also read) and that named departments and
 * people exist; the workflow's update validator decides whether the step is possible now. Either
 * refusal changes nothing.
 */
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import type { Database } from '../../core/database';
import type { Prisma } from '../../generated/prisma/client';
import {
  assignUrgerUpdate,
  circulateUpdate,
  initialReviewUpdate,
  readCirculationUpdate,
  reassignHandlerUpdate,
  recallCirculationUpdate,
  replyUpdate,
  urgeUpdate,
  decideExtensionUpdate,
  departmentTaskWorkflowId,
  directiveWorkflowId,
  dispatchUpdate,
  instructUpdate,
  proposeHandlingUpdate,
  requestExtensionUpdate,
  reviewProposalUpdate,
  reviewReportUpdate,
  reviewDraftUpdate,
  sendDraftUpdate,
  signForUpdate,
  submitReportUpdate,
  withdrawUpdate,
  fileUpdate,
} from '../../workflows/definitions';
import type { FieldProblem } from '../../workflows/incoming-document';
import type { HandlingOptionCode } from '../../workflows/policy';
import { DIRECTIVE_STEPS, TASK_STEPS, type StepRule } from '../../workflows/steps';
import type { ActingUser, Actor, DepartmentTaskState, DirectiveState } from '../../workflows/types';
import * as say from '../../workflows/wording';
import { requireRole } from '../auth/middleware';
import { HttpError, invalidInput } from '../errors';
import {
  calendarDate,
  departmentCode,
  distinct,
  kindOf,
  oneOf,
  parseRequest,
  receiptNumber,
  remark,
  requestSchema,
  text,
  userId,
  wholeNumberText,
} from '../parse';
import { operation } from '../openapi';
import { actingUser, updateIdOf } from '../requests';
import { askingAgainIfNotNow, onceStarted, type StepRunner } from '../updates';
import { directiveVisible, taskVisible } from './access';
import { attachmentsNamed } from './attachments';

export interface RoutingRouterDeps {
  db: Database;
  temporal: Client;
  /** Runs a step's update within the bounded wait (503 with Retry-After past it). */
  steps: StepRunner;
}

// ---------------------------------------------------------------------------------------------
// The forms

const directiveParams = z.object({ receiptNumber }).strict();
const taskParams = z.object({ receiptNumber, departmentCode: departmentCode('单位代码') }).strict();
const circulationParams = z
  .object({ receiptNumber, circulationId: wholeNumberText('传阅编号', 10_000) })
  .strict();

/** 办理提示 on the 拟办 and the 回报单: a number 1–5, never the text "1". */
const HANDLING_OPTIONS = [1, 2, 3, 4, 5] as const satisfies readonly HandlingOptionCode[];
const handlingOption = z.literal(HANDLING_OPTIONS, {
  error: (i) =>
    i.input === undefined ? say.required('办理提示') : `办理提示须为数字 1–5 之一，而非${kindOf(i.input)}`,
});

const departmentCodes = (label: string) => z.array(departmentCode(label)).max(20);
const userIds = (label: string, atLeastOne: string) =>
  z.array(userId(label)).min(1, atLeastOne).max(50, say.tooMany(label, 50));

/** 拟办: who leads (主办), who helps (会办), the handling option, who gives the 批示. */
/**
 * A 回报期限 set by hand, instead of the 办理提示's default: for every department, or for some
 * (e.g. { "GDCZT": "2017-01-20" }). The workflow checks it is not past and names a department of
 * the 拟办.
 */
const deadlineFields = {
  dueDate: calendarDate('回报期限').optional(),
  departmentDueDates: z
    .record(departmentCode('单位代码'), calendarDate('回报期限'), {
      error: '各单位回报期限须按单位代码填写日期，如 {"GDFGW": "2017-01-20"}',
    })
    .optional(),
};

/**
 * 拟办: a 办件 names its 主办 and 办理提示; a 阅件 (forReading) names neither, and the workflow refuses
 * what a 阅件 must leave out.
 */
const proposalForm = z
  .object({
    forReading: z.boolean({ error: '阅件须为 true 或 false' }).optional(),
    leadDepartment: departmentCode('主办单位').optional(),
    coDepartments: departmentCodes('会办单位').default([]),
    // 会办单位意见送主办单位汇总, 主办单位汇总回报.
    coOpinionsToLead: z.boolean({ error: '会办意见送主办汇总须为 true 或 false' }).optional(),
    handlingOption: handlingOption.optional(),
    leaders: userIds('请批示领导', '请批示领导至少一人'),
    leaderMode: oneOf('批示方式', { SEQUENCE: '依次批示', PARALLEL: '同时批示' }).default('SEQUENCE'),
    comment: remark('拟办意见', 2000),
    ...deadlineFields,
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.forReading) return;
    if (p.leadDepartment === undefined)
      ctx.addIssue({ code: 'custom', path: ['leadDepartment'], message: say.required('主办单位') });
    if (p.handlingOption === undefined)
      ctx.addIssue({ code: 'custom', path: ['handlingOption'], message: say.required('办理提示') });
  });

/** 批示: with AMEND, what the leader changes in the proposal. */
const instructionForm = z
  .object({
    decision: oneOf('批示', { APPROVE: '同意', AMEND: '修改', RETURN: '退回' }),
    text: remark('批示内容', 2000),
    amendment: z
      .object({
        leadDepartment: departmentCode('主办单位').optional(),
        coDepartments: departmentCodes('会办单位').optional(),
        handlingOption: handlingOption.optional(),
        ...deadlineFields,
      })
      .strict()
      .optional(),
  })
  .strict();

/** 回报单: the options ticked, what was done, and the 代拟稿 (text or attached files) with option 4. */
const OPTIONS_TICKED = '办理提示须勾选 1–5 中的一项或多项，不得重复';
const draftText = z
  .string({ error: say.mustBeText('代拟稿') })
  .trim()
  .max(50_000, say.tooLong('代拟稿', 50_000))
  .optional();
const attachmentIds = z
  .array(z.string().min(1).max(100))
  .max(20)
  .refine(distinct, say.repeated('附件'))
  .optional();
const reportForm = z
  .object({
    options: z
      .array(handlingOption)
      .min(1, OPTIONS_TICKED)
      .max(5, OPTIONS_TICKED)
      .refine(distinct, OPTIONS_TICKED),
    text: text('办理情况', 5000),
    draft: draftText,
    attachments: attachmentIds,
    // 代拟稿待后送出 (办理提示 4): the 代拟稿 follows on its own deadline.
    draftToFollow: z.boolean({ error: '代拟稿待后送出须为 true 或 false' }).optional(),
  })
  .strict();
/** 送交代拟稿: the 代拟稿 a 回报单 promised, as text, attached files, or both. */
const draftForm = z.object({ draft: draftText, attachments: attachmentIds }).strict();
/** 审核回报 and 审核代拟稿 alike. */
const reviewForm = (step: string, newDate: string) =>
  z
    .object({
      decision: oneOf(step, { ACCEPT: '通过', RETURN: '退回修改' }),
      comment: remark('意见', 2000),
      newDueDate: calendarDate(newDate).optional(),
    })
    .strict();

/** A step's schema: the directive's 收文编号 in the URL and the form in the body. */
const onDirectiveWith = <B extends z.ZodType>(body: B) => requestSchema({ params: directiveParams, body });
/** A task step's schema: 收文编号 and department code in the URL, the form in the body. */
const onTaskWith = <B extends z.ZodType>(body: B) => requestSchema({ params: taskParams, body });

// ---------------------------------------------------------------------------------------------

export function routingRouter({ db, temporal, steps }: RoutingRouterDeps): Router {
  const router = Router();
  const visible = directiveVisible(db);
  const visibleCirculation = directiveVisible(db, circulationParams);
  const visibleTask = taskVisible(db);
  type Handle = ReturnType<Client['workflow']['getHandle']>;

  /** A directive's workflow, for a step: unknown is 404, already closed (办结) is 409. */
  async function onDirective<T>(receiptNumber: string, act: (handle: Handle) => Promise<T>): Promise<T> {
    const handle = temporal.workflow.getHandle(directiveWorkflowId(receiptNumber));
    /** The directive's status as the database shows it; undefined for a directive never registered. */
    const status = async () =>
      (await db.directive.findUnique({ where: { receiptNumber }, select: { status: true } }))?.status;
    try {
      return await onceStarted(
        () => steps(() => askingAgainIfNotNow(() => act(handle))),
        async () => (await status()) === 'REGISTERED',
      );
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const shown = await status();
      if (shown)
        throw new HttpError(
          409,
          'not_now',
          `收文编号 ${receiptNumber} 的来文状态为${say.statusName(shown)}，不能办理此步骤`,
        );
      throw new HttpError(404, 'not_found', `没有收文编号为 ${receiptNumber} 的来文`);
    }
  }

  /** Active users named by id, as actors; `who` narrows and names whom the field expects. */
  async function usersNamed(
    ids: readonly string[],
    field: string,
    who: { label: string; where?: Prisma.UserWhereInput },
  ): Promise<Actor[]> {
    const users = await db.user.findMany({ where: { id: { in: [...ids] }, active: true, ...who.where } });
    const missing = ids.filter((id) => !users.some((u) => u.id === id));
    if (missing.length) throw invalidInput([{ field, reason: `${missing.join('、')} 不是${who.label}` }]);
    return ids.map((id) => {
      const u = users.find((x) => x.id === id)!;
      return { userId: u.id, displayName: u.displayName };
    });
  }
  /** One user named by id, as an actor. */
  const userNamed = async (id: string, field: string, who: Parameters<typeof usersNamed>[2]) =>
    (await usersNamed([id], field, who))[0]!;

  const LEADERS = { label: '领导', where: { roles: { some: { role: 'LEADER' } } } };
  const OFFICE_STAFF = {
    label: '办公厅工作人员',
    where: { department: { kind: { in: ['GENERAL_OFFICE', 'OFFICE_SECTION'] } } },
  };

  /** Department codes named in a form must be responsible departments (承办单位). */
  async function checkDepartments(named: { code: string; field: string }[]): Promise<void> {
    const known = await db.department.findMany({
      where: { code: { in: named.map((n) => n.code) }, kind: 'RESPONSIBLE_DEPARTMENT' },
    });
    const problems: FieldProblem[] = named
      .filter(({ code }) => !known.some((d) => d.code === code))
      .map(({ code, field }) => ({ field, reason: `${code} 不是承办单位` }));
    if (problems.length) throw invalidInput(problems);
  }
  const listed = (codes: readonly string[], field: string) =>
    codes.map((code, i) => ({ code, field: `${field}[${i}]` }));

  /** A step on a directive's own workflow; `request` may check the form against the database first. */
  function directiveStep<
    S extends z.ZodType<{ params: z.output<typeof directiveParams>; body: unknown }>,
    R extends { by: ActingUser },
  >(
    step: string,
    rule: StepRule,
    schema: S,
    update: UpdateDefinition<DirectiveState, [R]>,
    request: (input: z.output<S>) => Promise<Omit<R, 'by'>> | Omit<R, 'by'>,
  ) {
    router.post(
      `/api/directives/:receiptNumber/${step}`,
      operation({
        summary: `${rule.label}: ${step} on a directive`,
        request: schema,
        who: 'Who sees the directive (404 for anyone else); the workflow decides whether it is possible now.',
        responses: { 200: '`{state}`: the directive’s workflow state' },
        step: true,
      }),
      visible,
      requireRole(...rule.roles),
      async (req, res) => {
        const input = parseRequest(schema, req);
        const fields = await request(input);
        const updateId = updateIdOf(req, step);
        const state = await onDirective(input.params.receiptNumber, (h) =>
          h.executeUpdate(update, { args: [{ ...fields, by: actingUser(req) } as R], updateId }),
        );
        res.json({ state });
      },
    );
  }

  // 拟办
  directiveStep(
    'proposal',
    DIRECTIVE_STEPS.propose,
    onDirectiveWith(proposalForm),
    proposeHandlingUpdate,
    async ({ body: p }) => {
      await checkDepartments([
        ...(p.leadDepartment ? [{ code: p.leadDepartment, field: 'leadDepartment' }] : []),
        ...listed(p.coDepartments, 'coDepartments'),
      ]);
      const leaders = await usersNamed(p.leaders, 'leaders', LEADERS);
      return { proposal: { ...p, leaders } };
    },
  );

  // 审核
  directiveStep(
    'review',
    DIRECTIVE_STEPS.review,
    onDirectiveWith(
      z
        .object({
          decision: oneOf('审核', { APPROVE: '同意', RETURN: '退回' }),
          comment: remark('审核意见', 2000),
        })
        .strict(),
    ),
    reviewProposalUpdate,
    ({ body }) => body,
  );

  // 批示
  directiveStep(
    'instruction',
    DIRECTIVE_STEPS.instruct,
    onDirectiveWith(instructionForm),
    instructUpdate,
    async ({ body }) => {
      const a = body.amendment;
      if (a)
        await checkDepartments([
          ...(a.leadDepartment ? [{ code: a.leadDepartment, field: 'amendment.leadDepartment' }] : []),
          ...listed(a.coDepartments ?? [], 'amendment.coDepartments'),
        ]);
      return body;
    },
  );

  // 转办
  directiveStep(
    'dispatch',
    DIRECTIVE_STEPS.dispatch,
    onDirectiveWith(z.object({}).strict()),
    dispatchUpdate,
    () => ({}),
  );

  // 撤办
  directiveStep(
    'withdraw',
    DIRECTIVE_STEPS.withdraw,
    onDirectiveWith(z.object({ reason: text('撤办理由', 2000) }).strict()),
    withdrawUpdate,
    ({ body }) => body,
  );

  // 归档: a 阅件 read by its leaders, or one kept for reference, filed without 转办.
  directiveStep(
    'file',
    DIRECTIVE_STEPS.file,
    onDirectiveWith(z.object({ comment: text('归档意见', 500) }).strict()),
    fileUpdate,
    ({ body }) => body,
  );

  // 初审: accept for handling, or send a misrouted document back to its sender (退文).
  directiveStep(
    'initial-review',
    DIRECTIVE_STEPS.initialReview,
    onDirectiveWith(
      z
        .object({
          decision: oneOf('初审', { ACCEPT: '受理', RETURN_TO_SENDER: '退文' }),
          comment: remark('初审意见', 2000),
        })
        .strict(),
    ),
    initialReviewUpdate,
    ({ body }) => body,
  );

  // 督办人
  directiveStep(
    'urger',
    DIRECTIVE_STEPS.assignUrger,
    onDirectiveWith(z.object({ urger: userId('督办人') }).strict()),
    assignUrgerUpdate,
    async ({ body }) => ({ urger: await userNamed(body.urger, 'urger', OFFICE_STAFF) }),
  );

  // 传阅: to leaders or to people of any unit, for reading or for comment; read; recall.
  directiveStep(
    'circulations',
    DIRECTIVE_STEPS.circulate,
    onDirectiveWith(
      z
        .object({
          readers: userIds('传阅对象', '传阅对象至少一人').refine(distinct, say.repeated('传阅对象')),
          purpose: oneOf('传阅', { READ: '阅知', COMMENT: '提意见' }).default('READ'),
          note: remark('附言', 2000),
        })
        .strict(),
    ),
    circulateUpdate,
    async ({ body }) => ({
      ...body,
      readers: await usersNamed(body.readers, 'readers', { label: '在职用户' }),
    }),
  );
  const readSchema = requestSchema({
    params: circulationParams,
    body: z
      .object({
        comment: z
          .string({ error: say.mustBeText('传阅意见') })
          .trim()
          .max(2000, say.tooLong('传阅意见', 2000))
          .optional(),
      })
      .strict(),
  });
  router.post(
    '/api/directives/:receiptNumber/circulations/:circulationId/read',
    operation({
      summary: '阅: read my 传阅 copy (with a comment when asked for one)',
      request: readSchema,
      who: 'A reader of that 传阅.',
      responses: { 200: '`{copy}`: my copy' },
      step: true,
    }),
    visibleCirculation,
    async (req, res) => {
      const { params, body } = parseRequest(readSchema, req);
      const by = actingUser(req);
      const updateId = updateIdOf(req, 'circulation-read');
      const state = await onDirective(params.receiptNumber, (h) =>
        h.executeUpdate(readCirculationUpdate, {
          args: [{ by, circulationId: params.circulationId, comment: body.comment }],
          updateId,
        }),
      );
      // Anyone may be a reader: they get their own copy back, not the office's view of the directive.
      const copy = state.circulations
        ?.find((c) => c.id === params.circulationId)
        ?.copies.find((c) => c.reader.userId === by.userId);
      res.json({ copy });
    },
  );
  const recallSchema = requestSchema({
    params: circulationParams,
    body: z.object({ reason: text('收回理由', 2000) }).strict(),
  });
  router.post(
    '/api/directives/:receiptNumber/circulations/:circulationId/recall',
    operation({
      summary: `${DIRECTIVE_STEPS.recallCirculation.label}: recall a 传阅's unread copies`,
      request: recallSchema,
      responses: { 200: '`{state}`' },
      step: true,
    }),
    visibleCirculation,
    requireRole(...DIRECTIVE_STEPS.recallCirculation.roles),
    async (req, res) => {
      const { params, body } = parseRequest(recallSchema, req);
      const updateId = updateIdOf(req, 'circulation-recall');
      const state = await onDirective(params.receiptNumber, (h) =>
        h.executeUpdate(recallCirculationUpdate, {
          args: [{ by: actingUser(req), circulationId: params.circulationId, reason: body.reason }],
          updateId,
        }),
      );
      res.json({ state });
    },
  );

  // 答复: the reply to the 来文单位 on closure, and the units told of it.
  directiveStep(
    'reply',
    DIRECTIVE_STEPS.reply,
    onDirectiveWith(
      z
        .object({
          text: text('答复内容', 5000),
          notifyDepartments: departmentCodes('告知单位')
            .refine(distinct, say.repeated('告知单位'))
            .default([]),
        })
        .strict(),
    ),
    replyUpdate,
    async ({ body }) => {
      await checkDepartments(listed(body.notifyDepartments, 'notifyDepartments'));
      return body;
    },
  );

  /**
   * A department's task, for a step. A task that does not exist is 404, one already finished is 409.
   */
  async function onTask<T>(
    { receiptNumber, departmentCode }: z.output<typeof taskParams>,
    act: (handle: Handle) => Promise<T>,
  ) {
    const workflowId = departmentTaskWorkflowId(receiptNumber, departmentCode);
    try {
      const handle = temporal.workflow.getHandle(workflowId);
      return await steps(() => askingAgainIfNotNow(() => act(handle)));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const task = await db.departmentTask.findUnique({ where: { workflowId } });
      if (task)
        throw new HttpError(
          409,
          'not_now',
          `单位 ${departmentCode} 的任务状态为${say.statusName(task.status)}，不能办理此步骤`,
        );
      throw new HttpError(
        404,
        'not_found',
        `收文编号 ${receiptNumber} 的来文没有交单位 ${departmentCode} 办理`,
      );
    }
  }

  /** A form naming uploaded files: they become the department's, checked as its uploader's own. */
  async function withAttachments<B extends { attachments?: string[] }>(
    { body }: { body: B },
    { req }: { req: Request },
  ) {
    const { attachments: ids, ...rest } = body;
    return {
      ...rest,
      ...(ids !== undefined ? { attachments: await attachmentsNamed(db, ids, actingUser(req).userId) } : {}),
    };
  }

  /** A step on a department's task: by that department (`rule.ownDepartment`), or by the office. */
  function taskStep<
    S extends z.ZodType<{ params: z.output<typeof taskParams>; body: unknown }>,
    R extends { by: ActingUser },
  >(
    step: string,
    rule: StepRule,
    schema: S,
    update: UpdateDefinition<DepartmentTaskState, [R]>,
    request: (
      input: z.output<S>,
      ctx: { req: Request; departmentCode: string },
    ) => Promise<Omit<R, 'by'>> | Omit<R, 'by'>,
  ) {
    router.post(
      `/api/directives/:receiptNumber/tasks/:departmentCode/${step}`,
      operation({
        summary: `${rule.label}: ${step} on a department's task`,
        request: schema,
        who: rule.ownDepartment
          ? 'That department’s own staff.'
          : 'The office; 404 for whoever may not see the task.',
        responses: { 200: '`{task}`: the task’s workflow state' },
        step: true,
      }),
      visibleTask,
      requireRole(...rule.roles),
      async (req, res) => {
        const input = parseRequest(schema, req);
        const { params } = input;
        if (rule.ownDepartment && actingUser(req).departmentCode !== params.departmentCode)
          throw new HttpError(403, 'not_yours', '只能办理本单位的任务');
        const fields = await request(input, { req, departmentCode: params.departmentCode });
        const updateId = updateIdOf(req, step.replace('/', '-'));
        const task = await onTask(params, (h) =>
          h.executeUpdate(update, { args: [{ ...fields, by: actingUser(req) } as R], updateId }),
        );
        res.json({ task });
      },
    );
  }

  // 签收
  taskStep(
    'sign-for',
    TASK_STEPS.signFor,
    onTaskWith(z.object({ deptReceiptNumber: text('本单位收文编号', 30) }).strict()),
    signForUpdate,
    ({ body }) => body,
  );
  // 回报: the 回报单, signed by the department's head (回报单位盖章).
  taskStep('report', TASK_STEPS.report, onTaskWith(reportForm), submitReportUpdate, withAttachments);
  // The office accepts the report or returns it for revision with a new deadline.
  taskStep(
    'review',
    TASK_STEPS.reviewReport,
    onTaskWith(reviewForm('审核回报', '新的回报期限')),
    reviewReportUpdate,
    ({ body }) => body,
  );
  // 代拟稿待后送出: the head sends it; the office accepts it or returns it with a new date.
  taskStep('draft', TASK_STEPS.sendDraft, onTaskWith(draftForm), sendDraftUpdate, withAttachments);
  taskStep(
    'draft/review',
    TASK_STEPS.reviewDraft,
    onTaskWith(reviewForm('审核代拟稿', '新的代拟稿期限')),
    reviewDraftUpdate,
    ({ body }) => body,
  );
  // 延期: the department asks; the office decides.
  taskStep(
    'extension',
    TASK_STEPS.requestExtension,
    onTaskWith(z.object({ newDueDate: calendarDate('延至日期'), reason: text('延期理由', 2000) }).strict()),
    requestExtensionUpdate,
    ({ body }) => body,
  );
  taskStep(
    'extension/decision',
    TASK_STEPS.decideExtension,
    onTaskWith(
      z
        .object({
          approve: z.boolean({ error: '是否批准须为 true 或 false' }),
          newDueDate: calendarDate('批准延至日期').optional(),
          comment: remark('意见', 2000),
        })
        .strict(),
    ),
    decideExtensionUpdate,
    ({ body }) => body,
  );

  // 催办 by hand: the office, the directive's 督办人 among them, chases one department.
  taskStep(
    'urge',
    TASK_STEPS.urge,
    onTaskWith(z.object({ text: text('催办内容', 2000) }).strict()),
    urgeUpdate,
    ({ body }) => body,
  );
  // The office names the department's 承办人 (or another one): a person of that department.
  taskStep(
    'handler',
    TASK_STEPS.reassignHandler,
    onTaskWith(z.object({ handler: userId('承办人'), reason: text('改派理由', 2000) }).strict()),
    reassignHandlerUpdate,
    async ({ body }, { departmentCode }) => ({
      handler: await userNamed(body.handler, 'handler', {
        label: `单位 ${departmentCode} 的承办人`,
        where: { departmentCode, roles: { some: { role: { in: ['DEPT_HANDLER', 'DEPT_HEAD'] } } } },
      }),
      reason: body.reason,
    }),
  );

  return router;
}
