/**
 * The integrity chain's policy (政务诚信) as the office sets it, versioned like the routing policy
 * (core/policies.ts). New breach records take the latest version; a record keeps the one it was
 * opened under (it travels in its workflow input), so saving a new version never moves a running
 * 整改 deadline or 异议期.
 */
import { z } from 'zod';
import { appendAudit } from './audit';
import type { Database } from './database';
import { DEFAULT_INTEGRITY_POLICY, type IntegrityPolicy } from '../workflows/integrity-policy';
import { MEASURES, SEVERITIES, type Measure, type Severity } from '../workflows/integrity-types';
import * as say from '../workflows/wording';

const SEVERITY_KEYS = Object.keys(SEVERITIES) as [Severity, ...Severity[]];
const MEASURE_KEYS = Object.keys(MEASURES) as [Measure, ...Measure[]];

const days = z.number().int().min(1).max(365);
const points = z.number().min(0).max(1000);

/** The measures that run for a period, as a refusal lists them: NO_HONOURS（取消参加荣誉评选资格）、… */
const PERIOD_MEASURES = Object.entries(MEASURES)
  .filter(([, m]) => m.period)
  .map(([k, m]) => `${k}（${m.label}）`)
  .join('、');

const noticeRule = z
  .object({
    key: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/, '提醒规则代号须由小写字母、数字和 - 组成（至多 40 个字符），如 remind-1'),
    kind: z.enum(['REMINDER', 'FORMAL_REMINDER', 'ESCALATION']),
    offsetDays: z.number().int().min(-60).max(120),
    recipients: z
      .array(z.enum(['DEPT_HANDLER', 'DEPT_HEAD', 'CREDIT_OFFICER', 'OFFICE_DIRECTOR']))
      .min(1)
      .max(4),
  })
  .strict();

const ladder = z
  .array(noticeRule)
  .max(20)
  .refine((rules) => new Set(rules.map((r) => r.key)).size === rules.length, say.repeated('提醒规则代号'));

/** One number per key of a catalogue, every key present (a missing severity would score 0 silently). */
const perKey = <K extends string>(keys: readonly K[], value: z.ZodNumber) =>
  z.object(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, z.ZodNumber>).strict();

export const integrityPolicySchema = z
  .object({
    version: z
      .string()
      .regex(
        /^[A-Za-z0-9._-]{1,40}$/,
        '政务诚信政策版本须由字母、数字和 . _ - 组成（至多 40 个字符），如 integrity-2017',
      ),
    dayCounting: z.enum(['CALENDAR', 'WORKING']),
    noticeHour: z.number().int().min(0).max(23),
    noticeMinute: z.number().int().min(0).max(59).optional(),
    rectification: z
      .object({
        explainWithinDays: days,
        planWithinDays: days,
        completeWithinDays: days,
        ladder,
      })
      .strict(),
    objection: z.object({ windowDays: days, ladder }).strict(),
    repairWaitingDays: z.number().int().min(0).max(3650),
    caseOpening: z
      .object({
        onFailedVerification: z.boolean(),
        severities: z
          .array(z.enum(SEVERITY_KEYS))
          .refine((s) => new Set(s).size === s.length, say.repeated('自动立案的严重程度')),
      })
      .strict(),
    measurePeriodMonths: z
      .object(
        Object.fromEntries(
          MEASURE_KEYS.map((m) => [m, z.number().int().min(1).max(60).optional()]),
        ) as Record<Measure, z.ZodOptional<z.ZodNumber>>,
      )
      .strict()
      .refine(
        (months) => Object.keys(months).every((m) => MEASURES[m as Measure].period),
        `期限（月数）仅适用于以下追责措施：${PERIOD_MEASURES}`,
      ),
    automaticRecord: z.object({ severity: z.enum(SEVERITY_KEYS), published: z.boolean() }).strict(),
    evaluation: z
      .object({
        base: points,
        floor: points,
        perRecord: perKey(SEVERITY_KEYS, points),
        perOverdueStep: points,
        perMeasure: perKey(MEASURE_KEYS, points),
      })
      .strict()
      .refine((e) => e.floor <= e.base, { message: '最低分不得高于基准分', path: ['floor'] }),
  })
  // A field added to IntegrityPolicy and not here fails to compile.
  .strict() satisfies z.ZodType<IntegrityPolicy>;

export async function currentIntegrityPolicy(db: Database): Promise<IntegrityPolicy> {
  const latest = await db.integrityPolicyVersion.findFirst({ orderBy: { createdAt: 'desc' } });
  return latest ? (JSON.parse(latest.policy) as IntegrityPolicy) : DEFAULT_INTEGRITY_POLICY;
}

/** Saves a new version with its audit event, both or neither; a version name already used is P2002. */
export async function saveIntegrityPolicy(
  db: Database,
  policy: IntegrityPolicy,
  byUserId: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.integrityPolicyVersion.create({
      data: { version: policy.version, policy: JSON.stringify(policy), createdById: byUserId },
    });
    await appendAudit(tx, { actorId: byUserId, action: 'integrity-policy.save', target: policy.version });
  });
}
