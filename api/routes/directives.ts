/**
 * Directives (来文). Writes go to Temporal as updates (the workflow's validator has the last
 * word); reads come from the database projection.
 */
import { Router } from 'express';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
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
  isCalendarDate,
  checkDelivery,
  checkIncomingDocument,
  normalizeDocNumber,
} from '../../workflows/incoming-document';
import { incomingRegisterWorkflow } from '../../workflows/incoming-register';
import type { IncomingDocument, Secrecy, Urgency } from '../../workflows/types';
import { currentUser, requireRole } from '../auth/middleware';
import { bodyWith, receiptNumberParam, signingActor, updateIdOf, type Clock } from '../requests';
import { HttpError, invalidInput } from '../errors';
import { availableSteps } from '../available-steps';
import { attachmentsNamed } from './attachments';
import { directiveView, type DirectiveView } from './access';

export interface DirectiveRouterDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  clock: Clock;
}

const DOCUMENT_FIELDS = [
  'sourceOrg',
  'docNumber',
  'title',
  'receivedDate',
  'urgency',
  'secrecy',
  'secrecyPeriod',
  'copies',
  'pages',
  'handlingPrefix',
  'attachments',
] as const;

/** The registration form as submitted: known fields only, text trimmed, 文号 brackets normalised. */
function readIncomingDocument(body: unknown): IncomingDocument {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput([{ field: 'body', reason: 'must be a JSON object' }]);
  }
  const raw = body as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !(DOCUMENT_FIELDS as readonly string[]).includes(k));
  if (unknown.length)
    throw invalidInput(
      unknown.map((field) => ({ field, reason: 'is not a field of the registration form' })),
    );
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
  const doc = {
    sourceOrg: text(raw.sourceOrg),
    docNumber: typeof raw.docNumber === 'string' ? normalizeDocNumber(raw.docNumber) : raw.docNumber,
    title: text(raw.title),
    receivedDate: text(raw.receivedDate),
    // 平急 and 非密 are what an empty box on the 呈批表 means, as on the seed's form.
    urgency: raw.urgency ?? ('平急' satisfies Urgency),
    secrecy: raw.secrecy ?? ('非密' satisfies Secrecy),
    ...(raw.secrecyPeriod !== undefined ? { secrecyPeriod: text(raw.secrecyPeriod) } : {}),
    ...(raw.copies !== undefined ? { copies: raw.copies } : {}),
    ...(raw.pages !== undefined ? { pages: raw.pages } : {}),
    ...(raw.handlingPrefix !== undefined ? { handlingPrefix: text(raw.handlingPrefix) } : {}),
  };
  const problems = checkIncomingDocument(doc, Date.now());
  if (problems.length) throw invalidInput(problems);
  return doc as IncomingDocument;
}

export function directiveRouter({ db, temporal, taskQueue, clock }: DirectiveRouterDeps): Router {
  const router = Router();

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
    const body = bodyWith(req, ['sourceOrg', 'docNumber', 'copies', 'receivedDate']);
    const receivedDate = body.receivedDate ?? chinaDate(await clock()); // 签收 is today unless told
    if (typeof receivedDate !== 'string' || !isCalendarDate(receivedDate))
      throw invalidInput([{ field: 'receivedDate', reason: '收文日期 must be a calendar date YYYY-MM-DD' }]);
    const delivery = {
      sourceOrg: typeof body.sourceOrg === 'string' ? body.sourceOrg.trim() : body.sourceOrg,
      docNumber: typeof body.docNumber === 'string' ? normalizeDocNumber(body.docNumber) : body.docNumber,
      copies: body.copies,
    };
    const now = await clock();
    const problems = checkDelivery(delivery, now);
    if (receivedDate > chinaDate(now) || receivedDate < '2000-01-01')
      problems.push({ field: 'receivedDate', reason: '收文日期 must be a date from 2000 up to today' });
    if (problems.length) throw invalidInput(problems);
    const signature = await temporal.workflow.executeUpdateWithStart(signForIncomingUpdate, {
      args: [
        {
          ...(delivery as { sourceOrg: string; docNumber: string; copies: number }),
          signedBy: signingActor(req),
        },
      ],
      updateId: updateIdOf(req, 'sign-for-incoming'),
      startWorkflowOperation: await register(Number(receivedDate.slice(0, 4))),
    });
    res.status(201).json({ receipt: signature });
  });

  // 收文登记: the register allocates the 收文编号 and opens the directive's workflow.
  router.post('/api/directives', requireRole('CLERK'), async (req, res) => {
    const { attachments, ...form } = (req.body ?? {}) as Record<string, unknown>;
    const user = currentUser(req);
    const document = readIncomingDocument(form);
    document.attachments = await attachmentsNamed(db, attachments, user.id);
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
    const registration = await temporal.workflow.executeUpdateWithStart(registerIncomingUpdate, {
      args: [
        {
          document,
          registeredBy: signingActor(req),
          policy: await currentPolicy(db),
        },
      ],
      updateId: updateIdOf(req, 'register'),
      startWorkflowOperation: await register(year),
    });
    const directive = await findDirective(db, registration.receiptNumber, 'OFFICE', user);
    res.status(201).location(`/api/directives/${registration.receiptNumber}`).json({ directive });
  });

  router.get('/api/directives/:receiptNumber', async (req, res) => {
    const user = currentUser(req);
    const receiptNumber = receiptNumberParam(req);
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

const CIRCULATION_ACTIONS = ['传阅', '阅', '收回传阅'];

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
      timeline: {
        // Who was sent a 传阅 and what they wrote is the office's to see; each reader has their copy.
        where:
          view === 'OFFICE'
            ? {}
            : {
                OR: [{ departmentCode: null }, ...(department ? [{ departmentCode: department }] : [])],
                action: { notIn: CIRCULATION_ACTIONS },
              },
        orderBy: [{ at: 'asc' }, { seq: 'asc' }],
      },
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
