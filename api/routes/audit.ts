/**
 * The audit viewer (审计日志): the administrator and the 保密员 read the audit trail, filtered,
 * newest first, with names, and check its hash chain (core/audit.ts). Nobody else, and never under
 * a 委托 (those roles are not delegated). Reading it changes nothing.
 */
import { Router } from 'express';
import { z } from 'zod';
import { AUDIT_ACTIONS, verifyAuditChain } from '../../core/audit';
import type { Database } from '../../core/database';
import * as say from '../../workflows/wording';
import { requireRole } from '../auth/middleware';
import { operation } from '../openapi';
import { calendarDate, listFilters, parseRequest, requestSchema, userId, wholeNumberText } from '../parse';

const AUDITORS = ['ADMIN', 'SECURITY_OFFICER'] as const;
const DAY_MS = 86_400_000;

const listRequest = requestSchema({
  query: listFilters({
    /** Done by this person, or for him under a 委托. */
    actor: userId('操作人').optional(),
    action: z.string().trim().min(1).max(40, say.tooLong('事项', 40)).optional(),
    /** The start of the target: 201700084 finds the directive and its departments' tasks. */
    target: z.string().trim().min(1).max(100, say.tooLong('对象', 100)).optional(),
    from: calendarDate('起始日期').optional(),
    to: calendarDate('截止日期').optional(),
    page: wholeNumberText('页码', 100_000).default(1),
    pageSize: wholeNumberText('每页条数', 200).default(50),
  }),
});

const verifyRequest = requestSchema({
  query: listFilters({
    head: z
      .string()
      .regex(/^[0-9a-f]{64}$/, '末条哈希须为此前记录的 SHA-256 哈希（64 位十六进制数字）')
      .optional(),
  }),
});

const list = operation({
  summary: '审计日志: the audit trail, newest first',
  description:
    'Filters: `actor` (a user id: done by or for him), `action`, `target` (its start, e.g. a 收文编号), ' +
    '`from`/`to` (China Standard Time dates, both included), `page`, `pageSize`. Each entry names ' +
    'its actor and whom he stood in for; `people` and `actions` are those in the trail, for the filters.',
  request: listRequest,
  responses: { 200: '`{items, total, page, pageSize, people, actions}`' },
});
const verify = operation({
  summary: "The audit trail's hash chain, recomputed",
  description:
    '`{ok, entries, head, unsealed, timelineRows, problems}`: the first problem names the first entry ' +
    'altered or missing. With `head` (a hash recorded earlier), that entry must still be in the chain.',
  request: verifyRequest,
  responses: { 200: '`{ok, entries, head, unsealed, timelineRows, problems}`' },
});

export function auditRouter(db: Database): Router {
  const router = Router();

  router.get('/api/audit', list, requireRole(...AUDITORS), async (req, res) => {
    const { query: q } = parseRequest(listRequest, req);
    const where = {
      AND: [
        q.actor ? { OR: [{ actorId: q.actor }, { onBehalfOfId: q.actor }] } : {},
        q.action ? { action: q.action } : {},
        q.target ? { target: { startsWith: q.target } } : {},
        q.from ? { at: { gte: new Date(`${q.from}T00:00:00+08:00`) } } : {},
        q.to ? { at: { lt: new Date(Date.parse(`${q.to}T00:00:00+08:00`) + DAY_MS) } } : {},
      ],
    };
    const [total, rows, actors, actions] = await Promise.all([
      db.auditEvent.count({ where }),
      db.auditEvent.findMany({
        where,
        // Newest first in the order appended: the chain's order, whatever time each entry names.
        orderBy: { id: 'desc' },
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      }),
      db.auditEvent.groupBy({ by: ['actorId'] }),
      db.auditEvent.groupBy({ by: ['action'], orderBy: { action: 'asc' } }),
    ]);
    // Names for the people an entry names: its actor, whom he stood in for, a person as its target.
    const ids = new Set<string>();
    for (const r of rows) for (const id of [r.actorId, r.onBehalfOfId, r.target]) if (id) ids.add(id);
    for (const a of actors) if (a.actorId) ids.add(a.actorId);
    const users = await db.user.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, username: true, displayName: true },
    });
    const person = (id: string | null) => {
      const u = id === null ? undefined : users.find((x) => x.id === id);
      return id === null ? null : { id, username: u?.username ?? null, displayName: u?.displayName ?? id };
    };
    res.json({
      items: rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: person(r.actorId),
        onBehalfOf: person(r.onBehalfOfId),
        action: r.action,
        actionLabel: (AUDIT_ACTIONS as Record<string, string>)[r.action] ?? r.action,
        target: r.target,
        targetName: users.find((u) => u.id === r.target)?.displayName ?? null,
        before: r.before,
        after: r.after,
        detail: r.detail,
        hash: r.hash,
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
      people: actors
        .flatMap((a) => (a.actorId ? [person(a.actorId)!] : []))
        .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN')),
      actions: actions.map((a) => ({
        action: a.action,
        label: (AUDIT_ACTIONS as Record<string, string>)[a.action] ?? a.action,
      })),
    });
  });

  router.get('/api/audit/verify', verify, requireRole(...AUDITORS), async (req, res) => {
    const { query } = parseRequest(verifyRequest, req);
    res.json(await verifyAuditChain(db, query.head ? { expectHead: query.head } : {}));
  });

  return router;
}
