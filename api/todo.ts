/**
 * 待办 and 已办. What awaits a person now is not kept anywhere: it is derived, on each request,
 * from the step tables (workflows/steps.ts, workflows/integrity-steps.ts) applied to the
 * projection, through the same functions the detail pages use (availableSteps, recordSteps,
 * caseSteps) or, for a department's tasks, the same rule as a query (tasksAwaiting), within what
 * the person may see (directiveScope, integrityScope). Of the steps open to
 * him, those the process waits for count (审核, 批示, 签收, 回报, 审核回报, 延期 decisions, 答复 …);
 * steps he may take at any time (撤办, 催办, 传阅 …) do not. Whose turn it is to 审核 or 批示 comes
 * from the workflow's projected turn (reviewTurn, instructionTurn), so a leader not asked, or not
 * yet in turn, is not shown a 批示.
 * 已办: the timeline entries (directives and tasks) and integrity entries he recorded, himself or
 * through a colleague under his 委托, newest first.
 */
import type { Database } from '../core/database';
import type { Prisma } from '../generated/prisma/client';
import { BREACH_STEPS, CASE_STEPS } from '../workflows/integrity-steps';
import { DIRECTIVE_STEPS, TASK_STEPS, type DirectiveStepKey, type TaskStepKey } from '../workflows/steps';
import { availableSteps, WHILE_EXTENSION_PENDING } from './available-steps';
import type { SessionUser } from './auth/sessions';
import { caseSteps, integrityScope, recordSteps } from './integrity-views';
import { directiveScope } from './routes/access';

/** The directive steps the process waits for; the others a person may take whenever he sees fit. */
const AWAITED_DIRECTIVE_STEPS: readonly DirectiveStepKey[] = [
  'initialReview',
  'propose',
  'review',
  'instruct',
  'dispatch',
  'reply',
  'file',
];
export const AWAITED_TASK_STEPS: readonly TaskStepKey[] = [
  'signFor',
  'report',
  'reviewReport',
  'sendDraft',
  'reviewDraft',
  'decideExtension',
];
const AWAITED_RECORD_STEPS = [
  'explain',
  'submitPlan',
  'reportCompletion',
  'verify',
  'reviewObjection',
  'decideRepair',
] as const;
const AWAITED_CASE_STEPS = ['concludeInvestigation', 'decide', 'reviewObjection'] as const;

export interface TodoItem {
  /** The step awaited: a step table's key, or readCirculation for a 传阅 copy to read. */
  kind: string;
  /** Its name in the office's words, e.g. 审核回报. */
  label: string;
  receiptNumber?: string;
  departmentCode?: string;
  circulationId?: number;
  recordId?: string;
  caseId?: string;
  title: string;
  docNumber?: string;
  urgency?: string;
  /** The deadline that applies, where there is one. */
  dueDate: string | null;
  overdue: boolean;
  /** Since when it waits (the last change of what it is on). */
  since: Date;
  /** The page where the step is taken. */
  link: string;
}

export interface Todo {
  total: number;
  /** How many of each kind, e.g. {review: 1, signFor: 2}. */
  counts: Record<string, number>;
  /** The page asked for. */
  items: TodoItem[];
}

const directiveLink = (rn: string) => `#/directives/${rn}`;

/** Most pressing deadline first (none last), then longest waiting. */
const pressing = (a: TodoItem, b: TodoItem) =>
  (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.since.getTime() - b.since.getTime();

/**
 * What awaits this person now, in `pressing` order, page `page` of `pageSize`; total and counts over
 * every page. A department's tasks are where the numbers are (thousands of 签收 for one 承办人), so
 * each kind of task step is asked of the database for its first page × pageSize items and counted
 * there: the cost follows the page, not the open work. The office's own steps on directives, the
 * 传阅 copies and the integrity chain's steps are few per person and derived whole.
 */
export async function todoOf(
  db: Database,
  user: SessionUser,
  today: string,
  page = 1,
  pageSize = 20,
): Promise<Todo> {
  const upTo = page * pageSize;
  const [directives, tasks, circulations, integrity] = await Promise.all([
    directiveTodo(db, user),
    taskTodo(db, user, upTo),
    circulationTodo(db, user),
    integrityTodo(db, user, today),
  ]);
  const whole = [...directives, ...circulations, ...integrity];
  const counts: Record<string, number> = { ...tasks.counts };
  for (const item of whole) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  const items = [...whole, ...tasks.first].sort(pressing).slice(upTo - pageSize, upTo);
  return { total: whole.length + tasks.total, counts, items };
}

/** Whether his roles take a step of this rule (its table's roles). */
const takes = (user: SessionUser, rule: { roles: readonly string[] }) =>
  rule.roles.some((r) => (user.roles as readonly string[]).includes(r));

/** Directives that still wait for anything: not ended, and once 办结 only until 答复. */
const openDirectives: Prisma.DirectiveWhereInput = {
  status: { notIn: ['WITHDRAWN', 'RETURNED_TO_SENDER', 'FILED'] },
  // Once 办结, only an unanswered directive still waits (答复).
  OR: [{ status: { not: 'CLOSED' } }, { replyText: null }],
};

/** The office's own steps on directives (初审 … 答复), in the statuses they are taken from. */
async function directiveTodo(db: Database, user: SessionUser): Promise<TodoItem[]> {
  const statuses = AWAITED_DIRECTIVE_STEPS.map((k) => DIRECTIVE_STEPS[k])
    .filter((rule) => takes(user, rule))
    .flatMap((rule) => rule.from);
  if (!statuses.length) return [];
  const rows = await db.directive.findMany({
    where: { AND: [directiveScope(user).where, openDirectives, { status: { in: [...new Set(statuses)] } }] },
    include: {
      timeline: {
        where: { departmentCode: null },
        orderBy: { seq: 'asc' },
        select: { departmentCode: true, action: true, actorId: true, onBehalfOfId: true },
      },
      circulation: { select: { circulationId: true, readAt: true, recalledAt: true } },
    },
  });
  const items: TodoItem[] = [];
  for (const d of rows) {
    const open = availableSteps({ ...d, tasks: [] }, user);
    const inTurn: Partial<Record<DirectiveStepKey, boolean>> = {
      // The reviewer role the policy's chain names next; unknown (an older row), any who has not signed.
      review: d.reviewTurn === null || user.roles.some((r) => r === d.reviewTurn),
      // Only the leaders asked, and in sequence only the one whose turn it is.
      instruct: (d.instructionTurn ?? d.leaderIds ?? '').includes(`,${user.id},`),
      // Awaited only of a 阅件 the leaders have read; any other file may be filed, none must be.
      file: d.forReading && d.status === 'INSTRUCTED',
    };
    for (const kind of open.directive)
      if (AWAITED_DIRECTIVE_STEPS.includes(kind) && inTurn[kind] !== false)
        items.push({
          kind,
          label: DIRECTIVE_STEPS[kind].label,
          ...aboutDirective(d),
          dueDate:
            kind === 'dispatch' || kind === 'initialReview' || kind === 'propose' ? d.officeDueDate : null,
          overdue: false,
          since: d.updatedAt,
        });
  }
  return items;
}

const aboutDirective = (d: { receiptNumber: string; title: string; docNumber: string; urgency: string }) => ({
  receiptNumber: d.receiptNumber,
  title: d.title,
  docNumber: d.docNumber,
  urgency: d.urgency,
  link: directiveLink(d.receiptNumber),
});

/**
 * The tasks on which step `kind` awaits this person, exactly as availableSteps decides it from a
 * task's row: the step table's roles and statuses, the department's own steps on its own task
 * only, a step a 延期 governs by WHILE_EXTENSION_PENDING. Undefined when his roles never take it.
 */
function tasksAwaiting(kind: TaskStepKey, user: SessionUser): Prisma.DepartmentTaskWhereInput | undefined {
  const rule = TASK_STEPS[kind];
  if (!takes(user, rule)) return undefined;
  const whilePending = WHILE_EXTENSION_PENDING[kind];
  return {
    status: { in: [...rule.from] },
    ...(rule.ownDepartment ? { departmentCode: user.departmentCode } : {}),
    ...(whilePending === undefined ? {} : { extensionDueDate: whilePending ? { not: null } : null }),
  };
}

/** Per kind of task step: how many await him, and the first `upTo` in `pressing` order. */
async function taskTodo(
  db: Database,
  user: SessionUser,
  upTo: number,
): Promise<{ total: number; counts: Record<string, number>; first: TodoItem[] }> {
  const scope = directiveScope(user);
  const perKind = await Promise.all(
    AWAITED_TASK_STEPS.map(async (kind) => {
      const awaiting = tasksAwaiting(kind, user);
      if (!awaiting) return { kind, count: 0, rows: [] };
      const where = { AND: [scope.tasks, awaiting, { directive: { AND: [scope.where, openDirectives] } }] };
      // A 代拟稿 owed after the 回报单 runs on its own deadline (which may be unset: last, as in `pressing`).
      const byDue: Prisma.DepartmentTaskOrderByWithRelationInput =
        kind === 'sendDraft' ? { draftDueDate: { sort: 'asc', nulls: 'last' } } : { dueDate: 'asc' };
      const [count, rows] = await Promise.all([
        db.departmentTask.count({ where }),
        db.departmentTask.findMany({
          where,
          orderBy: [byDue, { updatedAt: 'asc' }],
          take: upTo,
          include: {
            directive: { select: { receiptNumber: true, title: true, docNumber: true, urgency: true } },
          },
        }),
      ]);
      return { kind, count, rows };
    }),
  );
  const counts: Record<string, number> = {};
  const first: TodoItem[] = [];
  for (const { kind, count, rows } of perKind) {
    if (count) counts[kind] = count;
    for (const t of rows)
      first.push({
        kind,
        label: TASK_STEPS[kind].label,
        ...aboutDirective(t.directive),
        departmentCode: t.departmentCode,
        ...(kind === 'sendDraft'
          ? { dueDate: t.draftDueDate, overdue: t.draftOverdue }
          : { dueDate: t.dueDate, overdue: t.overdue && kind !== 'reviewReport' && kind !== 'reviewDraft' }),
        since: t.updatedAt,
      });
  }
  return { total: perKind.reduce((n, k) => n + k.count, 0), counts, first };
}

/** 传阅 copies with this person, not yet read nor recalled. */
async function circulationTodo(db: Database, user: SessionUser): Promise<TodoItem[]> {
  const copies = await db.circulationCopy.findMany({
    where: { readerId: user.id, readAt: null, recalledAt: null, directive: directiveScope(user).where },
    include: { directive: { select: { title: true, docNumber: true, urgency: true } } },
  });
  return copies.map((c) => ({
    kind: 'readCirculation',
    label: c.purpose === 'COMMENT' ? '传阅（提意见）' : '传阅',
    receiptNumber: c.receiptNumber,
    circulationId: c.circulationId,
    title: c.directive.title,
    docNumber: c.directive.docNumber,
    urgency: c.directive.urgency,
    dueDate: null,
    overdue: false,
    since: c.sentAt,
    link: directiveLink(c.receiptNumber),
  }));
}

/** The integrity chain's steps awaited of this person, on records and cases he may see. */
async function integrityTodo(db: Database, user: SessionUser, today: string): Promise<TodoItem[]> {
  const scope = integrityScope(user);
  // Nothing to ask the database for where his roles take none of the awaited steps (a clerk's).
  const takesAny = (table: Record<string, { roles: readonly string[] }>, keys: readonly string[]) =>
    keys.some((k) => takes(user, table[k]!));
  const [records, cases] = await Promise.all([
    takesAny(BREACH_STEPS, AWAITED_RECORD_STEPS)
      ? db.breachRecord.findMany({ where: { ...scope, status: { notIn: ['REPAIRED', 'REVOKED'] } } })
      : [],
    takesAny(CASE_STEPS, AWAITED_CASE_STEPS)
      ? db.accountabilityCase.findMany({ where: { ...scope, finalAt: null } })
      : [],
  ]);
  if (!records.length && !cases.length) return [];
  const objections = await db.objection.findMany({
    where: { recordId: { in: [...records.map((r) => r.recordId), ...cases.map((c) => c.recordId)] } },
    select: { recordId: true, caseId: true, status: true },
  });
  const items: TodoItem[] = [];
  for (const r of records) {
    const own = objections.filter((o) => o.recordId === r.recordId && o.caseId === null);
    for (const kind of recordSteps(r, own, user, today))
      if ((AWAITED_RECORD_STEPS as readonly string[]).includes(kind))
        items.push({
          kind,
          label: BREACH_STEPS[kind].label,
          recordId: r.recordId,
          // A record opened from a classified directive's task is named by its id only.
          title: `政务失信记录 ${r.recordId}`,
          dueDate: r.dueDate,
          overdue: r.overdue,
          since: r.updatedAt,
          link: `#/integrity/records/${encodeURIComponent(r.recordId)}`,
        });
  }
  for (const c of cases) {
    const own = objections.filter((o) => o.caseId === c.caseId);
    for (const kind of caseSteps(c, own, user, today))
      if ((AWAITED_CASE_STEPS as readonly string[]).includes(kind))
        items.push({
          kind,
          label: CASE_STEPS[kind].label,
          recordId: c.recordId,
          caseId: c.caseId,
          title: `追究责任 ${c.caseId}`,
          dueDate: c.objectionDueDate,
          overdue: false,
          since: c.updatedAt,
          link: `#/integrity/cases/${encodeURIComponent(c.caseId)}`,
        });
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// 已办

export interface DoneItem {
  at: Date;
  action: string;
  /** True when a colleague took it for this person under his 委托. */
  byDelegate: boolean;
  actorId: string | null;
  fromState: string | null;
  toState: string | null;
  comment: string | null;
  receiptNumber?: string;
  departmentCode?: string | null;
  title: string;
  recordId?: string;
  caseId?: string | null;
  link: string;
}

/**
 * What this person handled, newest first: the first `page * pageSize` of each timeline, merged, so
 * a page is exact however the two interleave.
 */
export async function doneBy(
  db: Database,
  user: SessionUser,
  page: number,
  pageSize: number,
): Promise<{ total: number; items: DoneItem[] }> {
  const mine = { OR: [{ actorId: user.id }, { onBehalfOfId: user.id }] };
  const timelineWhere: Prisma.TimelineEntryWhereInput = { ...mine, directive: directiveScope(user).where };
  const integrityWhere: Prisma.IntegrityEntryWhereInput = mine;
  const upTo = page * pageSize;
  const order = [{ at: 'desc' as const }, { seq: 'desc' as const }];
  const [timelineTotal, integrityTotal, entries, integrityEntries] = await Promise.all([
    db.timelineEntry.count({ where: timelineWhere }),
    db.integrityEntry.count({ where: integrityWhere }),
    db.timelineEntry.findMany({
      where: timelineWhere,
      orderBy: order,
      take: upTo,
      include: { directive: { select: { title: true } } },
    }),
    db.integrityEntry.findMany({ where: integrityWhere, orderBy: order, take: upTo }),
  ]);
  const common = (e: (typeof entries)[number] | (typeof integrityEntries)[number]) => ({
    at: e.at,
    action: e.action,
    byDelegate: e.onBehalfOfId === user.id,
    actorId: e.actorId,
    fromState: e.fromState,
    toState: e.toState,
    comment: e.comment,
  });
  const items: DoneItem[] = [
    ...entries.map((e) => ({
      ...common(e),
      receiptNumber: e.receiptNumber,
      departmentCode: e.departmentCode,
      title: e.directive.title,
      link: directiveLink(e.receiptNumber),
    })),
    ...integrityEntries.map((e) => ({
      ...common(e),
      recordId: e.recordId,
      caseId: e.caseId,
      title: e.caseId ? `追究责任 ${e.caseId}` : `政务失信记录 ${e.recordId}`,
      link: e.caseId
        ? `#/integrity/cases/${encodeURIComponent(e.caseId)}`
        : `#/integrity/records/${encodeURIComponent(e.recordId)}`,
    })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  return { total: timelineTotal + integrityTotal, items: items.slice(upTo - pageSize, upTo) };
}
