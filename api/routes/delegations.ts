/**
 * 委托: a user lets a colleague act for him for a period (leave, travel). The colleague then sends
 * `On-Behalf-Of: <user id>` and acts with that user's roles and department; the timeline records
 * both names. Creating and revoking a delegation is in the audit trail.
 */
import { Router, type RequestHandler } from 'express';
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import { z } from 'zod';
import { lowerClearance } from '../../workflows/secrecy';
import { chinaDate, type FieldProblem } from '../../workflows/incoming-document';
import { currentUser } from '../auth/middleware';
import type { SessionUser } from '../auth/sessions';
import { HttpError, invalidInput } from '../errors';
import { calendarDate, parseRequest, requestSchema, text, userId, wholeNumberText } from '../parse';
import type { Clock } from '../requests';
import { operation, readsOnBehalfOf } from '../openapi';
import type { Role } from '../../core/roles';

/** After authenticate(): with On-Behalf-Of, the request acts as the delegating user, if today is in a delegation. */
export function actOnBehalf(db: Database, clock: Clock): RequestHandler {
  return readsOnBehalfOf(async (req, _res, next) => {
    const principal = req.get('on-behalf-of');
    if (!principal) return next();
    const colleague = currentUser(req);
    const today = chinaDate(await clock());
    const delegation = await db.delegation.findFirst({
      where: {
        fromUserId: principal,
        toUserId: colleague.id,
        revokedAt: null,
        startsOn: { lte: today },
        endsOn: { gte: today },
      },
    });
    const user = delegation
      ? await db.user.findUnique({
          where: { id: principal, active: true },
          include: { roles: true, department: true },
        })
      : null;
    if (!user) {
      await appendAudit(db, { actorId: colleague.id, action: 'delegation.refused', target: principal });
      throw new HttpError(403, 'not_delegated', `${principal} 今天（${today}）未委托您代为办理`);
    }
    const actingAs: SessionUser = {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      departmentCode: user.departmentCode,
      departmentName: user.department.name,
      // Administration and 保密 are never delegated: a stand-in acts in the office, not on the
      // system or on who may read secrets.
      roles: user.roles.map((r) => r.role as Role).filter((r) => !NEVER_DELEGATED.includes(r)),
      // The colleague is the one who reads: a 委托 never lends a clearance he does not hold.
      clearance: lowerClearance(user.clearance, colleague.clearance),
      // The colleague at the keyboard has passed the forced password change (middleware.ts).
      mustChangePassword: false,
      delegate: { id: colleague.id, displayName: colleague.displayName },
    };
    req.user = actingAs;
    next();
  });
}

const NEVER_DELEGATED: readonly Role[] = ['ADMIN', 'SECURITY_OFFICER'];

/** 委托: to whom, from when to when (CST days, both included), and why. */
const delegationForm = z
  .object({
    toUserId: userId('受托人'),
    startsOn: calendarDate('委托起始日期'),
    endsOn: calendarDate('委托截止日期'),
    reason: text('委托事由', 500),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.endsOn < d.startsOn)
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: '委托截止日期不能早于委托起始日期' });
  });

const delegationParams = z.object({ id: wholeNumberText('委托编号') }).strict();

const createRequest = requestSchema({ body: delegationForm });
const listRequest = requestSchema({});
const revokeRequest = requestSchema({ params: delegationParams });
const create = operation({
  summary: '委托: let a colleague act for me for a period',
  request: createRequest,
  responses: { 201: '`{delegation}`' },
});
const list = operation({
  summary: 'My delegations, given and received',
  request: listRequest,
  responses: { 200: '`{delegations}`' },
});
const revoke = operation({
  summary: 'Revoke a delegation I gave',
  request: revokeRequest,
  responses: { 200: '`{delegation}`' },
  errors: [409],
});

export function delegationRouter(db: Database, clock: Clock): Router {
  const router = Router();

  router.post('/api/delegations', create, async (req, res) => {
    // Mounted before actOnBehalf: delegations are always managed as oneself.
    const user = currentUser(req);
    const { body } = parseRequest(createRequest, req);
    const problems: FieldProblem[] = [];
    if (body.endsOn < chinaDate(await clock()))
      problems.push({ field: 'endsOn', reason: '委托期限已过：委托截止日期不能早于今天' });
    const colleague = await db.user.findUnique({ where: { id: body.toUserId, active: true } });
    if (!colleague || colleague.id === user.id)
      problems.push({ field: 'toUserId', reason: '受托人须为本人以外在职的同事' });
    if (!colleague || problems.length) throw invalidInput(problems);
    const delegation = await db.$transaction(async (tx) => {
      const created = await tx.delegation.create({
        data: {
          fromUserId: user.id,
          toUserId: colleague.id,
          startsOn: body.startsOn,
          endsOn: body.endsOn,
          reason: body.reason,
        },
      });
      await appendAudit(tx, {
        actorId: user.id,
        action: 'delegation.create',
        target: colleague.id,
        detail: `${body.startsOn}..${body.endsOn}`,
      });
      return created;
    });
    res.status(201).json({ delegation });
  });

  /** Delegations given by me and to me. */
  router.get('/api/delegations', list, async (req, res) => {
    parseRequest(listRequest, req);
    const user = currentUser(req);
    const delegations = await db.delegation.findMany({
      where: { OR: [{ fromUserId: user.id }, { toUserId: user.id }] },
      orderBy: { id: 'desc' },
    });
    res.json({ delegations });
  });

  router.post('/api/delegations/:id/revoke', revoke, async (req, res) => {
    const user = currentUser(req);
    const { params } = parseRequest(revokeRequest, req);
    const { id } = params;
    const delegation = await db.delegation.findUnique({ where: { id } });
    if (!delegation || delegation.fromUserId !== user.id)
      throw new HttpError(404, 'not_found', '找不到您的这项委托');
    if (delegation.revokedAt) throw new HttpError(409, 'not_now', '该委托已撤销');
    const revoked = await db.$transaction(async (tx) => {
      const row = await tx.delegation.update({ where: { id }, data: { revokedAt: new Date() } });
      await appendAudit(tx, { actorId: user.id, action: 'delegation.revoke', target: String(id) });
      return row;
    });
    res.json({ delegation: revoked });
  });

  return router;
}
