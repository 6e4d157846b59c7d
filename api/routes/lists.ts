/**
 * What people search and read, from the database: the list of directives each person may see
 * (api/routes/access.ts) with filters, a department's own tasks, and each person's inbox of
 * notices. Filters are parsed by one zod schema per list: a filter a list does not have is named
 * alone, then bad values.
 */
import { TASK_STATUSES } from '../ledger';
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/database';
import type { Prisma } from '../../generated/prisma/client';
import { URGENCIES } from '../../workflows/types';
import * as say from '../../workflows/wording';
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
import type { Clock } from '../requests';
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
  'FILED',
];
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
          message: `状态 ${bad.join('、')} 不存在；${say.oneOfThese('状态', statuses.map(say.statusName))}`,
        });
    });

/**
 * A row of the 收文 list: what identifies a directive, where it stands and by when; the rest
 * (the document's elements, 拟办意见, 正文, 答复) is the detail's. Each column a row carries costs
 * every row of every page again: reading it, mapping it, sending it.
 */
const LISTED = {
  receiptNumber: true,
  docNumber: true,
  title: true,
  sourceOrg: true,
  receivedDate: true,
  urgency: true,
  secrecy: true,
  status: true,
  forReading: true,
  leadDepartmentCode: true,
  handlingNumber: true,
  officeDueDate: true,
  dueDate: true,
  registeredAt: true,
  dispatchedAt: true,
  closedAt: true,
} satisfies Prisma.DirectiveSelect;

/** Every list pages the same way: 20 a page unless told, at most 100. */
const paging = {
  page: wholeNumberText('页码', 100_000).default(1),
  pageSize: wholeNumberText('每页条数', 100).default(20),
};

/** The office's list of directives; filters in the order their problems are reported. */
const directiveFilters = listFilters({
  ...paging,
  status: statusList(DIRECTIVE_STATUSES).optional(),
  department: z.union([z.literal(''), departmentCode('承办单位')]).optional(),
  overdue: booleanText('是否逾期').optional(),
  dueBefore: calendarDate('回报期限截止').optional(),
  urgency: z.enum(URGENCIES, { error: say.oneOfThese('紧急程度', URGENCIES) }).optional(),
  q: z.string().trim().max(100, say.tooLong('检索词', 100)).optional(),
  sort: z
    .enum(SORTS, { error: `${say.oneOfThese('排序', SORTABLE)}（前加 - 为倒序）` })
    .default('-registeredAt'),
});
const taskFilters = listFilters({ ...paging, status: statusList(TASK_STATUSES).optional() });
const inboxFilters = listFilters(paging);
const directivesRequest = requestSchema({ query: directiveFilters });
const tasksRequest = requestSchema({ query: taskFilters });
const inboxRequest = requestSchema({ query: inboxFilters });
const noticeRequest = requestSchema({ params: z.object({ id: wholeNumberText('提醒编号') }).strict() });

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

export function listRouter(db: Database, clock: Clock): Router {
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
      // Overdue with something still owed: the 回报单, or a 代拟稿 that was to follow it.
      const owedLate = [
        { overdue: true, status: { in: ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'] } },
        { draftOverdue: true, status: 'DRAFT_PENDING' },
      ];
      const overdueTask = { tasks: { some: { ...scope.tasks, OR: owedLate } } };
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
        select: {
          ...LISTED,
          tasks: {
            where: scope.tasks,
            select: {
              departmentCode: true,
              role: true,
              status: true,
              dueDate: true,
              overdue: true,
              draftDueDate: true,
              draftOverdue: true,
            },
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

  /** My notices that have reached me: one prepared ahead (预备提醒) is shown from its instant. */
  const reached = async (recipientId: string) => ({ recipientId, at: { lte: new Date(await clock()) } });

  // My notices, newest first; `unread` counts them all, not just this page.
  router.get('/api/inbox', inbox, async (req, res) => {
    const user = currentUser(req);
    const { query } = parseRequest(inboxRequest, req);
    const { page, pageSize } = query;
    const mine = await reached(user.id);
    const [unread, total, items] = await Promise.all([
      db.notice.count({ where: { ...mine, readAt: null } }),
      db.notice.count({ where: mine }),
      db.notice.findMany({
        where: mine,
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
    const mine = { id: params.id, ...(await reached(user.id)) };
    const { count } = await db.notice.updateMany({
      where: { ...mine, readAt: null },
      data: { readAt: new Date() },
    });
    const exists = count > 0 || (await db.notice.count({ where: mine })) > 0;
    if (!exists) throw new HttpError(404, 'not_found', '您的提醒中没有这一条');
    res.status(204).end();
  });

  return router;
}
