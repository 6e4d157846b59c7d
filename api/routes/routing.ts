/**
 * The office's and the departments' steps on a directive, one endpoint each. The API checks who
 * may act (role, department) and that named departments and leaders exist; the workflow's update
 * validator decides whether the step is possible now. Either refusal changes nothing.
 */
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Database } from '../../core/database';
import {
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
import type { Actor, InstructRequest, Proposal } from '../../workflows/types';
import { requireRole } from '../auth/middleware';
import { HttpError, invalidInput } from '../errors';
import { actingUser, bodyWith, receiptNumberParam, updateIdOf } from '../requests';

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

  /** Leaders named by user id, as actors; each must exist and hold the LEADER role. */
  async function leadersNamed(ids: unknown, field: string): Promise<Actor[]> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw invalidInput([{ field, reason: 'must be a list of user ids of leaders' }]);
    }
    const users = await db.user.findMany({
      where: { id: { in: ids as string[] }, active: true, roles: { some: { role: 'LEADER' } } },
    });
    const missing = (ids as string[]).filter((id) => !users.some((u) => u.id === id));
    if (missing.length) throw invalidInput([{ field, reason: `not a leader: ${missing.join(', ')}` }]);
    return (ids as string[]).map((id) => {
      const u = users.find((x) => x.id === id)!;
      return { userId: u.id, displayName: u.displayName };
    });
  }

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

  // 拟办
  router.post('/api/directives/:receiptNumber/proposal', requireRole('CLERK'), async (req, res) => {
    const body = bodyWith(req, [
      'leadDepartment',
      'coDepartments',
      'handlingOption',
      'leaders',
      'leaderMode',
      'comment',
    ]);
    const coDepartments: unknown = body.coDepartments ?? [];
    if (!Array.isArray(coDepartments))
      throw invalidInput([{ field: 'coDepartments', reason: 'must be a list' }]);
    await checkDepartments(
      [body.leadDepartment, ...(coDepartments as unknown[])],
      ['leadDepartment', ...(coDepartments as unknown[]).map((_, i) => `coDepartments[${i}]`)],
    );
    const proposal: Proposal = {
      leadDepartment: body.leadDepartment as string,
      coDepartments: coDepartments as string[],
      handlingOption: body.handlingOption as HandlingOptionCode,
      leaders: await leadersNamed(body.leaders, 'leaders'),
      leaderMode: (body.leaderMode ?? 'SEQUENCE') as Proposal['leaderMode'],
      comment: (body.comment ?? '') as string,
    };
    const state = await onDirective(req, (h) =>
      h.executeUpdate(proposeHandlingUpdate, {
        args: [{ by: actingUser(req), proposal }],
        updateId: updateIdOf(req, 'propose'),
      }),
    );
    res.json({ state });
  });

  // 审核
  router.post(
    '/api/directives/:receiptNumber/review',
    requireRole('OFFICE_REVIEWER', 'OFFICE_DIRECTOR'),
    async (req, res) => {
      const body = bodyWith(req, ['decision', 'comment']);
      const state = await onDirective(req, (h) =>
        h.executeUpdate(reviewProposalUpdate, {
          args: [
            {
              by: actingUser(req),
              decision: body.decision as 'APPROVE',
              comment: (body.comment ?? '') as string,
            },
          ],
          updateId: updateIdOf(req, 'review'),
        }),
      );
      res.json({ state });
    },
  );

  // 批示
  router.post('/api/directives/:receiptNumber/instruction', requireRole('LEADER'), async (req, res) => {
    const body = bodyWith(req, ['decision', 'text', 'amendment']);
    const amendment = body.amendment as InstructRequest['amendment'];
    if (amendment !== undefined) {
      const a = bodyWith({ body: amendment } as Request, [
        'leadDepartment',
        'coDepartments',
        'handlingOption',
      ]);
      const codes: unknown[] = [
        ...(a.leadDepartment ? [a.leadDepartment] : []),
        ...(Array.isArray(a.coDepartments) ? (a.coDepartments as unknown[]) : []),
      ];
      await checkDepartments(
        codes,
        codes.map(() => 'amendment'),
      );
    }
    const state = await onDirective(req, (h) =>
      h.executeUpdate(instructUpdate, {
        args: [
          {
            by: actingUser(req),
            decision: body.decision as 'APPROVE',
            text: (body.text ?? '') as string,
            amendment,
          },
        ],
        updateId: updateIdOf(req, 'instruct'),
      }),
    );
    res.json({ state });
  });

  // 转办
  router.post('/api/directives/:receiptNumber/dispatch', requireRole('CLERK'), async (req, res) => {
    bodyWith(req, []);
    const state = await onDirective(req, (h) =>
      h.executeUpdate(dispatchUpdate, {
        args: [{ by: actingUser(req) }],
        updateId: updateIdOf(req, 'dispatch'),
      }),
    );
    res.json({ state });
  });

  // 撤办
  router.post(
    '/api/directives/:receiptNumber/withdraw',
    requireRole('CLERK', 'OFFICE_DIRECTOR'),
    async (req, res) => {
      const body = bodyWith(req, ['reason']);
      const state = await onDirective(req, (h) =>
        h.executeUpdate(withdrawUpdate, {
          args: [{ by: actingUser(req), reason: body.reason as string }],
          updateId: updateIdOf(req, 'withdraw'),
        }),
      );
      res.json({ state });
    },
  );

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

  // 签收
  router.post(
    '/api/directives/:receiptNumber/tasks/:departmentCode/sign-for',
    requireRole('DEPT_HANDLER', 'DEPT_HEAD'),
    async (req, res) => {
      ownDepartment(req);
      const body = bodyWith(req, ['deptReceiptNumber']);
      const task = await onTask(req, (h) =>
        h.executeUpdate(signForUpdate, {
          args: [{ by: actingUser(req), deptReceiptNumber: body.deptReceiptNumber as string }],
          updateId: updateIdOf(req, 'sign-for'),
        }),
      );
      res.json({ task });
    },
  );

  // 回报: the 回报单, signed by the department's head (回报单位盖章).
  router.post(
    '/api/directives/:receiptNumber/tasks/:departmentCode/report',
    requireRole('DEPT_HEAD'),
    async (req, res) => {
      ownDepartment(req);
      const body = bodyWith(req, ['options', 'text', 'draft']);
      const task = await onTask(req, (h) =>
        h.executeUpdate(submitReportUpdate, {
          args: [
            {
              by: actingUser(req),
              options: body.options as HandlingOptionCode[],
              text: body.text as string,
              draft: body.draft as string | undefined,
            },
          ],
          updateId: updateIdOf(req, 'report'),
        }),
      );
      res.json({ task });
    },
  );

  // The office accepts the report or returns it for revision with a new deadline.
  router.post(
    '/api/directives/:receiptNumber/tasks/:departmentCode/review',
    requireRole('CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR'),
    async (req, res) => {
      const body = bodyWith(req, ['decision', 'comment', 'newDueDate']);
      const task = await onTask(req, (h) =>
        h.executeUpdate(reviewReportUpdate, {
          args: [
            {
              by: actingUser(req),
              decision: body.decision as 'ACCEPT',
              comment: (body.comment ?? '') as string,
              newDueDate: body.newDueDate as string | undefined,
            },
          ],
          updateId: updateIdOf(req, 'review-report'),
        }),
      );
      res.json({ task });
    },
  );

  // 延期: the department asks; the office decides.
  router.post(
    '/api/directives/:receiptNumber/tasks/:departmentCode/extension',
    requireRole('DEPT_HANDLER', 'DEPT_HEAD'),
    async (req, res) => {
      ownDepartment(req);
      const body = bodyWith(req, ['newDueDate', 'reason']);
      const task = await onTask(req, (h) =>
        h.executeUpdate(requestExtensionUpdate, {
          args: [
            { by: actingUser(req), newDueDate: body.newDueDate as string, reason: body.reason as string },
          ],
          updateId: updateIdOf(req, 'extension'),
        }),
      );
      res.json({ task });
    },
  );

  router.post(
    '/api/directives/:receiptNumber/tasks/:departmentCode/extension/decision',
    requireRole('CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR'),
    async (req, res) => {
      const body = bodyWith(req, ['approve', 'newDueDate', 'comment']);
      const task = await onTask(req, (h) =>
        h.executeUpdate(decideExtensionUpdate, {
          args: [
            {
              by: actingUser(req),
              approve: body.approve as boolean,
              newDueDate: body.newDueDate as string | undefined,
              comment: (body.comment ?? '') as string,
            },
          ],
          updateId: updateIdOf(req, 'extension-decision'),
        }),
      );
      res.json({ task });
    },
  );

  return router;
}
