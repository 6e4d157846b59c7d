/**
 * Directives (来文). Every route parses its body, params and query with one zod schema
 * (api/parse.ts). Writes go to Temporal as updates within the bounded wait (the workflow's
 * validator has the last word); reads come from the database projection.
 */
import { Router } from 'express';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Database } from '../../core/database';
import { currentPolicy } from '../../core/policies';
import {
  directiveWorkflowId,
  incomingRegisterWorkflowId,
  registerIncomingUpdate,
  signForIncomingUpdate,
} from '../../workflows/definitions';
import {
  chinaDate,
  checkDelivery,
  checkIncomingDocument,
  normalizeDocNumber,
  type FieldProblem,
} from '../../workflows/incoming-document';
import { incomingRegisterWorkflow } from '../../workflows/incoming-register';
import type { IncomingDocument, Secrecy, Urgency } from '../../workflows/types';
import { currentUser, requireRole } from '../auth/middleware';
import { signingActor, updateIdOf, type Clock } from '../requests';
import { HttpError } from '../errors';
import { calendarDate, parseRequest, receiptNumber, requestSchema } from '../parse';
import type { StepRunner } from '../updates';
import { availableSteps } from '../available-steps';
import { attachmentsNamed } from './attachments';
import { directiveView, visibleTimeline, type DirectiveView } from './access';

export interface DirectiveRouterDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  clock: Clock;
  /** Runs a step's update within the bounded wait (503 with Retry-After past it). */
  steps: StepRunner;
}

// The forms. Types and shape here; the office's rules (文号 form, plausible years, 密级 and
// 保密期限, counts) are checkIncomingDocument's and checkDelivery's, which the register
// workflow's validator also runs, so both answer with the same reasons.

const count = (label: string) =>
  z.number({
    error: (i) =>
      i.input === undefined ? `${label} is required` : `${label} must be a whole number from 1 to 9999`,
  });
const trimmed = (label: string) => z.string({ error: `${label} must be text` }).trim();
const docNumber = z.string({ error: '文号 (document number) must be text' }).transform(normalizeDocNumber);

/** Problems found by a shared check, as issues of the schema (same field, same reason). */
const asIssues = (problems: FieldProblem[], ctx: z.RefinementCtx) => {
  for (const p of problems) ctx.addIssue({ code: 'custom', path: [p.field], message: p.reason });
};

/** 签收: who sent it, its 文号, the copies counted; the day is today unless told. */
const deliveryForm = (nowMs: number) =>
  z
    .object({
      sourceOrg: trimmed('来文单位 (source organ)'),
      docNumber,
      copies: count('份数 (copies)'),
      receivedDate: calendarDate('收文日期').default(chinaDate(nowMs)),
    })
    .strict()
    .superRefine((d, ctx) => {
      asIssues(checkDelivery(d, nowMs), ctx);
      if (d.receivedDate > chinaDate(nowMs) || d.receivedDate < '2000-01-01')
        ctx.addIssue({
          code: 'custom',
          path: ['receivedDate'],
          message: '收文日期 must be a date from 2000 up to today',
        });
    });

/**
 * 收文登记 as submitted: text trimmed, 文号 brackets normalised; 平急 and 非密 are what an empty box
 * on the 呈批表 means, as on the seed's form. Attachments are ids of the clerk's own uploads.
 */
const registrationForm = (nowMs: number) =>
  z
    .object({
      sourceOrg: trimmed('来文单位 (source organ)'),
      docNumber,
      title: trimmed('来文标题 (title)'),
      receivedDate: trimmed('收文日期'),
      urgency: z.string({ error: '紧急程度 must be text' }).default('平急' satisfies Urgency),
      secrecy: z.string({ error: '密级 must be text' }).default('非密' satisfies Secrecy),
      secrecyPeriod: trimmed('保密期限').optional(),
      copies: count('份数 (copies)').optional(),
      pages: count('页数 (pages)').optional(),
      handlingPrefix: trimmed('办文编号 prefix').optional(),
      attachments: z
        .array(z.string({ error: 'must be an attachment id' }).min(1).max(100))
        .max(20, 'at most 20 uploaded attachments')
        .optional(),
    })
    .strict()
    // The files are checked against the uploads, in the database.
    .superRefine((d, ctx) => asIssues(checkIncomingDocument({ ...d, attachments: undefined }, nowMs), ctx))
    // Only once the check above has held 紧急程度 and 密级 to their lists.
    .transform(({ urgency, secrecy, ...rest }) => ({
      ...rest,
      urgency: urgency as Urgency,
      secrecy: secrecy as Secrecy,
    }));

const directiveParams = z.object({ receiptNumber }).strict();

export function directiveRouter({ db, temporal, taskQueue, clock, steps }: DirectiveRouterDeps): Router {
  const router = Router();
  // Who may read a directive depends on whom its 拟办 asks for 批示, which only its workflow knows.

  /**
   * The year's register, started by the first update that needs it. Should it ever have to start
   * again (terminated by an operator), it continues from the numbers already in the database.
   */
  const register = async (year: number) => {
    const [last, series] = await Promise.all([
      db.directive.aggregate({ where: { receiptYear: year }, _max: { receiptSequence: true } }),
      db.directive.groupBy({
        by: ['handlingPrefix'],
        where: { receiptYear: year, handlingPrefix: { not: null } },
        _max: { handlingSequence: true },
      }),
    ]);
    return new WithStartWorkflowOperation(incomingRegisterWorkflow, {
      workflowId: incomingRegisterWorkflowId(year),
      taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [
        {
          year,
          lastSequence: last._max.receiptSequence ?? 0,
          lastHandlingSequences: Object.fromEntries(
            series.map((s) => [s.handlingPrefix!, s._max.handlingSequence ?? 0]),
          ),
        },
      ],
    });
  };

  // 签收: the office signs for a delivered document; the time starts every receipt clock.
  router.post('/api/receipts', requireRole('CLERK'), async (req, res) => {
    const { body: delivery } = parseRequest(requestSchema({ body: deliveryForm(await clock()) }), req);
    const { receivedDate, ...signature } = delivery;
    const startWorkflowOperation = await register(Number(receivedDate.slice(0, 4)));
    const updateId = updateIdOf(req, 'sign-for-incoming');
    const receipt = await steps(() =>
      temporal.workflow.executeUpdateWithStart(signForIncomingUpdate, {
        args: [{ ...signature, signedBy: signingActor(req) }],
        updateId,
        startWorkflowOperation,
      }),
    );
    res.status(201).json({ receipt });
  });

  // 收文登记: the register allocates the 收文编号 and opens the directive's workflow.
  router.post('/api/directives', requireRole('CLERK'), async (req, res) => {
    const { body } = parseRequest(requestSchema({ body: registrationForm(await clock()) }), req);
    const user = currentUser(req);
    const { attachments, ...form } = body;
    const document: IncomingDocument = {
      ...form,
      attachments: await attachmentsNamed(db, attachments, user.id),
    };
    // Across years the register cannot see; within a year its validator decides, race-free. A retry
    // with an Idempotency-Key goes to Temporal, which answers it with the first registration.
    const earlier = req.get('idempotency-key')
      ? null
      : await db.directive.findFirst({
          where: { sourceOrg: document.sourceOrg, docNumber: document.docNumber },
        });
    if (earlier) {
      throw new HttpError(
        409,
        'duplicate',
        `${document.sourceOrg} ${document.docNumber} is already registered as 收文编号 ${earlier.receiptNumber}`,
        [{ field: 'docNumber', reason: `already registered as 收文编号 ${earlier.receiptNumber}` }],
      );
    }
    const year = Number(document.receivedDate.slice(0, 4));
    const startWorkflowOperation = await register(year);
    const policy = await currentPolicy(db);
    const updateId = updateIdOf(req, 'register');
    const registration = await steps(() =>
      temporal.workflow.executeUpdateWithStart(registerIncomingUpdate, {
        args: [{ document, registeredBy: signingActor(req), policy }],
        updateId,
        startWorkflowOperation,
      }),
    );
    const directive = await findDirective(db, registration.receiptNumber, 'OFFICE', user);
    res.status(201).location(`/api/directives/${registration.receiptNumber}`).json({ directive });
  });

  router.get('/api/directives/:receiptNumber', async (req, res) => {
    const { params } = parseRequest(requestSchema({ params: directiveParams }), req);
    const { receiptNumber } = params;
    const user = currentUser(req);
    const view = await directiveView(db, user, receiptNumber);
    const directive = view && (await findDirective(db, receiptNumber, view, user));
    if (!directive) throw new HttpError(404, 'not_found', `no directive with 收文编号 ${receiptNumber}`);
    // The steps this person may take now, from the same tables the API and the workflow refuse by.
    res.json({
      directive: { ...directive, availableSteps: availableSteps(directive, user) },
      workflow: await describeWorkflow(temporal, receiptNumber),
    });
  });

  return router;
}

/**
 * The directive with its department tasks, attachments, circulation and timeline, as `view` may
 * see it: a department sees its own task and entries; a 传阅 reader the directive's own entries.
 */
async function findDirective(
  db: Database,
  receiptNumber: string,
  view: DirectiveView,
  user: { id: string; departmentCode: string },
) {
  const department = view === 'DEPARTMENT' ? user.departmentCode : undefined;
  return db.directive.findUnique({
    where: { receiptNumber },
    include: {
      tasks: {
        where: view === 'OFFICE' ? {} : { departmentCode: department ?? '-' },
        orderBy: { role: 'desc' },
      },
      // A department's own files (its 回报单, 代拟稿) are for the office and that department.
      attachments: {
        where:
          view === 'OFFICE' ? {} : { OR: [{ departmentCode: null }, { departmentCode: department ?? '-' }] },
        select: {
          id: true,
          fileName: true,
          mediaType: true,
          size: true,
          uploadedAt: true,
          departmentCode: true,
        },
      },
      circulation: {
        where: view === 'OFFICE' ? {} : { readerId: user.id },
        orderBy: [{ circulationId: 'asc' }, { readerId: 'asc' }],
      },
      timeline: { where: visibleTimeline(view, user), orderBy: [{ at: 'asc' }, { seq: 'asc' }] },
    },
  });
}

/** The live execution status, next to the projection; a Temporal outage does not hide the directive. */
async function describeWorkflow(temporal: Client, receiptNumber: string) {
  const workflowId = directiveWorkflowId(receiptNumber);
  try {
    const description = await temporal.workflow.getHandle(workflowId).describe();
    return { workflowId, executionStatus: description.status.name };
  } catch {
    return { workflowId, executionStatus: 'UNKNOWN' };
  }
}
