/**
 * The routing policy as the office sets it. New directives take the latest version; a directive
 * keeps the one it was received under (it travels in its workflow input), so saving a new
 * version never moves a running deadline.
 */
import { z } from 'zod';
import { appendAudit } from './audit';
import type { Database } from './database';
import { URGENCIES } from '../workflows/types';
import { DEFAULT_POLICY, type RoutingPolicy } from '../workflows/policy';
import * as say from '../workflows/wording';

const recipient = z.enum([
  'DEPT_HANDLER',
  'DEPT_HEAD',
  'URGER',
  'OFFICE_DIRECTOR',
  'INSTRUCTING_LEADER',
  'REGISTRAR',
]);
const days = z.number().int().min(1).max(365);

/** A rule's stable name (remind-3, escalate-10), as the policy's rules and breachOpening name it. */
const ruleKey = (label: string, example: string) =>
  z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, `${label}须由小写字母、数字和 - 组成（至多 40 个字符），如 ${example}`);

/** One value per 紧急程度: 特急, 加急, 平急. */
const perUrgency = <T extends z.ZodTypeAny>(value: T) =>
  z.object(Object.fromEntries(URGENCIES.map((u) => [u, value])) as Record<(typeof URGENCIES)[number], T>);

const noticeRule = z.object({
  key: ruleKey('提醒规则代号', 'remind-3'),
  kind: z.enum(['REMINDER', 'FORMAL_REMINDER', 'ESCALATION']),
  offsetDays: z.number().int().min(-60).max(120),
  recipients: z.array(recipient).min(1),
});

const ladder = z
  .array(noticeRule)
  .max(20)
  .refine((rules) => new Set(rules.map((r) => r.key)).size === rules.length, say.repeated('提醒规则代号'));

const handlingOption = z
  .object({
    label: z.string().min(1).max(200),
    reportWithinDays: days,
    needsDraft: z.boolean(),
    // 代拟稿待后送出: the draft's days from 转办, after the 回报单's.
    draftWithinDays: days.optional(),
  })
  .refine(
    (o) => o.draftWithinDays === undefined || (o.needsDraft && o.draftWithinDays > o.reportWithinDays),
    {
      path: ['draftWithinDays'],
      message: '代拟稿送交天数只用于须附代拟稿的办理提示，且须多于回报天数',
    },
  );

export const routingPolicySchema = z
  .object({
    version: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,40}$/, '政策版本须由字母、数字和 . _ - 组成（至多 40 个字符），如 seed-2017'),
    dayCounting: z.enum(['CALENDAR', 'WORKING']),
    noticeHour: z.number().int().min(0).max(23),
    noticeMinute: z.number().int().min(0).max(59).optional(),
    handlingOptions: z.object({
      1: handlingOption,
      2: handlingOption,
      3: handlingOption,
      4: handlingOption,
      5: handlingOption,
    }),
    reviewChain: z
      .array(z.enum(['OFFICE_REVIEWER', 'OFFICE_DIRECTOR']))
      .min(1)
      .max(5),
    notices: perUrgency(ladder),
    officeHandling: z
      .object({
        withinDays: perUrgency(days),
        remind: z.array(recipient).min(1),
      })
      .optional(),
    urgerRequiredFor: z.array(z.enum(URGENCIES)).optional(),
    breachOpening: z
      .union(
        [
          z.object({ afterDaysOverdue: z.number().int().min(1).max(120) }).strict(),
          z.object({ afterEscalation: ruleKey('升级督办代号', 'escalate-10') }).strict(),
        ],
        {
          error:
            '自动登记失信记录的条件须为逾期天数（“afterDaysOverdue”）或升级督办代号（“afterEscalation”）二者之一',
        },
      )
      .optional(),
  })
  .strict();

export async function currentPolicy(db: Database): Promise<RoutingPolicy> {
  const latest = await db.policyVersion.findFirst({ orderBy: { createdAt: 'desc' } });
  return latest ? (JSON.parse(latest.policy) as RoutingPolicy) : DEFAULT_POLICY;
}

/**
 * The policy a directive follows: the version it was registered under (its workflow holds that one
 * to the end); the one in force now when that version is not on record (a directive registered
 * before versions were recorded, or under a built-in default since renamed).
 */
export async function policyOfDirective(db: Database, version: string | null): Promise<RoutingPolicy> {
  const saved = version ? await db.policyVersion.findUnique({ where: { version } }) : null;
  if (saved) return JSON.parse(saved.policy) as RoutingPolicy;
  return version === DEFAULT_POLICY.version ? DEFAULT_POLICY : currentPolicy(db);
}

export async function savePolicy(db: Database, policy: RoutingPolicy, byUserId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.policyVersion.create({
      data: { version: policy.version, policy: JSON.stringify(policy), createdById: byUserId },
    });
    await appendAudit(tx, { actorId: byUserId, action: 'policy.save', target: policy.version });
  });
}
