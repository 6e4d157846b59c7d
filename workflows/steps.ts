/**
 * Who may take which step in which status, written once as data. The workflows' update validators
 * refuse by these tables (checkStep), the API's role guards come from them, and the detail API
 * tells the UI which steps a person may take now (openSteps). Conditions that are not role and
 * status (already signed, not asked for 批示, a pending 延期, ...) stay in the validators; the
 * workflow has the last word.
 */
import { OFFICE_HANDLERS, refuse } from './rules';
import { rolesNeeded, statusName } from './wording';
import type { Role } from './roles';
import type { ActingUser, DepartmentTaskStatus, DirectiveStatus } from './types';

export interface StepRule<S extends string = string> {
  /** The office's name for the step, e.g. 初审, used in refusals and the UI. */
  label: string;
  /** Roles that may take it. */
  roles: readonly Role[];
  /** Statuses it may start from. */
  from: readonly S[];
  /** A department's step: taken only on the task of the person's own department. */
  ownDepartment?: boolean;
  /** Why it cannot start yet from a status, said instead of the bare status refusal. */
  notYet?: Partial<Record<S, string>>;
}

export type StepTable<K extends string, S extends string> = Record<K, StepRule<S>>;

/** Validator helper: throws NotYours (role) then NotNow (status); nothing changes. */
export function checkStep<S extends string>(rule: StepRule<S>, by: ActingUser, status: S): void {
  if (!by.roles.some((r) => (rule.roles as readonly string[]).includes(r)))
    refuse('NotYours', rolesNeeded(rule.label, rule.roles));
  if (!rule.from.includes(status)) {
    const why = rule.notYet?.[status];
    refuse('NotNow', why ? `${rule.label}：${why}` : `当前状态为${statusName(status)}，不能${rule.label}`);
  }
}

/** True when someone with these roles may take the step in this status (for the API and UI). */
export function stepOpen<S extends string>(rule: StepRule<S>, roles: readonly string[], status: S): boolean {
  return roles.some((r) => (rule.roles as readonly string[]).includes(r)) && rule.from.includes(status);
}

/** The keys of a table open to these roles in this status, in the table's order. */
export function openSteps<K extends string, S extends string>(
  table: StepTable<K, S>,
  roles: readonly string[],
  status: S,
): K[] {
  return (Object.keys(table) as K[]).filter((k) => stepOpen(table[k], roles, status));
}

/** Every status before 办结, 撤办, 退文 or 归档 ends the directive. */
const NOT_ENDED: readonly DirectiveStatus[] = [
  'REGISTERED',
  'REVIEWING',
  'AWAITING_INSTRUCTION',
  'RETURNED',
  'INSTRUCTED',
  'IN_PROGRESS',
];
/** After the 批示: circulations exist only from here on. */
const INSTRUCTED_ON: readonly DirectiveStatus[] = ['INSTRUCTED', 'IN_PROGRESS', 'CLOSED'];

export type DirectiveStepKey =
  | 'initialReview'
  | 'propose'
  | 'review'
  | 'instruct'
  | 'dispatch'
  | 'withdraw'
  | 'assignUrger'
  | 'circulate'
  | 'recallCirculation'
  | 'reply'
  | 'file';

/** The steps on a directive's own workflow. */
export const DIRECTIVE_STEPS: StepTable<DirectiveStepKey, DirectiveStatus> = {
  initialReview: { label: '初审', roles: ['CLERK', 'OFFICE_DIRECTOR'], from: ['REGISTERED'] },
  // A new directive needs 初审 first; one returned for a new 拟办 does not.
  propose: { label: '拟办', roles: ['CLERK'], from: ['REGISTERED', 'RETURNED'] },
  // The policy's reviewChain says which of these signs next; the validator checks that too.
  review: { label: '审核', roles: ['OFFICE_REVIEWER', 'OFFICE_DIRECTOR'], from: ['REVIEWING'] },
  // Only a leader named in the 拟办, in turn when asked in sequence.
  instruct: { label: '批示', roles: ['LEADER'], from: ['AWAITING_INSTRUCTION'] },
  dispatch: { label: '转办', roles: ['CLERK'], from: ['INSTRUCTED'] },
  withdraw: { label: '撤办', roles: ['CLERK', 'OFFICE_DIRECTOR'], from: NOT_ENDED },
  assignUrger: { label: '指定督办人', roles: ['CLERK', 'OFFICE_DIRECTOR'], from: NOT_ENDED },
  circulate: { label: '传阅', roles: OFFICE_HANDLERS, from: INSTRUCTED_ON },
  recallCirculation: { label: '收回传阅', roles: OFFICE_HANDLERS, from: INSTRUCTED_ON },
  reply: { label: '答复', roles: ['CLERK', 'OFFICE_DIRECTOR'], from: ['CLOSED'] },
  // 阅件: read by the leaders (after the 批示) or kept for reference once 初审 found it ours.
  file: { label: '归档', roles: ['CLERK', 'OFFICE_DIRECTOR'], from: ['REGISTERED', 'INSTRUCTED'] },
};

/** While the department owes a report. */
const AWAITING_REPORT: readonly DepartmentTaskStatus[] = ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'];

export type TaskStepKey =
  | 'signFor'
  | 'report'
  | 'reviewReport'
  | 'sendDraft'
  | 'reviewDraft'
  | 'requestExtension'
  | 'decideExtension'
  | 'urge'
  | 'reassignHandler';

/** The steps on one department's task: its own (签收, 回报, 申请延期) and the office's. */
export const TASK_STEPS: StepTable<TaskStepKey, DepartmentTaskStatus> = {
  signFor: { label: '签收', roles: ['DEPT_HANDLER', 'DEPT_HEAD'], from: ['DISPATCHED'], ownDepartment: true },
  // The 回报单 is stamped by the department (回报单位盖章): only its head signs it.
  report: {
    label: '回报',
    roles: ['DEPT_HEAD'],
    from: ['SIGNED_FOR', 'RETURNED'],
    ownDepartment: true,
    notYet: { DISPATCHED: '请先签收' },
  },
  reviewReport: { label: '审核回报', roles: OFFICE_HANDLERS, from: ['REPORTED'] },
  // 代拟稿待后送出: after the 回报单 was accepted, the head sends the 代拟稿 it promised.
  sendDraft: {
    label: '送交代拟稿',
    roles: ['DEPT_HEAD'],
    from: ['DRAFT_PENDING'],
    ownDepartment: true,
    notYet: { REPORTED: '回报单尚待办公厅审核' },
  },
  reviewDraft: { label: '审核代拟稿', roles: OFFICE_HANDLERS, from: ['DRAFT_SENT'] },
  requestExtension: {
    label: '申请延期',
    roles: ['DEPT_HANDLER', 'DEPT_HEAD'],
    from: AWAITING_REPORT,
    ownDepartment: true,
  },
  decideExtension: { label: '审批延期', roles: OFFICE_HANDLERS, from: AWAITING_REPORT },
  // A 代拟稿 still owed is chased like a report.
  urge: { label: '催办', roles: OFFICE_HANDLERS, from: [...AWAITING_REPORT, 'DRAFT_PENDING'] },
  reassignHandler: { label: '改派承办人', roles: OFFICE_HANDLERS, from: AWAITING_REPORT },
};
