/**
 * The office's and the departments' steps on a directive, one endpoint each. The API checks who
 * may act (role, department: the step tables in workflows/steps.ts, which the workflows' validators
 * also read) and that named departments and leaders exist; the workflow's update validator decides
 * whether the step is possible now. Either refusal changes nothing.
 */
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
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
  signForUpdate,
  submitReportUpdate,
  withdrawUpdate,
} from '../../workflows/definitions';
import type { FieldProblem } from '../../workflows/incoming-document';
import type { HandlingOptionCode } from '../../workflows/policy';
import { DIRECTIVE_STEPS, TASK_STEPS, type StepRule } from '../../workflows/steps';
import type { UpdateDefinition } from '@temporalio/common';
import type {
  ActingUser,
  Actor,
  DepartmentTaskState,
  DirectiveState,
  InstructRequest,
  Proposal,
} from '../../workflows/types';
import { requireRole } from '../auth/middleware';
import { HttpError, invalidInput } from '../errors';
import { attachmentsNamed } from './attachments';
import { actingUser, bodyWith, objectWith, receiptNumberParam, updateIdOf } from '../requests';

export interface RoutingRouterDeps {
  db: Database;
  temporal: Client;
}

export function routingRouter({ db, temporal }: RoutingRouterDeps): Router {
  const router = Router();
  type Handle = ReturnType<Client['workflow']['getHandle']>;

  /** A directive's workflow, for a step: unknown is 404, already closed (办结) is 409. */
  async function onDirective<T>(req: Request, act: (handle: Handle) => Promise<T>): Promise<T> {
    const receiptNumber = receiptNumberParam(req);
    try {
      return await act(temporal.workflow.getHandle(directiveWorkflowId(receiptNumber)));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const row = await db.directive.findUnique({ where: { receiptNumber } });
      if (row) throw new HttpError(409, 'not_now', `directive ${receiptNumber} is already ${row.status}`);
      throw new HttpError(404, 'not_found', `no directive with 收文编号 ${receiptNumber}`);
    }
  }

  /** Active users named by id, as actors; `who` narrows and names whom the field expects. */
  async function usersNamed(
    ids: unknown,
    field: string,
    who: { label: string; where?: Prisma.UserWhereInput },
  ): Promise<Actor[]> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw invalidInput([{ field, reason: `must be a list of user ids of ${who.label}` }]);
    }
    const users = await db.user.findMany({
      where: { id: { in: ids as string[] }, active: true, ...who.where },
    });
    const missing = (ids as string[]).filter((id) => !users.some((u) => u.id === id));
    if (missing.length) throw invalidInput([{ field, reason: `not ${who.label}: ${missing.join(', ')}` }]);
    return (ids as string[]).map((id) => {
      const u = users.find((x) => x.id === id)!;
      return { userId: u.id, displayName: u.displayName };
    });
  }

  const LEADERS = { label: 'a leader', where: { roles: { some: { role: 'LEADER' } } } };
  const leadersNamed = (ids: unknown, field: string) => usersNamed(ids, field, LEADERS);
  /** One user named by id, as an actor. */
  const userNamed = async (id: unknown, field: string, who: Parameters<typeof usersNamed>[2]) =>
    (await usersNamed(typeof id === 'string' ? [id] : id, field, who))[0]!;
  const OFFICE_STAFF = {
    label: 'a member of the general office',
    where: { department: { kind: { in: ['GENERAL_OFFICE', 'OFFICE_SECTION'] } } },
  };

  /** Department codes named in a proposal must be responsible departments (承办单位). */
  async function checkDepartments(codes: unknown[], fields: string[]): Promise<void> {
    const problems: FieldProblem[] = [];
    const strings = codes.filter((c): c is string => typeof c === 'string');
    const known = await db.department.findMany({
      where: { code: { in: strings }, kind: 'RESPONSIBLE_DEPARTMENT' },
    });
    codes.forEach((code, i) => {
      if (typeof code === 'string' && !known.some((d) => d.code === code)) {
        problems.push({ field: fields[i]!, reason: `${code} is not a responsible department (承办单位)` });
      }
    });
    if (problems.length) throw invalidInput(problems);
  }

  /** A step on a directive's own workflow; `request` may check the body against the database first. */
  function directiveStep<R extends { by: ActingUser }>(
    step: string,
    rule: StepRule,
    fields: string[],
    update: UpdateDefinition<DirectiveState, [R]>,
    request: (body: Record<string, unknown>) => Promise<Omit<R, 'by'>> | Omit<R, 'by'>,
  ) {
    router.post(`/api/directives/:receiptNumber/${step}`, requireRole(...rule.roles), async (req, res) => {
      const body = await request(bodyWith(req, fields));
      const state = await onDirective(req, (h) =>
        h.executeUpdate(update, {
          args: [{ ...body, by: actingUser(req) } as R],
          updateId: updateIdOf(req, step),
        }),
      );
      res.json({ state });
    });
  }

  const text = (v: unknown) => (v ?? '') as string;

  // 拟办
  directiveStep(
    'proposal',
    DIRECTIVE_STEPS.propose,
    ['leadDepartment', 'coDepartments', 'handlingOption', 'leaders', 'leaderMode', 'comment'],
    proposeHandlingUpdate,
    async (b) => {
      const coDepartments: unknown = b.coDepartments ?? [];
      if (!Array.isArray(coDepartments))
        throw invalidInput([{ field: 'coDepartments', reason: 'must be a list' }]);
      const co = coDepartments as unknown[];
      await checkDepartments(
        [b.leadDepartment, ...co],
        ['leadDepartment', ...co.map((_, i) => `coDepartments[${i}]`)],
      );
      const proposal: Proposal = {
        leadDepartment: b.leadDepartment as string,
        coDepartments: co as string[],
        handlingOption: b.handlingOption as HandlingOptionCode,
        leaders: await leadersNamed(b.leaders, 'leaders'),
        leaderMode: (b.leaderMode ?? 'SEQUENCE') as Proposal['leaderMode'],
        comment: text(b.comment),
      };
      return { proposal };
    },
  );

  // 审核
  directiveStep('review', DIRECTIVE_STEPS.review, ['decision', 'comment'], reviewProposalUpdate, (b) => ({
    decision: b.decision as 'APPROVE',
    comment: text(b.comment),
  }));

  // 批示
  directiveStep(
    'instruction',
    DIRECTIVE_STEPS.instruct,
    ['decision', 'text', 'amendment'],
    instructUpdate,
    async (b) => {
      const amendment = b.amendment as InstructRequest['amendment'];
      if (amendment !== undefined) {
        const a = objectWith(amendment, ['leadDepartment', 'coDepartments', 'handlingOption']);
        const codes: unknown[] = [
          ...(a.leadDepartment ? [a.leadDepartment] : []),
          ...(Array.isArray(a.coDepartments) ? (a.coDepartments as unknown[]) : []),
        ];
        await checkDepartments(
          codes,
          codes.map(() => 'amendment'),
        );
      }
      return { decision: b.decision as 'APPROVE', text: text(b.text), amendment };
    },
  );

  // 转办
  directiveStep('dispatch', DIRECTIVE_STEPS.dispatch, [], dispatchUpdate, () => ({}));

  // 撤办
  directiveStep('withdraw', DIRECTIVE_STEPS.withdraw, ['reason'], withdrawUpdate, (b) => ({
    reason: b.reason as string,
  }));

  // 初审: accept for handling, or send a misrouted document back to its sender (退文).
  directiveStep(
    'initial-review',
    DIRECTIVE_STEPS.initialReview,
    ['decision', 'comment'],
    initialReviewUpdate,
    (b) => ({ decision: b.decision as 'ACCEPT', comment: text(b.comment) }),
  );

  // 督办人
  directiveStep('urger', DIRECTIVE_STEPS.assignUrger, ['urger'], assignUrgerUpdate, async (b) => ({
    urger: await userNamed(b.urger, 'urger', OFFICE_STAFF),
  }));

  // 传阅: to leaders or to people of any unit, for reading or for comment; read; recall.
  directiveStep(
    'circulations',
    DIRECTIVE_STEPS.circulate,
    ['readers', 'purpose', 'note'],
    circulateUpdate,
    async (b) => ({
      readers: await usersNamed(b.readers, 'readers', { label: 'an active user' }),
      purpose: (b.purpose ?? 'READ') as 'READ',
      note: text(b.note),
    }),
  );
  const circulationId = (req: Request) => {
    const id = Number(req.params.circulationId);
    if (!Number.isInteger(id) || id < 1)
      throw invalidInput([{ field: 'circulationId', reason: 'must be 1, 2, …' }]);
    return id;
  };
  router.post('/api/directives/:receiptNumber/circulations/:circulationId/read', async (req, res) => {
    const body = bodyWith(req, ['comment']);
    const by = actingUser(req);
    const id = circulationId(req);
    const state = await onDirective(req, (h) =>
      h.executeUpdate(readCirculationUpdate, {
        args: [{ by, circulationId: id, comment: body.comment as string | undefined }],
        updateId: updateIdOf(req, 'circulation-read'),
      }),
    );
    // Anyone may be a reader: they get their own copy back, not the office's view of the directive.
    const copy = state.circulations
      ?.find((c) => c.id === id)
      ?.copies.find((c) => c.reader.userId === by.userId);
    res.json({ copy });
  });
  router.post(
    '/api/directives/:receiptNumber/circulations/:circulationId/recall',
    requireRole(...DIRECTIVE_STEPS.recallCirculation.roles),
    async (req, res) => {
      const body = bodyWith(req, ['reason']);
      const state = await onDirective(req, (h) =>
        h.executeUpdate(recallCirculationUpdate, {
          args: [{ by: actingUser(req), circulationId: circulationId(req), reason: body.reason as string }],
          updateId: updateIdOf(req, 'circulation-recall'),
        }),
      );
      res.json({ state });
    },
  );

  // 答复: the reply to the 来文单位 on closure, and the units told of it.
  directiveStep('reply', DIRECTIVE_STEPS.reply, ['text', 'notifyDepartments'], replyUpdate, async (b) => {
    const notify: unknown = b.notifyDepartments ?? [];
    if (!Array.isArray(notify))
      throw invalidInput([{ field: 'notifyDepartments', reason: 'must be a list' }]);
    await checkDepartments(
      notify as unknown[],
      (notify as unknown[]).map((_, i) => `notifyDepartments[${i}]`),
    );
    return { text: b.text as string, notifyDepartments: notify as string[] };
  });

  /**
   * A department's task, for a step by `by`. Department staff act only on their own department's task;
   * a task that does not exist is 404, one already finished is 409.
   */
  async function onTask<T>(req: Request, act: (handle: Handle) => Promise<T>) {
    const receiptNumber = receiptNumberParam(req);
    const departmentCode = String(req.params.departmentCode);
    const workflowId = departmentTaskWorkflowId(receiptNumber, departmentCode);
    try {
      return await act(temporal.workflow.getHandle(workflowId));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const task = await db.departmentTask.findUnique({ where: { workflowId } });
      if (task)
        throw new HttpError(409, 'not_now', `the task of ${departmentCode} is already ${task.status}`);
      throw new HttpError(404, 'not_found', `${departmentCode} has no task on directive ${receiptNumber}`);
    }
  }

  const ownDepartment = (req: Request) => {
    if (actingUser(req).departmentCode !== req.params.departmentCode) {
      throw new HttpError(403, 'not_yours', 'you may act only on your own department’s task');
    }
  };

  /** A step on a department's task: by that department (`rule.ownDepartment`), or by the office. */
  function taskStep<R extends { by: ActingUser }>(
    step: string,
    rule: StepRule,
    fields: string[],
    update: UpdateDefinition<DepartmentTaskState, [R]>,
    request: (body: Record<string, unknown>, req: Request) => Promise<Omit<R, 'by'>> | Omit<R, 'by'>,
  ) {
    router.post(
      `/api/directives/:receiptNumber/tasks/:departmentCode/${step}`,
      requireRole(...rule.roles),
      async (req, res) => {
        if (rule.ownDepartment) ownDepartment(req);
        const body = bodyWith(req, fields);
        const form = await request(body, req);
        const task = await onTask(req, (h) =>
          h.executeUpdate(update, {
            args: [{ ...form, by: actingUser(req) } as R],
            updateId: updateIdOf(req, step.replace('/', '-')),
          }),
        );
        res.json({ task });
      },
    );
  }

  // 签收
  taskStep('sign-for', TASK_STEPS.signFor, ['deptReceiptNumber'], signForUpdate, (b) => ({
    deptReceiptNumber: b.deptReceiptNumber as string,
  }));
  // 回报: the 回报单, signed by the department's head (回报单位盖章).
  taskStep(
    'report',
    TASK_STEPS.report,
    ['options', 'text', 'draft', 'attachments'],
    submitReportUpdate,
    async (b, req) => ({
      options: b.options as HandlingOptionCode[],
      text: b.text as string,
      draft: b.draft as string | undefined,
      ...(b.attachments !== undefined
        ? { attachments: await attachmentsNamed(db, b.attachments, actingUser(req).userId) }
        : {}),
    }),
  );
  // The office accepts the report or returns it for revision with a new deadline.
  taskStep(
    'review',
    TASK_STEPS.reviewReport,
    ['decision', 'comment', 'newDueDate'],
    reviewReportUpdate,
    (b) => ({
      decision: b.decision as 'ACCEPT',
      comment: text(b.comment),
      newDueDate: b.newDueDate as string | undefined,
    }),
  );
  // 延期: the department asks; the office decides.
  taskStep(
    'extension',
    TASK_STEPS.requestExtension,
    ['newDueDate', 'reason'],
    requestExtensionUpdate,
    (b) => ({
      newDueDate: b.newDueDate as string,
      reason: b.reason as string,
    }),
  );
  taskStep(
    'extension/decision',
    TASK_STEPS.decideExtension,
    ['approve', 'newDueDate', 'comment'],
    decideExtensionUpdate,
    (b) => ({
      approve: b.approve as boolean,
      newDueDate: b.newDueDate as string | undefined,
      comment: text(b.comment),
    }),
  );

  // 催办 by hand: the office, the directive's 督办人 among them, chases one department.
  taskStep('urge', TASK_STEPS.urge, ['text'], urgeUpdate, (b) => ({ text: b.text as string }));
  // The office names the department's 承办人 (or another one): a person of that department.
  taskStep(
    'handler',
    TASK_STEPS.reassignHandler,
    ['handler', 'reason'],
    reassignHandlerUpdate,
    async (b, req) => ({
      handler: await userNamed(b.handler, 'handler', {
        label: `a handler of ${String(req.params.departmentCode)}`,
        where: {
          departmentCode: String(req.params.departmentCode),
          roles: { some: { role: { in: ['DEPT_HANDLER', 'DEPT_HEAD'] } } },
        },
      }),
      reason: b.reason as string,
    }),
  );

  return router;
}
