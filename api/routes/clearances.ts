/**
 * 涉密资格: the 保密员 decides who may read classified documents, and to which 密级. Not the
 * administrator: whoever manages accounts must not also grant himself access to secrets, and
 * nobody grants his own. Matters where the deployment is accredited (CLASSIFIED_ACCREDITED);
 * elsewhere no classified document is registered at all.
 */
import { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import { SECRECY_LEVELS } from '../../workflows/types';
import * as say from '../../workflows/wording';
import { currentUser, requireRole } from '../auth/middleware';
import { HttpError } from '../errors';
import { operation } from '../openapi';
import { listFilters, parseRequest, requestSchema, text, userId, wholeNumberText } from '../parse';

const clearanceFilters = listFilters({
  q: z.string().trim().max(40, say.tooLong('姓名/单位', 40)).optional(),
  page: wholeNumberText('页码', 10_000).default(1),
  pageSize: wholeNumberText('每页条数', 200).default(50),
});

const clearanceForm = z
  .object({
    clearance: z.enum(SECRECY_LEVELS, {
      error: (i) =>
        i.input === undefined ? say.required('涉密资格') : say.oneOfThese('涉密资格', SECRECY_LEVELS),
    }),
    reason: text('依据', 500),
  })
  .strict();

const userParams = z.object({ id: userId('用户账号') }).strict();
const listRequest = requestSchema({ query: clearanceFilters });
const setRequest = requestSchema({ params: userParams, body: clearanceForm });

const list = operation({
  summary: '涉密资格: everyone with an account and the 密级 each may read',
  description: 'Filters: `q` (part of a name or of a unit’s name), `page`, `pageSize`.',
  request: listRequest,
  responses: { 200: '`{items, total, page, pageSize}`' },
});
const set = operation({
  summary: '涉密资格: set what a person may read, with its 依据',
  description: 'Recorded on the audit trail (`clearance.set`, before and after). Nobody sets his own (403).',
  request: setRequest,
  responses: { 200: '`{user}`' },
});

export function clearanceRouter(db: Database): Router {
  const router = Router();
  const show = {
    id: true,
    username: true,
    displayName: true,
    clearance: true,
    department: { select: { code: true, name: true } },
  } as const;

  // Everyone with an account, and what each may read; the most cleared first.
  router.get('/api/clearances', list, requireRole('SECURITY_OFFICER'), async (req, res) => {
    const { query: q } = parseRequest(listRequest, req);
    const where = {
      active: true,
      ...(q.q
        ? { OR: [{ displayName: { contains: q.q } }, { department: { name: { contains: q.q } } }] }
        : {}),
    };
    const [total, rows] = await Promise.all([
      db.user.count({ where }),
      db.user.findMany({
        where,
        select: show,
        orderBy: [{ departmentCode: 'asc' }, { username: 'asc' }],
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      }),
    ]);
    res.json({ total, page: q.page, pageSize: q.pageSize, items: rows });
  });

  router.put('/api/users/:id/clearance', set, requireRole('SECURITY_OFFICER'), async (req, res) => {
    const { params, body } = parseRequest(setRequest, req);
    const officer = currentUser(req);
    const person = await db.user.findUnique({ where: { id: params.id } });
    if (!person) throw new HttpError(404, 'not_found', `找不到用户 ${params.id}`);
    if (person.id === officer.id)
      throw new HttpError(403, 'own_clearance', '不能为自己设定涉密资格：请由另一名保密员办理');
    const user = await db.$transaction(async (tx) => {
      // First in the transaction: the audit entry takes the write lock (core/audit.ts).
      await appendAudit(tx, {
        actorId: officer.id,
        action: 'clearance.set',
        target: person.id,
        before: person.clearance,
        after: body.clearance,
        detail: body.reason,
      });
      return tx.user.update({ where: { id: person.id }, data: { clearance: body.clearance }, select: show });
    });
    res.json({ user });
  });

  return router;
}
