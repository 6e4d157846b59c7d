/**
 * Directives (来文). Every route parses its body, params and query with one zod schema
 * (api/parse.ts). Writes go to Temporal as updates within the bounded wait (the workflow's
 * validator has the last word); reads come from the database projection.
 */
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Database } from '../../core/database';
import { appendAudit } from '../../core/audit';
import { currentPolicy } from '../../core/policies';
import {
  directiveWorkflowId,
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
import {
  SECRECY_LEVELS,
  type IncomingDocument,
  type Publicity,
  type Secrecy,
  type Urgency,
} from '../../workflows/types';
import { currentUser, requireRole } from '../auth/middleware';
import { signingActor, updateIdOf, type Clock } from '../requests';
import { HttpError } from '../errors';
import { calendarDate, parseRequest, receiptNumber, requestSchema } from '../parse';
import type { StepRunner } from '../updates';
import { availableSteps } from '../available-steps';
import { operation } from '../openapi';
import { registerUpdates } from '../register';
import { attachmentsNamed, discardUploads, type AttachmentStoreOptions } from './attachments';
import { CLASSIFIED_REFUSAL, clearedFor, isClassified } from '../../workflows/secrecy';
import * as say from '../../workflows/wording';
import { directiveView, directiveVisible, visibleTimeline, type DirectiveView } from './access';

export interface DirectiveRouterDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  clock: Clock;
  /** Runs a step's update within the bounded wait (503 with Retry-After past it). */
  steps: StepRunner;
  /** A network accredited for classified (涉密) documents; otherwise they are refused. */
  classifiedAccredited: boolean;
  /** Where uploads are kept: those of a refused 涉密 registration are thrown away. */
  attachments: AttachmentStoreOptions;
}

// The forms. Types and shape here; the office's rules (文号 form, plausible years, 密级 and
// 保密期限, counts) are checkIncomingDocument's and checkDelivery's, which the register
// workflow's validator also runs, so both answer with the same reasons.

const count = (label: string) =>
  z.number({
    error: (i) => (i.input === undefined ? say.required(label) : say.wholeNumber(label, 1, 9999)),
  });
const trimmed = (label: string) =>
  z.string({ error: (i) => (i.input === undefined ? say.required(label) : say.mustBeText(label)) }).trim();
const docNumber = z.string({ error: say.mustBeText('文号') }).transform(normalizeDocNumber);

/** An optional element of the document: text, trimmed; empty means not given. */
const element = (label: string) =>
  trimmed(label)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/** Problems found by a shared check, as issues of the schema (same field, same reason). */
const asIssues = (problems: FieldProblem[], ctx: z.RefinementCtx) => {
  for (const p of problems) ctx.addIssue({ code: 'custom', path: [p.field], message: p.reason });
};

/** 签收: who sent it, its 文号, the copies counted; the day is today unless told. */
const deliveryForm = (nowMs: number) =>
  z
    .object({
      sourceOrg: trimmed('来文单位'),
      docNumber,
      copies: count('份数'),
      receivedDate: calendarDate('收文日期').default(chinaDate(nowMs)),
    })
    .strict()
    .superRefine((d, ctx) => {
      asIssues(checkDelivery(d, nowMs), ctx);
      if (d.receivedDate > chinaDate(nowMs) || d.receivedDate < '2000-01-01')
        ctx.addIssue({
          code: 'custom',
          path: ['receivedDate'],
          message: '收文日期须在 2000-01-01 至今天之间',
        });
    });

/**
 * 收文登记 as submitted: text trimmed, 文号 brackets normalised; 平急 and 非密 are what an empty box
 * on the 呈批表 means, as on the seed's form. Attachments are ids of the clerk's own uploads.
 */
const registrationForm = (nowMs: number, classifiedAccredited: boolean) =>
  z
    .object({
      sourceOrg: trimmed('来文单位'),
      docNumber,
      title: trimmed('来文标题'),
      receivedDate: trimmed('收文日期'),
      urgency: z.string({ error: say.mustBeText('紧急程度') }).default('平急' satisfies Urgency),
      secrecy: z.string({ error: say.mustBeText('密级') }).default('非密' satisfies Secrecy),
      secrecyPeriod: trimmed('保密期限').optional(),
      copies: count('份数').optional(),
      pages: count('页数').optional(),
      handlingPrefix: trimmed('办文编号前缀').optional(),
      // The document's own elements (GB/T 9704), as printed on it; empty boxes are left out.
      copyNumber: element('份号'),
      writtenDate: element('成文日期'),
      printedBy: element('印发机关'),
      printedOn: element('印发日期'),
      mainRecipients: element('主送机关'),
      copiedTo: element('抄送机关'),
      publicity: element('公开属性'),
      issuer: element('签发人'),
      summary: element('办理意见'),
      bodyText: element('正文'),
      attachments: z
        .array(z.string({ error: '附件须为已上传文件的编号' }).min(1).max(100))
        .max(20, '附件须为已上传的文件，最多 20 个')
        .optional(),
    })
    .strict()
    // The files are checked against the uploads, in the database.
    .superRefine((d, ctx) => asIssues(checkIncomingDocument({ ...d, attachments: undefined }, nowMs), ctx))
    // An unaccredited network must not process a 涉密 document at all (保密法): the 机要 channel does.
    .superRefine((d, ctx) => {
      if (!classifiedAccredited && isClassified(d.secrecy) && SECRECY_LEVELS.includes(d.secrecy as Secrecy))
        ctx.addIssue({ code: 'custom', path: ['secrecy'], message: CLASSIFIED_REFUSAL });
    })
    // Only once the check above has held 紧急程度 and 密级 to their lists.
    .transform(({ urgency, secrecy, publicity, ...rest }) => ({
      ...rest,
      urgency: urgency as Urgency,
      secrecy: secrecy as Secrecy,
      ...(publicity === undefined ? {} : { publicity: publicity as Publicity }),
    }));

const directiveParams = z.object({ receiptNumber }).strict();
const detailRequest = requestSchema({ params: directiveParams });

export function directiveRouter(deps: DirectiveRouterDeps): Router {
  const { db, temporal, taskQueue, clock, steps, classifiedAccredited } = deps;
  const router = Router();
  // Who may read a directive depends on whom its 拟办 asks for 批示, which only its workflow knows.

  const signForIncoming = operation({
    summary: '签收: sign for a delivered document; its 办文时限 starts',
    request: (now) => requestSchema({ body: deliveryForm(now) }),
    responses: { 201: '`{receipt}`' },
    step: true,
  });
  const registration = operation({
    summary: '收文登记: register a directive; answers its 收文编号 and 办文编号',
    request: (now) => requestSchema({ body: registrationForm(now, classifiedAccredited) }),
    responses: { 201: '`{directive}`' },
    step: true,
  });
  const detail = operation({
    summary: 'A directive: its tasks, attachments, 传阅 copies, timeline and the steps I may take now',
    request: detailRequest,
    who: 'The office; leaders involved in it; its departments; its 传阅 readers.',
    responses: { 200: '`{directive}`' },
  });
  const execution = operation({
    summary: 'The directive’s workflow as Temporal runs it now: its id and execution status',
    request: detailRequest,
    who: 'Whoever may read the directive.',
    responses: {
      200: '`{workflowId, executionStatus}`: RUNNING, COMPLETED, …; UNKNOWN while Temporal is out of reach',
    },
  });

  const onRegister = registerUpdates(db, temporal, taskQueue);

  // 签收: the office signs for a delivered document; the time starts every receipt clock.
  router.post('/api/receipts', signForIncoming, requireRole('CLERK'), async (req, res) => {
    const { body: delivery } = parseRequest(requestSchema({ body: deliveryForm(await clock()) }), req);
    const { receivedDate, ...signature } = delivery;
    const updateId = updateIdOf(req, 'sign-for-incoming');
    const receipt = await steps(() =>
      onRegister(Number(receivedDate.slice(0, 4)), signForIncomingUpdate, {
        args: [{ ...signature, signedBy: signingActor(req) }],
        updateId,
      }),
    );
    res.status(201).json({ receipt });
  });

  // 收文登记: the register allocates the 收文编号 and opens the directive's workflow.
  router.post('/api/directives', registration, requireRole('CLERK'), async (req, res) => {
    const user = currentUser(req);
    const schema = requestSchema({ body: registrationForm(await clock(), classifiedAccredited) });
    const body = await classifiedChecked(req, () => parseRequest(schema, req).body);
    const { attachments, ...form } = body;
    const document: IncomingDocument = {
      ...form,
      attachments: await attachmentsNamed(db, attachments, user.id),
    };
    // Across years the register cannot see (their 收文编号 begin with another year); within a year
    // its validator decides, race-free, and a retry with an Idempotency-Key (the web UI sends one with
    // every form) is answered by Temporal with the first registration, so only other years are looked up.
    const year = Number(document.receivedDate.slice(0, 4));
    const earlier = await db.directive.findFirst({
      where: {
        sourceOrg: document.sourceOrg,
        docNumber: document.docNumber,
        ...(req.get('idempotency-key') ? { NOT: { receiptNumber: { startsWith: String(year) } } } : {}),
      },
    });
    if (earlier) {
      throw new HttpError(
        409,
        'duplicate',
        `${document.sourceOrg} ${document.docNumber} 已登记，收文编号 ${earlier.receiptNumber}`,
        [{ field: 'docNumber', reason: `该文号已登记，收文编号 ${earlier.receiptNumber}` }],
      );
    }
    const policy = await currentPolicy(db);
    const updateId = updateIdOf(req, 'register');
    const registration = await steps(() =>
      onRegister(year, registerIncomingUpdate, {
        args: [{ document, registeredBy: signingActor(req), policy }],
        updateId,
      }),
    );
    const directive = await findDirective(db, registration.receiptNumber, 'OFFICE', user);
    res.status(201).location(`/api/directives/${registration.receiptNumber}`).json({ directive });
  });

  /**
   * A registration refused for its 密级 (unaccredited network, or a clerk not cleared to it) leaves
   * none of its files behind: they were uploaded for a document this system may not hold.
   */
  async function classifiedChecked<T extends { secrecy: string }>(req: Request, parse: () => T): Promise<T> {
    const user = currentUser(req);
    const sent = req.body as { secrecy?: unknown; attachments?: unknown } | undefined;
    const discard = () => discardUploads(db, deps.attachments, sent?.attachments, user.id);
    let form: T;
    try {
      form = parse();
    } catch (err) {
      // Refused for its 密级 here (another mistake on an accredited network leaves them for a retry).
      if (!classifiedAccredited && typeof sent?.secrecy === 'string' && isClassified(sent.secrecy))
        await discard();
      throw err;
    }
    if (!clearedFor(user.clearance, form.secrecy)) {
      await discard();
      throw new HttpError(
        403,
        'not_cleared',
        `您的涉密资格为${user.clearance}，不能登记${form.secrecy}级文件`,
        [{ field: 'secrecy', reason: `密级超出您的涉密资格（${user.clearance}）` }],
      );
    }
    return form;
  }

  router.get('/api/directives/:receiptNumber', detail, async (req, res) => {
    const { params } = parseRequest(detailRequest, req);
    const { receiptNumber } = params;
    const user = currentUser(req);
    const view = await directiveView(db, user, receiptNumber);
    const directive = view && (await findDirective(db, receiptNumber, view, user));
    if (!directive) throw new HttpError(404, 'not_found', `没有收文编号为 ${receiptNumber} 的来文`);
    // Every read of a 涉密 document is on record: who, when, which.
    if (isClassified(directive.secrecy))
      await appendAudit(db, {
        actorId: user.delegate?.id ?? user.id,
        onBehalfOfId: user.delegate ? user.id : null,
        action: 'classified.read',
        target: receiptNumber,
        detail: directive.secrecy,
      });
    // The steps this person may take now, from the same tables the API and the workflow refuse by.
    res.json({
      directive: {
        ...directive,
        availableSteps: availableSteps(directive, user),
        sheet: await approvalSheet(db, directive),
      },
    });
  });

  // The engine's side, apart from the detail: a read of the detail comes from the database alone
  // (a Temporal call there was a third of its cost), and operators and tests ask this when they
  // wait for a workflow's end.
  router.get(
    '/api/directives/:receiptNumber/execution',
    execution,
    directiveVisible(db),
    async (req, res) => {
      const { receiptNumber } = parseRequest(detailRequest, req).params;
      res.json(await describeWorkflow(temporal, receiptNumber));
    },
  );

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

/** A signature on the 呈批表: who (and for whom, under a 委托), when. */
interface Signature {
  by: { id: string; name: string };
  onBehalfOf?: { id: string; name: string };
  at: Date;
}

/**
 * The 文件呈批表 as the paper shows it: the 经办人 with his telephone, the 办理意见, the 拟办意见 with
 * the leaders asked (请春新同志批示), and each 审核意见 and 批示 of the 拟办 under way with signer and
 * date, read from the projection and its timeline.
 */
async function approvalSheet(
  db: Database,
  d: {
    registeredById: string;
    summary: string | null;
    proposalComment: string | null;
    leaderIds: string | null;
    timeline: {
      action: string;
      actorId: string | null;
      onBehalfOfId: string | null;
      at: Date;
      comment: string | null;
      departmentCode: string | null;
    }[];
  },
) {
  const own = d.timeline.filter((e) => e.departmentCode === null);
  const round = own.slice(own.map((e) => e.action).lastIndexOf('拟办'));
  const proposed = round[0]?.action === '拟办' ? round[0] : undefined;
  const asked = (d.leaderIds ?? '').split(',').filter(Boolean);
  const ids = [d.registeredById, ...asked, ...round.flatMap((e) => [e.actorId, e.onBehalfOfId])];
  const people = await db.user.findMany({
    where: { id: { in: ids.filter((id): id is string => Boolean(id)) } },
    select: { id: true, displayName: true, phone: true, department: { select: { name: true } } },
  });
  const person = (id: string) => ({ id, name: people.find((p) => p.id === id)?.displayName ?? id });
  // Under a 委托 the timeline names the colleague who acted and the leader he stood in for.
  const signature = (e: (typeof round)[number]): Signature => ({
    by: person(e.actorId ?? ''),
    ...(e.onBehalfOfId ? { onBehalfOf: person(e.onBehalfOfId) } : {}),
    at: e.at,
  });
  const opinions = (agreed: string, returned: string) =>
    round
      .filter((e) => e.action === agreed || e.action === returned)
      .map((e) => ({ ...signature(e), returned: e.action === returned, text: e.comment ?? '' }));
  const clerk = people.find((p) => p.id === d.registeredById);
  return {
    handler: {
      id: d.registeredById,
      name: clerk?.displayName ?? d.registeredById,
      phone: clerk?.phone ?? null,
      department: clerk?.department.name ?? null,
    },
    summary: d.summary,
    proposal: proposed
      ? { ...signature(proposed), text: d.proposalComment, leadersAsked: asked.map(person) }
      : null,
    reviews: opinions('审核', '审核退回'),
    instructions: opinions('批示', '批示退回'),
  };
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
