/**
 * The office's routing policy as data: deadlines per handling option, how days are counted, and
 * the reminder (催报) and escalation ladder per urgency. The defaults are the seed's forms. A
 * directive keeps the policy it was received under (it travels in the workflow's input), so a
 * later change of policy never moves a running deadline.
 */
import type { Urgency } from './types';

/** 办理提示 on the 回报单: the department ticks one; 5 is "other", written out. */
export type HandlingOptionCode = 1 | 2 | 3 | 4 | 5;

export interface HandlingOption {
  label: string;
  /** Days the department has to report back (回报) from dispatch. */
  reportWithinDays: number;
  /** Option 4 sends a draft of implementation opinions (代拟稿) with the report. */
  needsDraft: boolean;
  /**
   * With needsDraft: the 回报单 may say the 代拟稿 will follow (代拟稿待后送出), and then it is due so
   * many days from 转办 (the seed's 十至十五天: reported within 10, the draft within 15), with its own
   * reminders. Without it (policies before it) the 代拟稿 comes with the 回报单.
   */
  draftWithinDays?: number;
}

/** CALENDAR: every day counts (the seed's "10 天内（即 1 月 14 日前）"); WORKING: China's working days, 调休 included. */
export type DayCounting = 'CALENDAR' | 'WORKING';

/** Who a reminder or escalation goes to. */
export type NoticeRecipient =
  'DEPT_HANDLER' | 'DEPT_HEAD' | 'URGER' | 'OFFICE_DIRECTOR' | 'INSTRUCTING_LEADER' | 'REGISTRAR'; // the clerk who registered the directive

export type NoticeKind =
  | 'REMINDER' // 提醒: before the deadline
  | 'FORMAL_REMINDER' // 催报单: the deadline has passed
  | 'ESCALATION'; // 升级督办: still nothing, up the ladder

export interface NoticeRule {
  /** Stable name, so each notice fires once per department task and deadline. */
  key: string;
  kind: NoticeKind;
  /** Days relative to the due date (negative: before it), counted like the deadline. */
  offsetDays: number;
  recipients: NoticeRecipient[];
}

export type ReviewerRole = 'OFFICE_REVIEWER' | 'OFFICE_DIRECTOR';

/**
 * 预备提醒: a department task's reminder (提醒, 催报单, 升级督办) is written this long before its
 * instant and shown and e-mailed from it, so the morning's reminders, however many fall at 09:00,
 * are all in the inbox at 09:00 (on two CPUs a reminder takes 20–40 ms: ten minutes prepare some
 * 30 000; README "Performance"). Not the office's policy, which says when people are told: how
 * early the system gets ready to tell them. Changing it changes the timers of running tasks.
 */
export const NOTICES_PREPARED_AHEAD_MS = 10 * 60_000;

export interface RoutingPolicy {
  version: string;
  dayCounting: DayCounting;
  /** Hour (China Standard Time) at which a dated notice goes out. */
  noticeHour: number;
  /** Minute of that hour (0 when a version from before it names none). */
  noticeMinute?: number;
  handlingOptions: Record<HandlingOptionCode, HandlingOption>;
  /** Office roles that sign the 拟办 in turn before it goes to a leader (the seed shows two sign-offs). */
  reviewChain: ReviewerRole[];
  notices: Record<Urgency, NoticeRule[]>;
  /**
   * 办文时限: days from the office's 签收 to 转办, per urgency, and who is reminded at 09:00 on the
   * last day if nothing has been dispatched by then.
   * Optional only because directives received before it existed carry policies without it.
   */
  officeHandling?: { withinDays: Record<Urgency, number>; remind: NoticeRecipient[] };
  /** Urgencies for which a 督办人 must be named before 转办 (optional for the same reason). */
  urgerRequiredFor?: Urgency[];
  /**
   * 政务失信记录 opened by an overdue department task on its own, once: so many days after the
   * deadline, or when a named rung of the ladder (e.g. escalate-10) is reached. Optional for the
   * same reason: directives registered before it existed open none.
   */
  breachOpening?: { afterDaysOverdue: number } | { afterEscalation: string };
}

const ROUTINE_LADDER: NoticeRule[] = [
  { key: 'remind-3', kind: 'REMINDER', offsetDays: -3, recipients: ['DEPT_HANDLER'] },
  { key: 'remind-1', kind: 'REMINDER', offsetDays: -1, recipients: ['DEPT_HANDLER'] },
  {
    key: 'formal-1',
    kind: 'FORMAL_REMINDER',
    offsetDays: 1,
    recipients: ['DEPT_HANDLER', 'DEPT_HEAD', 'URGER'],
  },
  { key: 'escalate-3', kind: 'ESCALATION', offsetDays: 3, recipients: ['DEPT_HEAD'] },
  { key: 'escalate-5', kind: 'ESCALATION', offsetDays: 5, recipients: ['OFFICE_DIRECTOR'] },
  { key: 'escalate-10', kind: 'ESCALATION', offsetDays: 10, recipients: ['INSTRUCTING_LEADER'] },
];

export const DEFAULT_POLICY: RoutingPolicy = {
  version: 'seed-2017.2',
  dayCounting: 'CALENDAR',
  noticeHour: 9,
  noticeMinute: 0,
  handlingOptions: {
    1: { label: '拟原文翻印发至各市、县，省府直属各部门', reportWithinDays: 10, needsDraft: false },
    2: { label: '拟原文翻印发至各市，省府直属各部门', reportWithinDays: 10, needsDraft: false },
    3: { label: '拟原文翻印发至有关市、县和省府直属各部门', reportWithinDays: 10, needsDraft: false },
    // 原文翻印的，在十天内以书面告知；加具贯彻意见的，在十至十五天内送交代拟稿。
    4: {
      label: '此件，需加具贯彻意见。代拟稿待后送出',
      reportWithinDays: 10,
      needsDraft: true,
      draftWithinDays: 15,
    },
    5: { label: '其他意见', reportWithinDays: 10, needsDraft: false },
  },
  reviewChain: ['OFFICE_REVIEWER', 'OFFICE_DIRECTOR'],
  // The seed went from 收文 (01-03) to 转办 (01-04) in a day; routine work gets a few days' margin.
  officeHandling: { withinDays: { 特急: 1, 加急: 2, 平急: 3 }, remind: ['REGISTRAR', 'URGER'] },
  urgerRequiredFor: ['特急', '加急'],
  // Ten days late: the day the last rung of the routine ladder reaches the instructing leader.
  breachOpening: { afterDaysOverdue: 10 },
  notices: {
    平急: ROUTINE_LADDER,
    加急: [
      { key: 'remind-2', kind: 'REMINDER', offsetDays: -2, recipients: ['DEPT_HANDLER'] },
      { key: 'remind-1', kind: 'REMINDER', offsetDays: -1, recipients: ['DEPT_HANDLER', 'URGER'] },
      {
        key: 'formal-1',
        kind: 'FORMAL_REMINDER',
        offsetDays: 1,
        recipients: ['DEPT_HANDLER', 'DEPT_HEAD', 'URGER'],
      },
      { key: 'escalate-2', kind: 'ESCALATION', offsetDays: 2, recipients: ['DEPT_HEAD'] },
      { key: 'escalate-3', kind: 'ESCALATION', offsetDays: 3, recipients: ['OFFICE_DIRECTOR'] },
      { key: 'escalate-5', kind: 'ESCALATION', offsetDays: 5, recipients: ['INSTRUCTING_LEADER'] },
    ],
    特急: [
      {
        key: 'remind-1',
        kind: 'REMINDER',
        offsetDays: -1,
        recipients: ['DEPT_HANDLER', 'DEPT_HEAD', 'URGER'],
      },
      {
        key: 'formal-1',
        kind: 'FORMAL_REMINDER',
        offsetDays: 1,
        recipients: ['DEPT_HANDLER', 'DEPT_HEAD', 'URGER'],
      },
      { key: 'escalate-1', kind: 'ESCALATION', offsetDays: 1, recipients: ['OFFICE_DIRECTOR'] },
      { key: 'escalate-2', kind: 'ESCALATION', offsetDays: 2, recipients: ['INSTRUCTING_LEADER'] },
    ],
  },
};
