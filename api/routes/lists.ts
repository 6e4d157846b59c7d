/**
 * What people search and read, from the database: the list of directives each person may see
 * (api/routes/access.ts) with filters, a department's own tasks, and each person's inbox of
 * notices. Filters are parsed by one zod schema per list: a filter a list does not have is named
 * alone, then bad values.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/database';
import type { Prisma } from '../../generated/prisma/client';
import { URGENCIES } from '../../workflows/types';
import { currentUser } from '../auth/middleware';
import { HttpError } from '../errors';
import {
  booleanText,
  calendarDate,
  departmentCode,
  listFilters,
  parseRequest,
  requestSchema,
  wholeNumberText,
} from '../parse';
import { operation } from '../openapi';
import { clearedDirectives, directiveScope } from './access';

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
const TASK_STATUSES = ['DISPATCHED', 'SIGNED_FOR', 'REPORTED', 'RETURNED', 'ACCEPTED', 'WITHDRAWN'];
const SORTABLE = ['registeredAt', 'receivedDate', 'dueDate', 'receiptNumber'] as const;
const SORTS = SORTABLE.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];

/** A comma list of statuses, e.g. status=REVIEWING,CLOSED; empty is no filter. */
const statusList = (statuses: readonly string[]) =>
  z
    .string()
    .transform((s) => (s ? s.split(',') : []))
    .superRefine((given, ctx) => {
      const bad = given.filter((s) => !statuses.includes(s));
      if (bad.length)
        ctx.addIssue({
          code: 'custom',
          message: `unknown status ${bad.join(', ')}; one of ${statuses.join(', ')}`,
        });
    });

/** Every list pages the same way: 20 a page unless told, at most 100. */
const paging = {
  page: wholeNumberText('page', 100_000).default(1),
  pageSize: wholeNumberText('pageSize', 100).default(20),
};

/** The office's list of directives; filters in the order their problems are reported. */
const directiveFilters = listFilters({
  ...paging,
  status: statusList(DIRECTIVE_STATUSES).optional(),
  department: z.union([z.literal(''), departmentCode('department')]).optional(),
  overdue: booleanText('overdue').optional(),
  dueBefore: calendarDate('dueBefore').optional(),
  urgency: z.enum(URGENCIES, { error: `urgency must be one of ${URGENCIES.join('、')}` }).optional(),
  q: z.string().trim().max(100, 'q is at most 100 characters').optional(),
  sort: z
    .enum(SORTS, { error: `sort must be one of ${SORTABLE.join(', ')}, with - for descending` })
    .default('-registeredAt'),
});
const taskFilters = listFilters({ ...paging, status: statusList(TASK_STATUSES).optional() });
const inboxFilters = listFilters(paging);
const directivesRequest = requestSchema({ query: directiveFilters });
const tasksRequest = requestSchema({ query: taskFilters });
const inboxRequest = requestSchema({ query: inboxFilters });
const noticeRequest = requestSchema({ params: z.object({ id: wholeNumberText('id') }).strict() });

const directives = operation({
  summary: 'The directives I may see, filtered, sorted and paged',
  request: directivesRequest,
  responses: { 200: '`{total, page, pageSize, items}`' },
});
const tasks = operation({
  summary: 'My department’s tasks (待办), most urgent deadline first',
  request: tasksRequest,
  responses: { 200: '`{total, page, pageSize, items}`' },
});
const inbox = operation({
  summary: 'My notices: reminders, 催报单, escalations, 催办, 传阅 and 办结 notices',
  request: inboxRequest,
  responses: { 200: '`{unread, total, page, pageSize, items}`' },
});
const readNotice = operation({
  summary: 'Mark a notice of mine read',
  request: noticeRequest,
  responses: { 204: 'Read' },
});

export function listRouter(db: Database): Router {
  const router = Router();

  router.get('/api/directives', directives, async (req, res) => {
    const user = currentUser(req);
    const { query: q } = parseRequest(directivesRequest, req);
    const { page, pageSize } = q;
    // What this person may see, and of its department tasks which: a department sees its own only,
    // so neither the rows nor the department and overdue filters tell another department's status.
    const scope = directiveScope(user);
    const where: Prisma.DirectiveWhereInput[] = [scope.where];
    if (q.status?.length) where.push({ status: { in: q.status } });
    if (q.department) {
      const seesTasksOf = scope.asOffice || q.department === user.departmentCode;
      where.push({
        OR: [
          { leadDepartmentCode: q.department },
          ...(seesTasksOf ? [{ tasks: { some: { departmentCode: q.department } } }] : []),
        ],
      });
    }
    if (q.overdue !== undefined) {
      const overdueTask = { tasks: { some: { ...scope.tasks, overdue: true, status: { not: 'ACCEPTED' } } } };
      where.push(q.overdue ? overdueTask : { NOT: overdueTask });
    }
    if (q.dueBefore !== undefined) where.push({ dueDate: { lt: q.dueBefore } });
    if (q.urgency !== undefined) where.push({ urgency: q.urgency });
    if (q.q) where.push({ OR: [{ title: { contains: q.q } }, { docNumber: { contains: q.q } }] });
    const sortField = q.sort.replace(/^-/, '');

    const filter = { AND: where };
    const [total, items] = await Promise.all([
      db.directive.count({ where: filter }),
      db.directive.findMany({
        where: filter,
        orderBy: [{ [sortField]: q.sort.startsWith('-') ? 'desc' : 'asc' }, { receiptNumber: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
        include: {
          tasks: {
            where: scope.tasks,
            select: { departmentCode: true, role: true, status: true, dueDate: true, overdue: true },
          },
        },
      }),
    ]);
    res.json({ total, page, pageSize, items });
  });

  // A department's own tasks (待办), most urgent deadline first; `status` narrows, pages as above.
  router.get('/api/tasks', tasks, async (req, res) => {
    const user = currentUser(req);
    const { query: q } = parseRequest(tasksRequest, req);
    const { page, pageSize } = q;
    const where = {
      departmentCode: user.departmentCode,
      directive: clearedDirectives(user),
      ...(q.status?.length ? { status: { in: q.status } } : {}),
    };
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
  router.get('/api/inbox', inbox, async (req, res) => {
    const user = currentUser(req);
    const { query } = parseRequest(inboxRequest, req);
    const { page, pageSize } = query;
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

  router.post('/api/inbox/:id/read', readNotice, async (req, res) => {
    const user = currentUser(req);
    const { params } = parseRequest(noticeRequest, req);
    const mine = { id: params.id, recipientId: user.id };
    const { count } = await db.notice.updateMany({
      where: { ...mine, readAt: null },
      data: { readAt: new Date() },
    });
    const exists = count > 0 || (await db.notice.count({ where: mine })) > 0;
    if (!exists) throw new HttpError(404, 'not_found', 'no such notice in your inbox');
    res.status(204).end();
  });

  return router;
}
