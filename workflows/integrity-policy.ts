/**
 * The integrity chain's policy as data, versioned like the routing policy: a record keeps the
 * version it was opened under (it travels in the workflow's input), so a new version never moves
 * a running deadline. The seed (国发〔2016〕76号) fixes the steps and measures but no numbers:
 * every number below is Duban's default, for the office to set (README: "The integrity chain").
 */
import type { DayCounting, NoticeKind } from './policy';
import type { Measure, Severity } from './integrity-types';

/** Who an integrity notice goes to: the subject body's staff, the credit staff, the office director. */
export type IntegrityRecipient = 'DEPT_HANDLER' | 'DEPT_HEAD' | 'CREDIT_OFFICER' | 'OFFICE_DIRECTOR';

export interface IntegrityNoticeRule {
  key: string;
  kind: NoticeKind;
  offsetDays: number;
  recipients: IntegrityRecipient[];
}

export interface IntegrityPolicy {
  version: string;
  dayCounting: DayCounting;
  /** Hour (China Standard Time) at which a dated notice goes out. */
  noticeHour: number;
  /** Minute of that hour (0 when a version from before it names none). */
  noticeMinute?: number;
  /** 书面说明原因并限期加以整改: days for each step, and the ladder on every step's deadline. */
  rectification: {
    /** From the record's opening to the written explanation (书面说明原因). */
    explainWithinDays: number;
    /** From the explanation to the rectification plan (整改方案). */
    planWithinDays: number;
    /** From the plan to the completion report (整改完成). */
    completeWithinDays: number;
    ladder: IntegrityNoticeRule[];
  };
  /** 异议: days from a record's opening, or a case's decision, within which the subject may object. */
  objection: { windowDays: number; ladder: IntegrityNoticeRule[] };
  /** 信用修复: days after the rectification passed 验收 before the body may apply. */
  repairWaitingDays: number;
  /** When an accountability case (追究责任) opens on its own. */
  caseOpening: { onFailedVerification: boolean; severities: Severity[] };
  /** Months a measure runs when the decider gives no other period. */
  measurePeriodMonths: Partial<Record<Measure, number>>;
  /** A record a directive task opens on its own. */
  automaticRecord: { severity: Severity; published: boolean };
  /**
   * 政务诚信评价: score = max(floor, base − Σ perRecord[severity] over records opened in the period
   * that are neither repaired nor revoked − perOverdueStep × steps of theirs that went overdue −
   * Σ perMeasure[measure] over cases decided in the period whose decision stands).
   */
  evaluation: {
    base: number;
    floor: number;
    perRecord: Record<Severity, number>;
    perOverdueStep: number;
    perMeasure: Record<Measure, number>;
  };
}

const STEP_LADDER: IntegrityNoticeRule[] = [
  { key: 'remind-1', kind: 'REMINDER', offsetDays: -1, recipients: ['DEPT_HANDLER', 'DEPT_HEAD'] },
  { key: 'formal-1', kind: 'FORMAL_REMINDER', offsetDays: 1, recipients: ['DEPT_HANDLER', 'DEPT_HEAD'] },
  { key: 'escalate-3', kind: 'ESCALATION', offsetDays: 3, recipients: ['CREDIT_OFFICER', 'OFFICE_DIRECTOR'] },
];

export const DEFAULT_INTEGRITY_POLICY: IntegrityPolicy = {
  version: 'integrity-2017',
  dayCounting: 'CALENDAR',
  noticeHour: 9,
  noticeMinute: 0,
  rectification: { explainWithinDays: 5, planWithinDays: 10, completeWithinDays: 30, ladder: STEP_LADDER },
  objection: {
    windowDays: 15,
    ladder: [{ key: 'window-closing', kind: 'REMINDER', offsetDays: -2, recipients: ['DEPT_HEAD'] }],
  },
  repairWaitingDays: 90,
  caseOpening: { onFailedVerification: true, severities: ['SEVERE'] },
  measurePeriodMonths: { NO_HONOURS: 12, NO_COMMENDATION: 12 },
  automaticRecord: { severity: 'GENERAL', published: false },
  evaluation: {
    base: 100,
    floor: 0,
    perRecord: { GENERAL: 2, SERIOUS: 5, SEVERE: 10 },
    perOverdueStep: 1,
    perMeasure: { RECTIFY_ONLY: 1, PUBLIC_CRITICISM: 3, NO_HONOURS: 5, NO_COMMENDATION: 2, REFERRED: 5 },
  },
};
