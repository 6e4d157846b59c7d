/**
 * 督办台账: one row per directive × department task, with its 回报 clock read against the API's
 * application clock (`today`, never the machine's), and statistics per department over a period.
 *
 * Who sees which rows is directiveScope's (api/routes/access.ts), as for the directive list: the
 * office every task, a leader the tasks of the directives he is involved in, a department its own
 * tasks only, and nobody a classified directive he is not cleared for.
 *
 * The clock of a task, by the China Standard Time days of its 转办, its 回报期限 and its 回报:
 * - while the department owes its 回报单 (已转办, 已签收, 退回修改): red once the 回报期限 has
 *   passed (逾期 N 天), yellow when it falls within DUE_SOON_DAYS days (3 日内到期, 今日到期),
 *   else green;
 * - once it has reported (回报 awaiting the office, accepted, a 代拟稿 still to follow, a 会办's
 *   opinion sent to the 主办): grey, on time or 逾期 N 天回报 by the day of its last 回报单;
 * - 撤办: grey, and out of the statistics.
 * Days are calendar days: the 回报期限 already counts working days where the policy says so.
 */
import type { Database } from '../core/database';
import type { Prisma } from '../generated/prisma/client';
import { chinaDate } from '../workflows/incoming-document';
import type { DepartmentTaskStatus, Urgency } from '../workflows/types';
import { statusName } from '../workflows/wording';
import type { SessionUser } from './auth/sessions';
import { directiveScope } from './routes/access';

export const RAGS = ['red', 'yellow', 'green', 'grey'] as const;
export type Rag = (typeof RAGS)[number];
/** The lights as the office says them, for filters and the export. */
export const RAG_LABELS: Record<Rag, string> = { red: '红灯', yellow: '黄灯', green: '绿灯', grey: '—' };

/** A report due within this many days (today included) is yellow. */
export const DUE_SOON_DAYS = 3;

/** The statuses in which the department still owes its 回报单 (the rest have reported, or ended). */
export const AWAITING_REPORT: readonly DepartmentTaskStatus[] = ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'];

export const TASK_STATUSES = [
  'DISPATCHED',
  'SIGNED_FOR',
  'REPORTED',
  'RETURNED',
  'DRAFT_PENDING',
  'DRAFT_SENT',
  'SENT_TO_LEAD',
  'ACCEPTED',
  'WITHDRAWN',
] as const satisfies readonly DepartmentTaskStatus[];

/** A status as the ledger shows it: 已签收 (statusName adds the key for refusals: 已签收（SIGNED_FOR）). */
export const taskStatusName = (status: string) => statusName(status).replace(/（[A-Z_]+）$/, '');

const DAY_MS = 86_400_000;
const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
/** Calendar days from one YYYY-MM-DD to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) => Math.round((dayMs(to) - dayMs(from)) / DAY_MS);
export const addDays = (date: string, days: number) =>
  new Date(dayMs(date) + days * DAY_MS).toISOString().slice(0, 10);

export interface TaskDates {
  status: string;
  /** 回报期限: the last day a report is on time. */
  dueDate: string;
  /** 转办, as a China Standard Time day. */
  dispatchedDate: string | null;
  /** The last 回报单, as a China Standard Time day. */
  reportedDate: string | null;
  /** 代拟稿待后送出: the 代拟稿's own deadline, once the 回报单 that promised it was accepted. */
  draftDueDate?: string | null;
}

export interface TaskClock {
  rag: Rag;
  /** What the light says in words, so it reads without colour: 逾期 3 天, 3 日内到期, 按期回报. */
  ragText: string;
  /** From 转办 to the 回报 (or to today while it is owed); none once withdrawn. */
  daysUsed: number | null;
  /** Days past the 回报期限: of today while owed, of the 回报 once reported. */
  overdueDays: number;
  outcome: 'OPEN' | 'ON_TIME' | 'LATE' | 'WITHDRAWN';
}

/** Where a task stands on `today` (YYYY-MM-DD, China Standard Time, from the application clock). */
export function taskClock(task: TaskDates, today: string): TaskClock {
  const used = (until: string) => (task.dispatchedDate ? daysBetween(task.dispatchedDate, until) : null);
  if (task.status === 'WITHDRAWN')
    return { rag: 'grey', ragText: '已撤办', daysUsed: null, overdueDays: 0, outcome: 'WITHDRAWN' };
  // Owed: the 回报单, or the 代拟稿 that was to follow it (its light says so).
  const owed = AWAITING_REPORT.includes(task.status as DepartmentTaskStatus)
    ? { due: task.dueDate, what: '' }
    : task.status === 'DRAFT_PENDING' && task.draftDueDate
      ? { due: task.draftDueDate, what: '代拟稿' }
      : undefined;
  if (owed) {
    const left = daysBetween(today, owed.due);
    const open = { daysUsed: used(today), outcome: 'OPEN' as const };
    if (left < 0) return { ...open, rag: 'red', ragText: `${owed.what}逾期 ${-left} 天`, overdueDays: -left };
    if (left <= DUE_SOON_DAYS)
      return {
        ...open,
        rag: 'yellow',
        ragText: `${owed.what}${left === 0 ? '今日到期' : `${left} 日内到期`}`,
        overdueDays: 0,
      };
    return { ...open, rag: 'green', ragText: `${owed.what}正常，剩 ${left} 天`, overdueDays: 0 };
  }
  // Reported: a projection written before the 回报 time was kept has none; it counts as on time.
  const late = task.reportedDate ? Math.max(0, daysBetween(task.dueDate, task.reportedDate)) : 0;
  return {
    rag: 'grey',
    ragText: late ? `逾期 ${late} 天回报` : '按期回报',
    daysUsed: task.reportedDate ? used(task.reportedDate) : null,
    overdueDays: late,
    outcome: late ? 'LATE' : 'ON_TIME',
  };
}

// ---------------------------------------------------------------------------------------------
// Filters

export interface LedgerFilters {
  /** 收文日期 from and to, both included. */
  from?: string;
  to?: string;
  department?: string;
  status?: string[];
  urgency?: Urgency;
  /** A leader who gave a 批示 on it (himself, or a colleague under his 委托). */
  leader?: string;
  rag?: Rag;
}

type Viewer = Pick<SessionUser, 'id' | 'roles' | 'departmentCode' | 'clearance'>;

/** The same light as taskClock, as a filter on the tasks. */
function ragWhere(rag: Rag, today: string): Prisma.DepartmentTaskWhereInput {
  const soon = addDays(today, DUE_SOON_DAYS);
  // The deadline owed: the 回报单's, or a 代拟稿's that was to follow it.
  const owedBy = (range: Prisma.StringFilter): Prisma.DepartmentTaskWhereInput => ({
    OR: [
      { status: { in: [...AWAITING_REPORT] }, dueDate: range },
      { status: 'DRAFT_PENDING', draftDueDate: range },
    ],
  });
  switch (rag) {
    case 'red':
      return owedBy({ lt: today });
    case 'yellow':
      return owedBy({ gte: today, lte: soon });
    case 'green':
      return owedBy({ gt: soon });
    case 'grey':
      return {
        status: { notIn: [...AWAITING_REPORT] },
        NOT: { status: 'DRAFT_PENDING', draftDueDate: { not: null } },
      };
  }
}

/** A 批示 by this leader: his own, or taken for him under a 委托. */
const instructedBy = (leader: string): Prisma.TimelineEntryWhereInput => ({
  action: '批示',
  OR: [{ onBehalfOfId: leader }, { actorId: leader, onBehalfOfId: null }],
});

/** The tasks this person sees, narrowed by the filters. */
export function ledgerWhere(user: Viewer, f: LedgerFilters, today: string): Prisma.DepartmentTaskWhereInput {
  const scope = directiveScope(user);
  const directive: Prisma.DirectiveWhereInput[] = [scope.where];
  if (f.from) directive.push({ receivedDate: { gte: f.from } });
  if (f.to) directive.push({ receivedDate: { lte: f.to } });
  if (f.urgency) directive.push({ urgency: f.urgency });
  if (f.leader) directive.push({ timeline: { some: instructedBy(f.leader) } });
  const where: Prisma.DepartmentTaskWhereInput[] = [scope.tasks, { directive: { AND: directive } }];
  if (f.department) where.push({ departmentCode: f.department });
  if (f.status?.length) where.push({ status: { in: f.status } });
  if (f.rag) where.push(ragWhere(f.rag, today));
  return { AND: where };
}

// ---------------------------------------------------------------------------------------------
// Rows

export interface LedgerRow extends TaskClock {
  receiptNumber: string; // 收文编号
  handlingNumber: string | null; // 办文编号
  docNumber: string; // 文号
  title: string;
  urgency: string;
  /** The leaders who gave a 批示, in order. */
  leaders: { id: string; name: string }[];
  departmentCode: string;
  departmentName: string;
  role: 'LEAD' | 'CO';
  roleName: '主办' | '会办';
  status: string;
  statusName: string;
  receivedDate: string; // 收文日期
  dispatchedDate: string | null; // 转办
  dueDate: string; // 回报期限
  reportedDate: string | null; // 回报
}

/** Newest 收文 first; within a directive the 主办 before its 会办. */
const ORDER: Prisma.DepartmentTaskOrderByWithRelationInput[] = [
  { directive: { receivedDate: 'desc' } },
  { receiptNumber: 'desc' },
  { role: 'desc' }, // LEAD before CO
  { departmentCode: 'asc' },
];

const ROW_SELECT = {
  receiptNumber: true,
  departmentCode: true,
  role: true,
  status: true,
  dueDate: true,
  draftDueDate: true,
  reportedAt: true,
  directive: {
    select: {
      handlingNumber: true,
      docNumber: true,
      title: true,
      urgency: true,
      receivedDate: true,
      dispatchedAt: true,
    },
  },
} satisfies Prisma.DepartmentTaskSelect;

const dayOf = (at: Date | null) => (at ? chinaDate(at.getTime()) : null);
/** A report still owed shows no 回报 day, even where a returned one had one. */
const reportedDay = (status: string, at: Date | null) =>
  AWAITING_REPORT.includes(status as DepartmentTaskStatus) ? null : dayOf(at);

async function departmentNames(db: Database, codes: string[]) {
  const found = await db.department.findMany({
    where: { code: { in: [...new Set(codes)] } },
    select: { code: true, name: true },
  });
  return new Map(found.map((d) => [d.code, d.name]));
}

/** The leaders who gave each directive's 批示, in the order they gave it. */
async function instructingLeaders(db: Database, receiptNumbers: string[]) {
  const entries = await db.timelineEntry.findMany({
    where: { receiptNumber: { in: [...new Set(receiptNumbers)] }, action: '批示' },
    orderBy: [{ at: 'asc' }, { seq: 'asc' }],
    select: { receiptNumber: true, actorId: true, onBehalfOfId: true },
  });
  const ids = entries.flatMap((e) => e.onBehalfOfId ?? e.actorId ?? []);
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(ids)] } },
    select: { id: true, displayName: true },
  });
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const byDirective = new Map<string, { id: string; name: string }[]>();
  for (const e of entries) {
    const id = e.onBehalfOfId ?? e.actorId;
    if (!id) continue;
    const list = byDirective.get(e.receiptNumber) ?? [];
    if (!list.some((l) => l.id === id)) list.push({ id, name: names.get(id) ?? id });
    byDirective.set(e.receiptNumber, list);
  }
  return byDirective;
}

/** The ledger's rows the filter finds, in the ledger's order; a window for a page (none: every row). */
export async function ledgerRows(
  db: Database,
  where: Prisma.DepartmentTaskWhereInput,
  today: string,
  window: { skip?: number; take?: number } = {},
): Promise<LedgerRow[]> {
  const tasks = await db.departmentTask.findMany({ where, orderBy: ORDER, ...window, select: ROW_SELECT });
  const [departments, leaders] = await Promise.all([
    departmentNames(
      db,
      tasks.map((t) => t.departmentCode),
    ),
    instructingLeaders(
      db,
      tasks.map((t) => t.receiptNumber),
    ),
  ]);
  return tasks.map((t) => {
    const dates = {
      status: t.status,
      dueDate: t.dueDate,
      draftDueDate: t.draftDueDate,
      dispatchedDate: dayOf(t.directive.dispatchedAt),
      reportedDate: reportedDay(t.status, t.reportedAt),
    };
    const role = t.role === 'LEAD' ? 'LEAD' : 'CO';
    return {
      receiptNumber: t.receiptNumber,
      handlingNumber: t.directive.handlingNumber,
      docNumber: t.directive.docNumber,
      title: t.directive.title,
      urgency: t.directive.urgency,
      leaders: leaders.get(t.receiptNumber) ?? [],
      departmentCode: t.departmentCode,
      departmentName: departments.get(t.departmentCode) ?? t.departmentCode,
      role,
      roleName: role === 'LEAD' ? '主办' : '会办',
      statusName: taskStatusName(t.status),
      receivedDate: t.directive.receivedDate,
      ...dates,
      ...taskClock(dates, today),
    };
  });
}

/** What the filter form may offer this person: the departments and the leaders in his ledger. */
export async function ledgerChoices(db: Database, user: Viewer) {
  const scope = directiveScope(user);
  const [tasks, instructions] = await Promise.all([
    db.departmentTask.findMany({
      where: { AND: [scope.tasks, { directive: scope.where }] },
      distinct: ['departmentCode'],
      select: { departmentCode: true },
    }),
    db.timelineEntry.findMany({
      where: { action: '批示', directive: { AND: [scope.where, { tasks: { some: scope.tasks } }] } },
      distinct: ['actorId', 'onBehalfOfId'],
      select: { actorId: true, onBehalfOfId: true },
    }),
  ]);
  const names = await departmentNames(
    db,
    tasks.map((t) => t.departmentCode),
  );
  const leaderIds = [...new Set(instructions.flatMap((e) => e.onBehalfOfId ?? e.actorId ?? []))];
  const leaders = await db.user.findMany({
    where: { id: { in: leaderIds } },
    select: { id: true, displayName: true },
    orderBy: { id: 'asc' },
  });
  return {
    departments: [...names]
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    leaders: leaders.map((l) => ({ id: l.id, name: l.displayName })),
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics

export interface DepartmentStats {
  departmentCode: string;
  departmentName: string;
  /** Tasks received (转办 to it), 撤办 ones aside. */
  received: number;
  /** Reported by the 回报期限. */
  onTime: number;
  /** Reported after it. */
  late: number;
  /** Still owed, and of those already past the 回报期限. */
  open: number;
  overdueOpen: number;
  /**
   * 按期回报率: on time ÷ those whose outcome is known (reported, or owed and already overdue),
   * as a fraction; none while nothing is due yet.
   */
  onTimeRate: number | null;
  /** 平均回报天数: the mean days from 转办 to 回报 of those reported, to one decimal. */
  averageDays: number | null;
}

function summarise(code: string, name: string, clocks: TaskClock[]): DepartmentStats {
  const counted = clocks.filter((c) => c.outcome !== 'WITHDRAWN');
  const count = (outcome: TaskClock['outcome']) => counted.filter((c) => c.outcome === outcome).length;
  const onTime = count('ON_TIME');
  const late = count('LATE');
  const open = count('OPEN');
  const overdueOpen = counted.filter((c) => c.outcome === 'OPEN' && c.overdueDays > 0).length;
  const judged = onTime + late + overdueOpen;
  const days = counted.flatMap((c) => (c.outcome !== 'OPEN' && c.daysUsed !== null ? [c.daysUsed] : []));
  return {
    departmentCode: code,
    departmentName: name,
    received: counted.length,
    onTime,
    late,
    open,
    overdueOpen,
    onTimeRate: judged ? Math.round((onTime / judged) * 10_000) / 10_000 : null,
    averageDays: days.length ? Math.round((days.reduce((a, b) => a + b, 0) / days.length) * 10) / 10 : null,
  };
}

/** Per department (by code), then the whole: the tasks `where` finds, read on `today`. */
export async function ledgerStats(db: Database, where: Prisma.DepartmentTaskWhereInput, today: string) {
  const tasks = await db.departmentTask.findMany({
    where,
    select: {
      departmentCode: true,
      status: true,
      dueDate: true,
      draftDueDate: true,
      reportedAt: true,
      directive: { select: { dispatchedAt: true } },
    },
  });
  const byDepartment = new Map<string, TaskClock[]>();
  for (const t of tasks) {
    const clock = taskClock(
      {
        status: t.status,
        dueDate: t.dueDate,
        draftDueDate: t.draftDueDate,
        dispatchedDate: dayOf(t.directive.dispatchedAt),
        reportedDate: reportedDay(t.status, t.reportedAt),
      },
      today,
    );
    byDepartment.set(t.departmentCode, [...(byDepartment.get(t.departmentCode) ?? []), clock]);
  }
  const names = await departmentNames(db, [...byDepartment.keys()]);
  const departments = [...byDepartment]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, clocks]) => summarise(code, names.get(code) ?? code, clocks))
    .filter((s) => s.received > 0);
  return {
    departments,
    total: summarise('', '合计', [...byDepartment.values()].flat()),
  };
}
