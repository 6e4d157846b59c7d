/**
 * What people search and read, from the database: the office's list of directives with
 * filters, a department's own tasks, and each person's inbox of notices.
 */
import { Router, type Request } from 'express';
import type { Database } from '../../core/database';
import { OFFICE_ROLES } from '../../core/roles';
import { isCalendarDate, type FieldProblem } from '../../workflows/incoming-document';
import type { Prisma } from '../../generated/prisma/client';
import { URGENCIES } from '../../workflows/types';
import { currentUser } from '../auth/middleware';
import { HttpError, invalidInput } from '../errors';

const DIRECTIVE_STATUSES = [
  'REGISTERED',
  'REVIEWING',
  'AWAITING_INSTRUCTION',
  'RETURNED',
  'INSTRUCTED',
  'IN_PROGRESS',
  'CLOSED',
  'WITHDRAWN',
  'RETURNED_TO_SENDER',
];
const SORTABLE = ['registeredAt', 'receivedDate', 'dueDate', 'receiptNumber'] as const;
const FILTERS = ['status', 'department', 'overdue', 'dueBefore', 'urgency', 'q', 'page', 'pageSize', 'sort'];

const TASK_FILTERS = ['status', 'page', 'pageSize'];
const TASK_STATUSES = ['DISPATCHED', 'SIGNED_FOR', 'REPORTED', 'RETURNED', 'ACCEPTED', 'WITHDRAWN'];

function query(req: Request, filters: readonly string[] = FILTERS): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(req.query)) {
    if (!filters.includes(key)) problems.push({ field: key, reason: 'is not a filter of this list' });
    else if (typeof value !== 'string') problems.push({ field: key, reason: 'give it once' });
    else out[key] = value;
  }
  if (problems.length) throw invalidInput(problems);
  return out;
}

function pageOf(q: Record<string, string>, problems: FieldProblem[]) {
  const page = Number(q.page ?? 1);
  const pageSize = Number(q.pageSize ?? 20);
  if (!Number.isInteger(page) || page < 1)
    problems.push({ field: 'page', reason: 'must be a whole number from 1' });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    problems.push({ field: 'pageSize', reason: 'must be a whole number from 1 to 100' });
  }
  return { page, pageSize };
}

export function listRouter(db: Database): Router {
  const router = Router();

  router.get('/api/directives', async (req, res) => {
    const user = currentUser(req);
    const q = query(req);
    const problems: FieldProblem[] = [];
    const { page, pageSize } = pageOf(q, problems);
    const where: Prisma.DirectiveWhereInput[] = [];
    // A department sees only what was dispatched to it.
    if (!user.roles.some((r) => OFFICE_ROLES.includes(r)))
      where.push({ tasks: { some: { departmentCode: user.departmentCode } } });
    if (q.status) {
      const statuses = q.status.split(',');
      const bad = statuses.filter((s) => !DIRECTIVE_STATUSES.includes(s));
      if (bad.length)
        problems.push({
          field: 'status',
          reason: `unknown status ${bad.join(', ')}; one of ${DIRECTIVE_STATUSES.join(', ')}`,
        });
      where.push({ status: { in: statuses } });
    }
    if (q.department)
      where.push({
        OR: [{ leadDepartmentCode: q.department }, { tasks: { some: { departmentCode: q.department } } }],
      });
    if (q.overdue !== undefined) {
      if (q.overdue !== 'true' && q.overdue !== 'false')
        problems.push({ field: 'overdue', reason: 'must be true or false' });
      const overdueTask = { tasks: { some: { overdue: true, status: { not: 'ACCEPTED' } } } };
      where.push(q.overdue === 'true' ? overdueTask : { NOT: overdueTask });
    }
    if (q.dueBefore !== undefined) {
      if (!isCalendarDate(q.dueBefore))
        problems.push({ field: 'dueBefore', reason: 'must be a date YYYY-MM-DD' });
      where.push({ dueDate: { lt: q.dueBefore } });
    }
    if (q.urgency !== undefined) {
      if (!URGENCIES.includes(q.urgency as never))
        problems.push({ field: 'urgency', reason: `one of ${URGENCIES.join('、')}` });
      where.push({ urgency: q.urgency });
    }
    if (q.q) where.push({ OR: [{ title: { contains: q.q } }, { docNumber: { contains: q.q } }] });
    const sort = q.sort ?? '-registeredAt';
    const sortField = sort.replace(/^-/, '');
    if (!SORTABLE.includes(sortField as never)) {
      problems.push({ field: 'sort', reason: `one of ${SORTABLE.join(', ')}, with - for descending` });
    }
    if (problems.length) throw invalidInput(problems);

    const filter = { AND: where };
    const [total, items] = await Promise.all([
      db.directive.count({ where: filter }),
      db.directive.findMany({
        where: filter,
        orderBy: [{ [sortField]: sort.startsWith('-') ? 'desc' : 'asc' }, { receiptNumber: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
        include: {
          tasks: { select: { departmentCode: true, role: true, status: true, dueDate: true, overdue: true } },
        },
      }),
    ]);
    res.json({ total, page, pageSize, items });
  });

  // A department's own tasks (待办), most urgent deadline first; `status` narrows, pages as above.
  router.get('/api/tasks', async (req, res) => {
    const user = currentUser(req);
    const q = query(req, TASK_FILTERS);
    const problems: FieldProblem[] = [];
    const { page, pageSize } = pageOf(q, problems);
    const statuses = q.status?.split(',');
    const bad = statuses?.filter((s) => !TASK_STATUSES.includes(s)) ?? [];
    if (bad.length)
      problems.push({
        field: 'status',
        reason: `unknown status ${bad.join(', ')}; one of ${TASK_STATUSES.join(', ')}`,
      });
    if (problems.length) throw invalidInput(problems);
    const where = { departmentCode: user.departmentCode, ...(statuses ? { status: { in: statuses } } : {}) };
    const [total, items] = await Promise.all([
      db.departmentTask.count({ where }),
      db.departmentTask.findMany({
        where,
        orderBy: [{ status: 'asc' }, { dueDate: 'asc' }, { receiptNumber: 'asc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
        include: { directive: { select: { title: true, docNumber: true, sourceOrg: true, urgency: true } } },
      }),
    ]);
    res.json({ total, page, pageSize, items });
  });

  // My notices, newest first; `unread` counts them all, not just this page.
  router.get('/api/inbox', async (req, res) => {
    const user = currentUser(req);
    const q = query(req, ['page', 'pageSize']);
    const problems: FieldProblem[] = [];
    const { page, pageSize } = pageOf(q, problems);
    if (problems.length) throw invalidInput(problems);
    const [unread, total, items] = await Promise.all([
      db.notice.count({ where: { recipientId: user.id, readAt: null } }),
      db.notice.count({ where: { recipientId: user.id } }),
      db.notice.findMany({
        where: { recipientId: user.id },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
    ]);
    res.json({ unread, total, page, pageSize, items });
  });

  router.post('/api/inbox/:id/read', async (req, res) => {
    const user = currentUser(req);
    const id = Number(req.params.id);
    const { count } = await db.notice.updateMany({
      where: { id: Number.isInteger(id) ? id : -1, recipientId: user.id, readAt: null },
      data: { readAt: new Date() },
    });
    const exists =
      count > 0 ||
      (await db.notice.count({ where: { id: Number.isInteger(id) ? id : -1, recipientId: user.id } })) > 0;
    if (!exists) throw new HttpError(404, 'not_found', 'no such notice in your inbox');
    res.status(204).end();
  });

  return router;
}
