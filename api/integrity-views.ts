/**
 * What the integrity chain (政务诚信) shows, read from the database projection: who sees which
 * records and cases, a record's and a case's detail with the steps this person may take now, the
 * lists, the integrity evaluation (政务诚信评价) and the export for the credit-sharing platform
 * (全国信用信息共享平台). The workflows have the last word on every step; these reads only tell.
 */
import type { Database } from '../core/database';
import { DIRECTIVE_OFFICE_ROLES, type Role } from '../core/roles';
import type { Prisma } from '../generated/prisma/client';
import type { IntegrityPolicy } from '../workflows/integrity-policy';
import {
  BREACH_STEPS,
  CASE_STEPS,
  SUBJECT_STEPS,
  type BreachStep,
  type CaseStep,
} from '../workflows/integrity-steps';
import {
  BREACH_SOURCES,
  BREACH_STATUSES,
  CASE_STATUSES,
  MEASURES,
  SEVERITIES,
  type BreachSource,
  type BreachStatus,
  type CaseStatus,
  type Measure,
  type Severity,
} from '../workflows/integrity-types';
import { classifiedName, clearedFor, isClassified } from '../workflows/secrecy';
import { openSteps } from '../workflows/steps';

/** Who is looking: the signed-in person (under a 委托, `delegate` is the colleague acting). */
export interface Viewer {
  id: string;
  roles: readonly string[];
  departmentCode: string;
  /** 涉密 clearance: whether a classified directive behind a record may be named to them. */
  clearance: string;
  delegate?: { id: string };
}

/**
 * The credit staff (督查室), the general office's staff and its leaders (who answer for 政务诚信)
 * see every record and case. Not the administrator: he manages accounts, not records.
 */
const SEES_EVERY_RECORD: readonly Role[] = ['CREDIT_OFFICER', ...DIRECTIVE_OFFICE_ROLES, 'LEADER'];

/**
 * Visibility, the one rule: those above see every record and case; anyone else only those whose
 * subject is their own department. As a Prisma filter on
 * `subjectDepartmentCode`, so lists, details and the evaluation all narrow alike; what is not
 * visible answers 404, as if it did not exist.
 */
export function integrityScope(viewer: Pick<Viewer, 'roles' | 'departmentCode'>): {
  subjectDepartmentCode?: string;
} {
  const seesAll = viewer.roles.some((r) => SEES_EVERY_RECORD.includes(r as never));
  return seesAll ? {} : { subjectDepartmentCode: viewer.departmentCode };
}

const DAY_MS = 86_400_000;

/** A period of China Standard Time dates, both included. */
export interface Period {
  from: string;
  to: string;
}

/** The instants of a period: from its first day's 00:00 CST up to (not including) the day after its last. */
export function periodRange({ from, to }: Period): { gte: Date; lt: Date } {
  return {
    gte: new Date(`${from}T00:00:00+08:00`),
    lt: new Date(Date.parse(`${to}T00:00:00+08:00`) + DAY_MS),
  };
}

// ---------------------------------------------------------------------------------------------
// 政务诚信评价: the score

export type EvaluationFormula = IntegrityPolicy['evaluation'];

/** A record opened in the period, as the score reads it. */
export interface ScoredRecord {
  severity: string;
  status: string;
  overdueSteps: number;
}
/** A case decided in the period, as the score reads it. */
export interface ScoredCase {
  status: string;
  measure: string | null;
}

export interface Deduction {
  /** What it is for, in the office's words, e.g. 失信记录（较重）. */
  what: string;
  kind: 'record' | 'overdueStep' | 'measure';
  /** The severity or measure, for `record` and `measure`. */
  key?: Severity | Measure;
  count: number;
  /** Points per one. */
  each: number;
  points: number;
}

export interface IntegrityScore {
  score: number;
  base: number;
  floor: number;
  deductions: Deduction[];
}

/** Records that no longer count against the body: repaired (信用修复) or revoked on objection. */
const CLEARED: readonly string[] = ['REPAIRED', 'REVOKED'] satisfies BreachStatus[];
/** Cases whose decision stands: decided (异议期 running) or final; an objected one awaits review. */
const STANDING_DECISION: readonly string[] = ['DECIDED', 'FINAL'] satisfies CaseStatus[];

/**
 * The integrity evaluation of one body, pure: `records` opened in the period, `cases` decided in it.
 * score = max(floor, base − Σ perRecord[severity] over records neither REPAIRED nor REVOKED
 * − perOverdueStep × their overdueSteps − Σ perMeasure[measure] over cases whose decision stands
 * (DECIDED or FINAL) with a measure). Each deduction is listed with its count and points.
 */
export function integrityScore(
  formula: EvaluationFormula,
  { records, cases }: { records: readonly ScoredRecord[]; cases: readonly ScoredCase[] },
): IntegrityScore {
  const counting = records.filter((r) => !CLEARED.includes(r.status));
  const deductions: Deduction[] = [];
  for (const severity of Object.keys(SEVERITIES) as Severity[]) {
    const count = counting.filter((r) => r.severity === severity).length;
    const each = formula.perRecord[severity];
    if (count)
      deductions.push({
        what: `失信记录（${SEVERITIES[severity]}）`,
        kind: 'record',
        key: severity,
        count,
        each,
        points: count * each,
      });
  }
  const overdue = counting.reduce((n, r) => n + r.overdueSteps, 0);
  if (overdue)
    deductions.push({
      what: '整改逾期',
      kind: 'overdueStep',
      count: overdue,
      each: formula.perOverdueStep,
      points: overdue * formula.perOverdueStep,
    });
  const standing = cases.filter((c) => STANDING_DECISION.includes(c.status) && c.measure);
  for (const measure of Object.keys(MEASURES) as Measure[]) {
    const count = standing.filter((c) => c.measure === measure).length;
    const each = formula.perMeasure[measure];
    if (count)
      deductions.push({
        what: `追责：${MEASURES[measure].label}`,
        kind: 'measure',
        key: measure,
        count,
        each,
        points: count * each,
      });
  }
  const total = deductions.reduce((n, d) => n + d.points, 0);
  return {
    score: Math.max(formula.floor, formula.base - total),
    base: formula.base,
    floor: formula.floor,
    deductions,
  };
}

// ---------------------------------------------------------------------------------------------
// The steps a person may take now

interface ObjectionRow {
  status: string;
}

/** Whose act an objection disputes: the record's registrar, or the case's decider; they do not review it (回避). */
export function objectedActBy(
  row: { openedById: string | null } | { decidedById: string | null },
): string | null {
  return 'decidedById' in row ? row.decidedById : row.openedById;
}

/** True when the viewer, or the colleague acting for them, did the act the objection disputes. */
export function isObjectedActor(viewer: Viewer, actorId: string | null): boolean {
  return actorId !== null && (viewer.id === actorId || viewer.delegate?.id === actorId);
}

const isSubjectStep = (step: string) => SUBJECT_STEPS.includes(step);
/** The 异议期 runs up to and including its last day; unknown, the workflow decides. */
const windowOpen = (dueDate: string | null, today: string) => dueDate === null || today <= dueDate;

/**
 * A record's steps for this viewer now: the step table by role and status, without the subject's
 * steps for anyone not of the subject body, 提出异议 only within the 异议期 and with none pending,
 * 异议复核 only with one pending and never by the registrar, 申请信用修复 only from repairableFrom;
 * none once the record is repaired or revoked (its workflow has ended).
 */
export function recordSteps(
  record: {
    status: string;
    subjectDepartmentCode: string;
    objectionDueDate: string | null;
    repairableFrom: string | null;
    openedById: string | null;
  },
  objections: readonly ObjectionRow[],
  viewer: Viewer,
  today: string,
): BreachStep[] {
  // Repaired or revoked, the record's workflow has ended: nothing more can be done on it.
  if (CLEARED.includes(record.status)) return [];
  const ours = viewer.departmentCode === record.subjectDepartmentCode;
  const pending = objections.some((o) => o.status === 'PENDING');
  const allows: Record<BreachStep, boolean> = {
    correctRecord: true,
    explain: true,
    submitPlan: true,
    reportCompletion: true,
    verify: true,
    openCase: true,
    fileObjection: !pending && windowOpen(record.objectionDueDate, today),
    reviewObjection: pending && !isObjectedActor(viewer, objectedActBy(record)),
    applyRepair: record.repairableFrom !== null && today >= record.repairableFrom,
    decideRepair: true,
  };
  return openSteps(BREACH_STEPS, viewer.roles, record.status as BreachStatus).filter(
    (k) => allows[k] && (ours || !isSubjectStep(k)),
  );
}

/** A case's steps for this viewer now, by the same rules as a record's. */
export function caseSteps(
  c: {
    status: string;
    subjectDepartmentCode: string;
    objectionDueDate: string | null;
    decidedById: string | null;
  },
  objections: readonly ObjectionRow[],
  viewer: Viewer,
  today: string,
): CaseStep[] {
  const ours = viewer.departmentCode === c.subjectDepartmentCode;
  const pending = objections.some((o) => o.status === 'PENDING');
  const allows: Record<CaseStep, boolean> = {
    concludeInvestigation: true,
    showMitigation: true,
    decide: true,
    fileObjection: !pending && windowOpen(c.objectionDueDate, today),
    reviewObjection: pending && !isObjectedActor(viewer, objectedActBy(c)),
  };
  return openSteps(CASE_STEPS, viewer.roles, c.status as CaseStatus).filter(
    (k) => allows[k] && (ours || !isSubjectStep(k)),
  );
}

// ---------------------------------------------------------------------------------------------
// Details

type RecordRow = Prisma.BreachRecordGetPayload<object>;
type CaseRow = Prisma.AccountabilityCaseGetPayload<object>;

const parseJson = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

/** The row, with the evidence of an overdue task (JSON in the row) as an object. */
export const recordView = (row: RecordRow) => ({ ...row, evidence: parseJson(row.evidence) });

/** The row, with what the body showed (JSON) and the mitigation grounds (comma list) as values. */
export const caseView = (row: CaseRow) => ({
  ...row,
  mitigationShown: parseJson(row.mitigationShown),
  mitigationGrounds: row.mitigationGrounds ? row.mitigationGrounds.split(',') : [],
});

const entryView = (e: Prisma.IntegrityEntryGetPayload<object>) => ({ ...e, detail: parseJson(e.detail) });

/** A record the viewer may see, or null (none, or not theirs to see: both are 404). */
export function visibleRecord(db: Database, viewer: Viewer, recordId: string) {
  return db.breachRecord.findFirst({ where: { recordId, ...integrityScope(viewer) } });
}

/** A case the viewer may see, or null. */
export function visibleCase(db: Database, viewer: Viewer, caseId: string) {
  return db.accountabilityCase.findFirst({ where: { caseId, ...integrityScope(viewer) } });
}

const ATTACHMENT_FIELDS = {
  id: true,
  fileName: true,
  mediaType: true,
  size: true,
  uploadedAt: true,
  uploadedById: true,
} as const;

/**
 * GET /api/integrity/records/:recordId: `{ record, entries, cases, objections, attachments, task?,
 * availableSteps: { record, cases } }`. `objections` are those to the record itself; a case's are
 * on the case.
 */
export async function recordDetail(db: Database, row: RecordRow, viewer: Viewer, today: string) {
  const { recordId } = row;
  const [entries, cases, objections, caseObjections, attachments, task] = await Promise.all([
    db.integrityEntry.findMany({ where: { recordId }, orderBy: [{ at: 'asc' }, { seq: 'asc' }] }),
    db.accountabilityCase.findMany({
      where: { recordId },
      orderBy: [{ openedAt: 'asc' }, { caseId: 'asc' }],
    }),
    db.objection.findMany({ where: { recordId, caseId: null }, orderBy: { objectionId: 'asc' } }),
    db.objection.findMany({
      where: { recordId, caseId: { not: null } },
      select: { caseId: true, status: true },
    }),
    db.attachment.findMany({ where: { breachRecordId: recordId }, select: ATTACHMENT_FIELDS }),
    row.receiptNumber
      ? db.departmentTask.findFirst({
          where: row.taskWorkflowId
            ? { workflowId: row.taskWorkflowId }
            : { receiptNumber: row.receiptNumber, departmentCode: row.subjectDepartmentCode },
          include: { directive: { select: { docNumber: true, title: true, secrecy: true } } },
        })
      : null,
  ]);
  // A 涉密 directive is named by its 密级 and 收文编号 alone, unless the viewer may read it.
  if (task && isClassified(task.directive.secrecy) && !clearedFor(viewer.clearance, task.directive.secrecy)) {
    const name = classifiedName(task.directive.secrecy, task.receiptNumber);
    task.directive = { ...task.directive, docNumber: name, title: name };
  }
  return {
    record: recordView(row),
    entries: entries.map(entryView),
    cases: cases.map(caseView),
    objections,
    attachments,
    ...(task ? { task } : {}),
    availableSteps: {
      record: recordSteps(row, objections, viewer, today),
      cases: Object.fromEntries(
        cases.map((c) => [
          c.caseId,
          caseSteps(
            c,
            caseObjections.filter((o) => o.caseId === c.caseId),
            viewer,
            today,
          ),
        ]),
      ) as Record<string, CaseStep[]>,
    },
  };
}

/**
 * GET /api/integrity/cases/:caseId: `{ case, entries, objections, record: { recordId, status,
 * subjectDepartmentCode, facts }, availableSteps }`.
 */
export async function caseDetail(db: Database, row: CaseRow, viewer: Viewer, today: string) {
  const [entries, objections, record] = await Promise.all([
    db.integrityEntry.findMany({ where: { caseId: row.caseId }, orderBy: [{ at: 'asc' }, { seq: 'asc' }] }),
    db.objection.findMany({ where: { caseId: row.caseId }, orderBy: { objectionId: 'asc' } }),
    db.breachRecord.findUnique({
      where: { recordId: row.recordId },
      select: { recordId: true, status: true, subjectDepartmentCode: true, facts: true },
    }),
  ]);
  return {
    case: caseView(row),
    entries: entries.map(entryView),
    objections,
    record,
    availableSteps: caseSteps(row, objections, viewer, today),
  };
}

// ---------------------------------------------------------------------------------------------
// The list

export interface RecordFilters {
  department?: string;
  status?: BreachStatus[];
  source?: BreachSource[];
  severity?: Severity[];
  q?: string;
  page: number;
  pageSize: number;
}

/** GET /api/integrity/records: `{ items, total, page, pageSize }`, newest first, as far as the viewer sees. */
export async function listRecords(db: Database, viewer: Viewer, f: RecordFilters) {
  const where: Prisma.BreachRecordWhereInput = {
    AND: [
      integrityScope(viewer),
      f.department ? { subjectDepartmentCode: f.department } : {},
      f.status ? { status: { in: f.status } } : {},
      f.source ? { source: { in: f.source } } : {},
      f.severity ? { severity: { in: f.severity } } : {},
      f.q
        ? {
            OR: [
              { facts: { contains: f.q } },
              { sourceRef: { contains: f.q } },
              { recordId: { contains: f.q } },
            ],
          }
        : {},
    ],
  };
  const [total, rows] = await Promise.all([
    db.breachRecord.count({ where }),
    db.breachRecord.findMany({
      where,
      orderBy: [{ openedAt: 'desc' }, { recordId: 'desc' }],
      skip: (f.page - 1) * f.pageSize,
      take: f.pageSize,
    }),
  ]);
  return { items: rows.map(recordView), total, page: f.page, pageSize: f.pageSize };
}

// ---------------------------------------------------------------------------------------------
// The evaluation

/** Records opened and cases opened or decided in the period, of one body or of all. */
async function periodRows(db: Database, period: Period, departmentCode?: string) {
  const range = periodRange(period);
  const body = departmentCode ? { subjectDepartmentCode: departmentCode } : {};
  const [records, cases] = await Promise.all([
    db.breachRecord.findMany({ where: { ...body, openedAt: range }, orderBy: [{ openedAt: 'asc' }] }),
    db.accountabilityCase.findMany({
      where: { ...body, OR: [{ openedAt: range }, { decidedAt: range }] },
      orderBy: [{ openedAt: 'asc' }],
    }),
  ]);
  const decided = (c: CaseRow) => c.decidedAt !== null && c.decidedAt >= range.gte && c.decidedAt < range.lt;
  return { records, cases, decided };
}

const OPEN_CASE: readonly string[] = [
  'INVESTIGATING',
  'AWAITING_DECISION',
  'OBJECTED',
] satisfies CaseStatus[];

function summary(records: RecordRow[], cases: CaseRow[], decided: (c: CaseRow) => boolean) {
  const counting = records.filter((r) => !CLEARED.includes(r.status));
  return {
    records: {
      open: counting.length,
      repaired: records.filter((r) => r.status === 'REPAIRED').length,
      revoked: records.filter((r) => r.status === 'REVOKED').length,
    },
    overdueSteps: counting.reduce((n, r) => n + r.overdueSteps, 0),
    cases: {
      open: cases.filter((c) => OPEN_CASE.includes(c.status)).length,
      decided: cases.filter((c) => decided(c) && STANDING_DECISION.includes(c.status)).length,
    },
  };
}

/**
 * GET /api/integrity/evaluation: `{ from, to, formula, ranking: [{ departmentCode, name, score,
 * records: { open, repaired, revoked }, overdueSteps, cases: { open, decided } }] }` for every
 * responsible department (承办单位), best score first, ties by code.
 */
export async function evaluationRanking(db: Database, formula: EvaluationFormula, period: Period) {
  const [departments, { records, cases, decided }] = await Promise.all([
    db.department.findMany({ where: { kind: 'RESPONSIBLE_DEPARTMENT' }, orderBy: { code: 'asc' } }),
    periodRows(db, period),
  ]);
  const ranking = departments.map((d) => {
    const own = records.filter((r) => r.subjectDepartmentCode === d.code);
    const ownCases = cases.filter((c) => c.subjectDepartmentCode === d.code);
    const { score } = integrityScore(formula, { records: own, cases: ownCases.filter(decided) });
    return { departmentCode: d.code, name: d.name, score, ...summary(own, ownCases, decided) };
  });
  ranking.sort((a, b) => b.score - a.score || (a.departmentCode < b.departmentCode ? -1 : 1));
  return { from: period.from, to: period.to, formula, ranking };
}

const RECTIFYING: readonly string[] = [
  'EXPLANATION_DUE',
  'PLAN_DUE',
  'COMPLETION_DUE',
  'VERIFYING',
] satisfies BreachStatus[];

/**
 * GET /api/integrity/evaluation/:departmentCode: `{ from, to, formula, department: { code, name },
 * score: { score, base, floor, deductions }, records, rectifications, cases }`: the records opened
 * in the period (open and repaired, not revoked), those still being rectified with their deadline,
 * and the cases opened or decided in it, each saying whether it counts.
 */
export async function departmentEvaluation(
  db: Database,
  formula: EvaluationFormula,
  period: Period,
  department: { code: string; name: string },
) {
  const { records, cases, decided } = await periodRows(db, period, department.code);
  const score = integrityScore(formula, { records, cases: cases.filter(decided) });
  return {
    from: period.from,
    to: period.to,
    formula,
    department: { code: department.code, name: department.name },
    score,
    records: records
      .filter((r) => r.status !== 'REVOKED')
      .map((r) => ({
        recordId: r.recordId,
        source: r.source,
        severity: r.severity,
        status: r.status,
        statusLabel: BREACH_STATUSES[r.status as BreachStatus] ?? r.status,
        facts: r.facts,
        openedAt: r.openedAt,
        overdueSteps: r.overdueSteps,
        repairedAt: r.repairedAt,
        counts: !CLEARED.includes(r.status),
      })),
    rectifications: records
      .filter((r) => RECTIFYING.includes(r.status))
      .map((r) => ({
        recordId: r.recordId,
        status: r.status,
        statusLabel: BREACH_STATUSES[r.status as BreachStatus] ?? r.status,
        dueDate: r.dueDate,
        overdue: r.overdue,
        overdueSteps: r.overdueSteps,
      })),
    cases: cases.map((c) => ({
      caseId: c.caseId,
      recordId: c.recordId,
      status: c.status,
      statusLabel: CASE_STATUSES[c.status as CaseStatus] ?? c.status,
      measure: c.measure,
      periodMonths: c.periodMonths,
      periodEnds: c.periodEnds,
      decidedAt: c.decidedAt,
      counts: decided(c) && STANDING_DECISION.includes(c.status) && c.measure !== null,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Export for the credit-sharing platform (全国信用信息共享平台)

const SUBJECT_KINDS = { BODY: '政府机构', CIVIL_SERVANT: '公务员' } as const;

const labelled = <K extends string>(catalogue: Record<K, string>, key: string) => ({
  key,
  label: catalogue[key as K] ?? key,
});

/**
 * One exported record. JSON: `{ platform, format, from, to, generatedAt, count, records: [this] }`;
 * CSV: one line of EXPORT_COLUMNS per record. Times are ISO 8601 instants (UTC), dates CST days.
 */
export interface ExportedRecord {
  recordId: string;
  subject: {
    kind: { key: string; label: string };
    departmentCode: string;
    name: string;
    personName: string | null;
  };
  source: { key: string; label: string };
  sourceRef: string;
  facts: string;
  principal: { name: string; title: string };
  severity: { key: string; label: string };
  loss: string;
  socialImpact: string;
  published: boolean;
  occurredOn: string;
  openedAt: string;
  status: { key: string; label: string };
  rectifiedAt: string | null;
  repairedAt: string | null;
  revokedAt: string | null;
  /** Decided cases: the measure (none when 免于) and when it was decided. */
  cases: {
    caseId: string;
    status: string;
    measure: { key: string; label: string } | null;
    decidedAt: string;
  }[];
}

export const EXPORT_FORMAT = 'duban.integrity-records.v1';

/** The records opened in the period, oldest first; only published (公开) ones unless asked. */
export async function exportRecords(
  db: Database,
  period: Period,
  opts: { includeUnpublished: boolean },
): Promise<ExportedRecord[]> {
  const rows = await db.breachRecord.findMany({
    where: { openedAt: periodRange(period), ...(opts.includeUnpublished ? {} : { published: true }) },
    orderBy: [{ openedAt: 'asc' }, { recordId: 'asc' }],
  });
  const ids = rows.map((r) => r.recordId);
  const [departments, cases] = await Promise.all([
    db.department.findMany({ where: { code: { in: rows.map((r) => r.subjectDepartmentCode) } } }),
    db.accountabilityCase.findMany({
      where: { recordId: { in: ids }, decidedAt: { not: null } },
      orderBy: [{ decidedAt: 'asc' }, { caseId: 'asc' }],
    }),
  ]);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return rows.map((r) => ({
    recordId: r.recordId,
    subject: {
      kind: labelled(SUBJECT_KINDS, r.subjectKind),
      departmentCode: r.subjectDepartmentCode,
      name: departments.find((d) => d.code === r.subjectDepartmentCode)?.name ?? r.subjectDepartmentCode,
      personName: r.subjectPersonName,
    },
    source: labelled(BREACH_SOURCES, r.source),
    sourceRef: r.sourceRef,
    facts: r.facts,
    principal: { name: r.principalName, title: r.principalTitle },
    severity: labelled(SEVERITIES, r.severity),
    loss: r.loss,
    socialImpact: r.socialImpact,
    published: r.published,
    occurredOn: r.occurredOn,
    openedAt: r.openedAt.toISOString(),
    status: labelled(BREACH_STATUSES, r.status),
    rectifiedAt: iso(r.rectifiedAt),
    repairedAt: iso(r.repairedAt),
    revokedAt: iso(r.revokedAt),
    cases: cases
      .filter((c) => c.recordId === r.recordId)
      .map((c) => ({
        caseId: c.caseId,
        status: c.status,
        measure: c.measure
          ? { key: c.measure, label: MEASURES[c.measure as Measure]?.label ?? c.measure }
          : null,
        decidedAt: c.decidedAt!.toISOString(),
      })),
  }));
}

/** The CSV columns: header `中文名 (key)`, then how each record fills it. */
export const EXPORT_COLUMNS: readonly [string, string, (r: ExportedRecord) => string | null][] = [
  ['记录编号', 'recordId', (r) => r.recordId],
  ['主体类型', 'subjectKind', (r) => r.subject.kind.key],
  ['主体类型名称', 'subjectKindLabel', (r) => r.subject.kind.label],
  ['主体名称', 'subjectName', (r) => r.subject.name],
  ['主体代码', 'subjectCode', (r) => r.subject.departmentCode],
  ['公务员姓名', 'subjectPerson', (r) => r.subject.personName],
  ['失信来源', 'source', (r) => r.source.key],
  ['失信来源名称', 'sourceLabel', (r) => r.source.label],
  ['认定文书', 'sourceRef', (r) => r.sourceRef],
  ['失信事实', 'facts', (r) => r.facts],
  ['主要负责人', 'principalName', (r) => r.principal.name],
  ['主要负责人职务', 'principalTitle', (r) => r.principal.title],
  ['严重程度', 'severity', (r) => r.severity.key],
  ['严重程度名称', 'severityLabel', (r) => r.severity.label],
  ['损失', 'loss', (r) => r.loss],
  ['社会影响', 'socialImpact', (r) => r.socialImpact],
  ['是否公开', 'published', (r) => String(r.published)],
  ['发生日期', 'occurredOn', (r) => r.occurredOn],
  ['记录时间', 'openedAt', (r) => r.openedAt],
  ['状态', 'status', (r) => r.status.key],
  ['状态名称', 'statusLabel', (r) => r.status.label],
  ['整改验收时间', 'rectifiedAt', (r) => r.rectifiedAt],
  ['信用修复时间', 'repairedAt', (r) => r.repairedAt],
  ['撤销时间', 'revokedAt', (r) => r.revokedAt],
  [
    '追责措施',
    'caseMeasures',
    (r) => r.cases.map((c) => `${c.measure?.label ?? '免于追责'} ${c.decidedAt}`).join('；'),
  ],
];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF; quotes doubled. Text a
 * spreadsheet would run as a formula (=, +, -, @, a tab or CR first: a name typed as
 * =HYPERLINK(…)) is prefixed with an apostrophe, so it shows as the text it is.
 */
export function csvField(value: string | null): string {
  const raw = value ?? '';
  const s = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 lines, CRLF after each, with a UTF-8 byte order mark so spreadsheets read the Chinese. */
export function toCsv(rows: readonly (readonly (string | null)[])[]): string {
  return '\uFEFF' + rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

export function exportCsv(records: readonly ExportedRecord[]): string {
  return toCsv([
    EXPORT_COLUMNS.map(([label, key]) => `${label} (${key})`),
    ...records.map((r) => EXPORT_COLUMNS.map(([, , value]) => value(r))),
  ]);
}
