/**
 * 督办台账 and its statistics (api/ledger.ts), and their export as .xlsx or CSV. Read-only, from the
 * projection, every "today" from the application clock.
 *
 * Who: the general office (clerk, reviewer, director), leaders and departments' staff, each over
 * what directiveScope lets him see: the office every department's tasks, a leader those of the
 * directives he is involved in, a department its own tasks only (another's status is not its to
 * know), a classified directive only those cleared for it. 督查室, the 保密员 and the administrator
 * handle no directive: 403.
 *
 * The statistics' period is the 收文日期 (when the directive came in), as the ledger's own filter,
 * so the statistics count exactly the rows the ledger shows for the same period.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/database';
import { chinaDate } from '../../workflows/incoming-document';
import { URGENCIES } from '../../workflows/types';
import * as say from '../../workflows/wording';
import { currentUser, requireRole } from '../auth/middleware';
import { HttpError } from '../errors';
import {
  ledgerChoices,
  ledgerRows,
  ledgerStats,
  ledgerWhere,
  RAGS,
  taskStatusName,
  TASK_STATUSES,
} from '../ledger';
import { ledgerCsv, ledgerXlsx } from '../ledger-export';
import { operation } from '../openapi';
import {
  calendarDate,
  departmentCode,
  listFilters,
  parseRequest,
  requestSchema,
  userId,
  wholeNumberText,
} from '../parse';
import type { Clock } from '../requests';

/** Those who handle directives; the rest see none (README, "Who sees what"). */
const LEDGER_ROLES = [
  'CLERK',
  'OFFICE_REVIEWER',
  'OFFICE_DIRECTOR',
  'LEADER',
  'DEPT_HANDLER',
  'DEPT_HEAD',
] as const;

/** More rows than this in one export is refused: narrow the period. */
export const EXPORT_MAX_ROWS = 10_000;

/** A comma list of task statuses, e.g. status=DISPATCHED,SIGNED_FOR. */
const taskStatuses = z
  .string()
  .transform((s) => (s ? s.split(',') : []))
  .superRefine((given, ctx) => {
    const bad = given.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
    if (bad.length)
      ctx.addIssue({
        code: 'custom',
        message: `办理状态 ${bad.join('、')} 不存在；${say.oneOfThese(
          '办理状态',
          TASK_STATUSES.map((s) => `${s}（${taskStatusName(s)}）`),
        )}`,
      });
  });

const RAG_CHOICES = ['red（逾期）', 'yellow（3 日内到期）', 'green（正常）', 'grey（已回报或撤办）'];

/** The period and what narrows it, shared by the ledger, its export and its statistics. */
const period = {
  from: calendarDate('收文日期（起）').optional(),
  to: calendarDate('收文日期（止）').optional(),
  department: departmentCode('承办单位').optional(),
  urgency: z.enum(URGENCIES, { error: say.oneOfThese('紧急程度', URGENCIES) }).optional(),
  leader: userId('批示领导').optional(),
};
const rowFilters = {
  ...period,
  status: taskStatuses.optional(),
  rag: z.enum(RAGS, { error: say.oneOfThese('预警', RAG_CHOICES) }).optional(),
};
const fromNotAfterTo = (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.from > q.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: '收文日期（止）不能早于收文日期（起）' });
};

const ledgerRequest = requestSchema({
  query: listFilters({
    ...rowFilters,
    page: wholeNumberText('页码', 100_000).default(1),
    pageSize: wholeNumberText('每页条数', 100).default(20),
  }).superRefine(fromNotAfterTo),
});
const exportRequest = requestSchema({
  query: listFilters({
    ...rowFilters,
    format: z.enum(['xlsx', 'csv'], { error: '导出格式须为 xlsx 或 csv' }).default('xlsx'),
  }).superRefine(fromNotAfterTo),
});
const statsRequest = requestSchema({ query: listFilters(period).superRefine(fromNotAfterTo) });

const WHO =
  'The office, leaders and departments’ staff: the office sees every department’s task, a leader the tasks of the directives he is involved in, a department its own tasks only; a classified directive only those cleared for it';

const DOCS = {
  ledger: operation({
    summary: '督办台账: one row per directive and department task, with its red/yellow/green light',
    description:
      'Filters: 收文日期 `from`/`to`, `department`, `status` (task statuses, comma-separated), `urgency`, `leader` (who gave the 批示), `rag`; paged by `page`/`pageSize`. The light and the days are read against the application clock (`today`).',
    request: ledgerRequest,
    responses: { 200: '`{today, total, page, pageSize, items, choices: {departments, leaders}}`' },
    who: WHO,
  }),
  export: operation({
    summary: '督办台账 exported: the same filters’ rows (every page) as .xlsx (with the statistics) or CSV',
    request: exportRequest,
    responses: {
      200: {
        description: 'The ledger, Chinese headers; the CSV starts with a UTF-8 byte order mark',
        mediaTypes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
      },
    },
    errors: [413],
    who: WHO,
  }),
  stats: operation({
    summary:
      '督办统计: per department over a 收文日期 period: received, on time, late, still open, on-time rate, average days to report',
    request: statsRequest,
    responses: { 200: '`{today, from, to, basis, departments, total}`' },
    who: WHO,
  }),
};

export function ledgerRouter({ db, clock }: { db: Database; clock: Clock }): Router {
  const router = Router();
  const guard = requireRole(...LEDGER_ROLES);

  router.get('/api/ledger', DOCS.ledger, guard, async (req, res) => {
    const user = currentUser(req);
    const { query } = parseRequest(ledgerRequest, req);
    const { page, pageSize, ...filters } = query;
    const today = chinaDate(await clock());
    const where = ledgerWhere(user, filters, today);
    const [total, items, choices] = await Promise.all([
      db.departmentTask.count({ where }),
      ledgerRows(db, where, today, { skip: (page - 1) * pageSize, take: pageSize }),
      ledgerChoices(db, user),
    ]);
    res.json({ today, total, page, pageSize, items, choices });
  });

  router.get('/api/ledger/stats', DOCS.stats, guard, async (req, res) => {
    const user = currentUser(req);
    const { query } = parseRequest(statsRequest, req);
    const today = chinaDate(await clock());
    const stats = await ledgerStats(db, ledgerWhere(user, query, today), today);
    res.json({ today, from: query.from ?? null, to: query.to ?? null, basis: 'receivedDate', ...stats });
  });

  router.get('/api/ledger/export', DOCS.export, guard, async (req, res) => {
    const user = currentUser(req);
    const { query } = parseRequest(exportRequest, req);
    const { format, ...filters } = query;
    const now = await clock();
    const today = chinaDate(now);
    const where = ledgerWhere(user, filters, today);
    const total = await db.departmentTask.count({ where });
    if (total > EXPORT_MAX_ROWS)
      throw new HttpError(
        413,
        'too_large',
        `导出最多 ${EXPORT_MAX_ROWS} 行，本次筛选有 ${total} 行：请缩小收文日期范围或加筛选条件`,
      );
    const rows = await ledgerRows(db, where, today);
    const name = `督办台账-${today}`;
    res.set('Cache-Control', 'no-store');
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(ledgerCsv(rows));
      return;
    }
    const { from, to, department, urgency, leader } = filters;
    const stats = await ledgerStats(
      db,
      ledgerWhere(user, { from, to, department, urgency, leader }, today),
      today,
    );
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`${name}.xlsx`)
      .send(await ledgerXlsx(rows, stats, new Date(now)));
  });

  return router;
}
