/**
 * Directives (来文). Writes go to Temporal as updates (the workflow's validator has the last
 * word); reads come from the database projection.
 */
import { Router } from 'express';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Database } from '../../core/database';
import { OFFICE_ROLES } from '../../core/roles';
import {
  directiveWorkflowId,
  incomingRegisterWorkflowId,
  registerIncomingUpdate,
} from '../../workflows/definitions';
import { checkIncomingDocument, normalizeDocNumber } from '../../workflows/incoming-document';
import { incomingRegisterWorkflow } from '../../workflows/incoming-register';
import type { RoutingPolicy } from '../../workflows/policy';
import type { IncomingDocument, Secrecy, Urgency } from '../../workflows/types';
import { currentUser, requireRole } from '../auth/middleware';
import { receiptNumberParam, updateIdOf } from '../requests';
import { HttpError, invalidInput } from '../errors';

export interface DirectiveRouterDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  /** The routing policy in force; each directive keeps the one it was registered under. */
  policy: RoutingPolicy;
}

const DOCUMENT_FIELDS = ['sourceOrg', 'docNumber', 'title', 'receivedDate', 'urgency', 'secrecy'] as const;

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
  };
  const problems = checkIncomingDocument(doc, Date.now());
  if (problems.length) throw invalidInput(problems);
  return doc as IncomingDocument;
}

export function directiveRouter({ db, temporal, taskQueue, policy }: DirectiveRouterDeps): Router {
  const router = Router();

  // 收文登记: the register allocates the 收文编号 and opens the directive's workflow.
  router.post('/api/directives', requireRole('CLERK'), async (req, res) => {
    const document = readIncomingDocument(req.body);
    const user = currentUser(req);
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
      args: [{ document, registeredBy: { userId: user.id, displayName: user.displayName }, policy }],
      updateId: updateIdOf(req, 'register'),
      startWorkflowOperation: new WithStartWorkflowOperation(incomingRegisterWorkflow, {
        workflowId: incomingRegisterWorkflowId(year),
        taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ year, lastSequence: 0 }],
      }),
    });
    const directive = await findDirective(db, registration.receiptNumber);
    res.status(201).location(`/api/directives/${registration.receiptNumber}`).json({ directive });
  });

  router.get('/api/directives/:receiptNumber', async (req, res) => {
    const user = currentUser(req);
    const receiptNumber = receiptNumberParam(req);
    const office = user.roles.some((r) => OFFICE_ROLES.includes(r));
    const directive = await findDirective(db, receiptNumber, office ? undefined : user.departmentCode);
    if (!directive) throw new HttpError(404, 'not_found', `no directive with 收文编号 ${receiptNumber}`);
    res.json({ directive, workflow: await describeWorkflow(temporal, receiptNumber) });
  });

  return router;
}

/**
 * The directive with its department tasks and timeline. For a department (onlyFor), it exists only
 * once dispatched to that department, and shows the directive's own entries and its own task's.
 */
async function findDirective(db: Database, receiptNumber: string, onlyFor?: string) {
  const row = await db.directive.findUnique({
    where: { receiptNumber },
    include: {
      tasks: { where: onlyFor ? { departmentCode: onlyFor } : {}, orderBy: { role: 'desc' } },
      timeline: {
        where: onlyFor ? { OR: [{ departmentCode: null }, { departmentCode: onlyFor }] } : {},
        orderBy: [{ at: 'asc' }, { seq: 'asc' }],
      },
    },
  });
  if (!row || (onlyFor && row.tasks.length === 0)) return undefined;
  return row;
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
