/**
 * Checks and small rules the integrity workflows share: the subject acts on its own items only,
 * date arithmetic on China Standard Time calendar dates, and the shape of corrections, decisions
 * and objections. Pure and deterministic: validators call them, the API repeats none of them.
 */
import { chinaDate, isCalendarDate, type FieldProblem } from './incoming-document';
import type {
  BreachSubject,
  CaseDecision,
  MitigationGround,
  Objection,
  RecordCorrection,
  SignedActor,
} from './integrity-types';
import { MEASURES, MITIGATION_GROUNDS, SEVERITIES } from './integrity-types';
import type { IntegrityPolicy } from './integrity-policy';
import { actor, invalid, isKeyOf, refuse, requireText } from './rules';
import type { ActingUser } from './types';
import * as say from './wording';

/** The person acting and, under a 委托, the colleague acting for them: both are kept for 回避. */
export function signedBy(by: ActingUser): SignedActor {
  return { ...actor(by), ...(by.delegate ? { delegate: actor(by.delegate) } : {}) };
}

/** A catalogue's keys with their labels, as a refusal lists them: GENERAL（一般）. */
const named = (catalogue: Record<string, string | { label: string }>) =>
  Object.entries(catalogue).map(([k, v]) => `${k}（${typeof v === 'string' ? v : v.label}）`);

/** 自我纠错情形 not given, not in the catalogue, or one twice. */
export const groundsReason = `自我纠错情形须为以下一项或多项，不得重复：${named(MITIGATION_GROUNDS).join('、')}`;

/** The subject body's own steps: its staff act on its own records and cases only. */
export function requireSubject(by: ActingUser, subject: BreachSubject, step: string): void {
  if (by.departmentCode !== subject.departmentCode)
    refuse('NotYours', `${step}：此事项的失信主体为 ${subject.departmentCode}，不是您的单位`);
}

/** Today in China Standard Time, by workflow time. */
export const today = () => chinaDate(Date.now());

/** A calendar date `days` later (China Standard Time dates, no time zone involved). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The last day of a period of `months` starting on `date` (2017-03-01 + 12 months → 2018-02-28). */
export function periodEnd(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const end = new Date(Date.UTC(y, m - 1 + months, d));
  // A day the target month lacks (31 March + 1 month) falls back to that month's last day.
  if (end.getUTCDate() !== d) end.setUTCDate(0);
  else end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}

/** 异议期 open: up to and including its last day. */
export const windowOpen = (dueDate: string | undefined) => dueDate !== undefined && today() <= dueDate;

/** 提出异议: the next objection, pending, on the list it belongs to (a record's or a case's). */
export function fileObjection(objections: Objection[], by: ActingUser, reason: string): Objection {
  const objection: Objection = {
    id: objections.length + 1,
    by: actor(by),
    at: new Date().toISOString(),
    reason: reason.trim(),
    status: 'PENDING',
  };
  objections.push(objection);
  return objection;
}

/** 异议复核: the objection upheld or rejected, with who reviewed it, when and why. */
export function reviewObjection(
  objections: Objection[],
  {
    by,
    objectionId,
    uphold,
    reasons,
  }: { by: ActingUser; objectionId: number; uphold: boolean; reasons: string },
): Objection & { review: NonNullable<Objection['review']> } {
  const objection = objections.find((o) => o.id === objectionId)!;
  objection.status = uphold ? 'UPHELD' : 'REJECTED';
  objection.review = { by: actor(by), at: new Date().toISOString(), reasons: reasons.trim() };
  return objection as Objection & { review: NonNullable<Objection['review']> };
}

export function checkObjection(
  objections: readonly Objection[],
  dueDate: string | undefined,
  reason: unknown,
): void {
  if (!windowOpen(dueDate)) refuse('NotNow', `提出异议：异议期已于 ${dueDate ?? '—'} 届满`);
  if (objections.some((o) => o.status === 'PENDING')) refuse('NotNow', '提出异议：已有一项异议正在等待复核');
  const problems = requireText(reason, 'reason', '异议理由');
  if (problems.length) invalid(problems);
}

/** The pending objection a review answers; the reviewer is never the person whose act is objected to. */
export function checkObjectionReview(
  objections: readonly Objection[],
  request: { by: ActingUser; objectionId: unknown; uphold: unknown; reasons: unknown },
  objected: SignedActor | undefined,
  role: string,
): Objection {
  const objection = objections.find((o) => o.id === request.objectionId);
  if (!objection) refuse('NotNow', `异议复核：没有编号为 ${String(request.objectionId)} 的异议`);
  if (objection.status !== 'PENDING') refuse('NotNow', `异议复核：异议 ${objection.id} 已复核`);
  // 回避: neither the person objected to nor whoever acted for them, reviewing as or for anyone.
  const involved = [objected?.userId, objected?.delegate?.userId].filter(Boolean);
  if ([request.by.userId, request.by.delegate?.userId].some((id) => id && involved.includes(id)))
    refuse('NotYours', `异议复核：${role}不得复核针对本人行为的异议（回避）`);
  const problems = requireText(request.reasons, 'reasons', '复核理由');
  if (typeof request.uphold !== 'boolean')
    problems.push({ field: 'uphold', reason: '异议是否成立须为 true 或 false' });
  if (problems.length) invalid(problems);
  return objection;
}

export function checkCorrection(changes: RecordCorrection | undefined, field = 'changes'): FieldProblem[] {
  if (!changes || typeof changes !== 'object' || Array.isArray(changes))
    return [{ field, reason: '请写明更正的内容' }];
  const problems: FieldProblem[] = [];
  const keys = Object.keys(changes);
  const known = ['severity', 'facts', 'published', 'revoke'];
  for (const k of keys.filter((k) => !known.includes(k)))
    problems.push({ field: `${field}.${k}`, reason: `“${k}”不是可更正的内容` });
  if (keys.length === 0) problems.push({ field, reason: '请写明更正的内容' });
  if (changes.severity !== undefined && !isKeyOf(SEVERITIES, changes.severity))
    problems.push({
      field: `${field}.severity`,
      reason: say.oneOfThese('严重程度', named(SEVERITIES)),
    });
  if (changes.facts !== undefined)
    problems.push(...requireText(changes.facts, `${field}.facts`, '失信事实', 5000));
  if (changes.published !== undefined && typeof changes.published !== 'boolean')
    problems.push({ field: `${field}.published`, reason: '是否公开须为 true 或 false' });
  if (changes.revoke !== undefined && changes.revoke !== true)
    problems.push({ field: `${field}.revoke`, reason: '撤销记录如填写须为 true' });
  return problems;
}

/** What a correction says, in the office's words. */
export function describeCorrection(c: RecordCorrection): string {
  const parts = [
    c.revoke ? '撤销记录' : '',
    c.severity ? `严重程度改为${SEVERITIES[c.severity]}` : '',
    c.facts ? `失信事实改为：${c.facts}` : '',
    c.published === undefined ? '' : c.published ? '改为公开' : '改为不公开',
  ];
  return parts.filter(Boolean).join('；');
}

type DecisionFields = Pick<CaseDecision, 'measure' | 'periodMonths' | 'referredTo' | 'mitigation'>;

/** A decision among the seed's measures, each for whom it applies, with its period where it has one. */
export function checkDecision(d: DecisionFields, subject: BreachSubject, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const f = (name: string) => `${prefix}${name}`;
  const mitigation = d.mitigation;
  if (mitigation !== undefined) {
    if (mitigation?.outcome !== 'LIGHTER' && mitigation?.outcome !== 'EXEMPT')
      problems.push({
        field: f('mitigation.outcome'),
        reason: say.oneOfThese('从轻/免于', ['LIGHTER（从轻）', 'EXEMPT（免于）']),
      });
    const grounds: unknown = mitigation?.grounds;
    if (
      !Array.isArray(grounds) ||
      grounds.length === 0 ||
      grounds.some((g) => !isKeyOf(MITIGATION_GROUNDS, g)) ||
      new Set(grounds).size !== grounds.length
    )
      problems.push({
        field: f('mitigation.grounds'),
        reason: groundsReason,
      });
    problems.push(...requireText(mitigation?.explanation, f('mitigation.explanation'), '从轻/免于的理由'));
  }
  const exempt = mitigation?.outcome === 'EXEMPT';
  if (exempt && d.measure !== undefined)
    problems.push({ field: f('measure'), reason: '免于追责（EXEMPT）时不填追责措施' });
  if (!exempt && d.measure === undefined)
    problems.push({
      field: f('measure'),
      reason: '请选择追责措施，或决定免于追责（EXEMPT）并写明自我纠错情形',
    });
  if (d.measure !== undefined) {
    const measure = isKeyOf(MEASURES, d.measure) ? MEASURES[d.measure] : undefined;
    if (!measure) {
      problems.push({ field: f('measure'), reason: say.oneOfThese('追责措施', named(MEASURES)) });
    } else {
      if (!(measure.for as readonly string[]).includes(subject.kind))
        problems.push({
          field: f('measure'),
          reason: `${measure.label}只适用于${subject.kind === 'BODY' ? '公务员，不适用于政府机构' : '政府机构，不适用于公务员'}`,
        });
      if (!measure.period && d.periodMonths !== undefined)
        problems.push({ field: f('periodMonths'), reason: `${measure.label}不设期限` });
      if (d.measure === 'REFERRED') problems.push(...requireText(d.referredTo, f('referredTo'), '移送机关'));
    }
  }
  if (
    d.periodMonths !== undefined &&
    (typeof d.periodMonths !== 'number' ||
      !Number.isInteger(d.periodMonths) ||
      d.periodMonths < 1 ||
      d.periodMonths > 60)
  )
    problems.push({ field: f('periodMonths'), reason: say.wholeNumber('期限（月数）', 1, 60) });
  return problems;
}

/** The decision as it stands: the period defaults to the policy's and runs from today. */
export function completeDecision(
  d: DecisionFields,
  policy: IntegrityPolicy,
): Pick<CaseDecision, 'measure' | 'periodMonths' | 'periodEnds' | 'referredTo' | 'mitigation'> {
  const hasPeriod = d.measure !== undefined && MEASURES[d.measure].period;
  const months = hasPeriod ? (d.periodMonths ?? policy.measurePeriodMonths[d.measure!]) : undefined;
  return {
    measure: d.measure,
    ...(months ? { periodMonths: months, periodEnds: periodEnd(today(), months) } : {}),
    ...(d.measure === 'REFERRED' ? { referredTo: d.referredTo!.trim() } : {}),
    ...(d.mitigation
      ? { mitigation: { ...d.mitigation, explanation: d.mitigation.explanation.trim() } }
      : {}),
  };
}

/** A decision in words, for the timeline: 措施, period, and 从轻/免于 with its grounds. */
export function describeDecision(d: Omit<CaseDecision, 'by' | 'at' | 'reasons'>): string {
  const measure = d.measure
    ? `${MEASURES[d.measure].label}${d.periodEnds ? `（${d.periodMonths}个月，至 ${d.periodEnds}）` : ''}${d.referredTo ? `，移送${d.referredTo}` : ''}`
    : '免于追责';
  const m = d.mitigation;
  const grounds = m ? m.grounds.map((g: MitigationGround) => MITIGATION_GROUNDS[g]).join('、') : '';
  return m ? `${m.outcome === 'EXEMPT' ? '免于' : '从轻'}（${grounds}）：${measure}` : measure;
}

export function checkDate(value: unknown, field: string, label: string, after: string): FieldProblem[] {
  if (typeof value !== 'string' || !isCalendarDate(value)) return [{ field, reason: say.notADate(label) }];
  if (value <= after) return [{ field, reason: `${label}须晚于 ${after}` }];
  return [];
}
