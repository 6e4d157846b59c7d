import { BREACH_STATUSES, CASE_STATUSES } from './integrity-types';
import { ROLES } from './roles';

/**
 * The words of a refusal, one vocabulary for the API's schemas and the workflows' validators (and
 * the same words as the organisation forms', api/organisation.ts), so a person reads the same
 * Chinese wherever a form is refused. Every reason names its field by the
 * label people know from the form (来文标题, 收文日期, 办理提示), so it reads alone, without the
 * machine key beside it. Pure: the workflows import it too.
 */

/** `为必填项`: nothing was given, or only blanks. */
export const required = (label: string) => `${label}为必填项`;
/** `须为文字`: a number, list or object where text belongs. */
export const mustBeText = (label: string) => `${label}须为文字`;
/** `不得为空`: text or a list that is empty. */
export const notEmpty = (label: string) => `${label}不得为空`;
/** Text longer than the form allows. */
export const tooLong = (label: string, max: number) => `${label}不得超过 ${max} 个字符`;
/** Text shorter than the form allows. */
export const tooShort = (label: string, min: number) => `${label}至少 ${min} 个字符`;
/** `须为以下之一：…`, the choices joined with 、 as a Chinese list is. */
export const oneOfThese = (label: string, choices: readonly unknown[]) =>
  `${label}须为以下之一：${choices.map(String).join('、')}`;
/** A date that is not YYYY-MM-DD or not on the calendar (2017-02-30). */
export const notADate = (label: string) => `${label}不是有效日期（YYYY-MM-DD）`;
/** A count or number out of its range, e.g. 份数须为 1 至 9999 的整数. */
export const wholeNumber = (label: string, min: number, max?: number) =>
  max === undefined ? `${label}须为不小于 ${min} 的整数` : `${label}须为 ${min} 至 ${max} 的整数`;
/** A list longer than the form allows. */
export const tooMany = (label: string, max: number) => `${label}最多 ${max} 项`;
/** A list with an item twice. */
export const repeated = (label: string) => `${label}不得重复`;
/** A key the form does not have (the key itself is all there is to name it by). */
export const notAField = (key: string) => `“${key}”不是本表单的字段`;
/** A filter the list does not have. */
export const notAFilter = (key: string) => `“${key}”不是本列表的筛选条件`;

/** A role as a refusal names it: its Chinese name and its code, e.g. 文秘/经办人（CLERK）. */
export const roleName = (role: string) =>
  role in ROLES ? `${ROLES[role as keyof typeof ROLES].split(' (')[0]}（${role}）` : role;

/** `初审须由以下角色办理：…`: a step refused for the person's roles. */
export const rolesNeeded = (step: string, roles: readonly string[]) =>
  `${step}须由以下角色办理：${roles.map(roleName).join('、')}`;

/** The statuses of a directive and of a department's task as the office says them (web/app.js STATUS). */
const STATUS_NAMES: Record<string, string> = {
  REGISTERED: '已登记',
  REVIEWING: '审核中',
  AWAITING_INSTRUCTION: '待批示',
  RETURNED: '已退回',
  INSTRUCTED: '已批示',
  IN_PROGRESS: '办理中',
  CLOSED: '已办结',
  WITHDRAWN: '已撤办',
  RETURNED_TO_SENDER: '已退文',
  FILED: '已归档',
  DISPATCHED: '已转办',
  SIGNED_FOR: '已签收',
  REPORTED: '已回报',
  DRAFT_PENDING: '待送代拟稿',
  DRAFT_SENT: '代拟稿待审核',
  SENT_TO_LEAD: '已送主办',
  ACCEPTED: '回报通过',
};

/** A status as a refusal names it, e.g. 已办结（CLOSED）. */
export const statusName = (status: string) => {
  const name =
    STATUS_NAMES[status] ??
    (BREACH_STATUSES as Record<string, string>)[status] ??
    (CASE_STATUSES as Record<string, string>)[status];
  return name ? `${name}（${status}）` : status;
};

/** The 拟办's fields as its form labels them (what a 批示 may change is named by these). */
export const PROPOSAL_LABELS: Record<string, string> = {
  leadDepartment: '主办单位',
  coDepartments: '会办单位',
  handlingOption: '办理提示',
  dueDate: '回报期限',
  departmentDueDates: '各单位回报期限',
  leaders: '请批示领导',
  leaderMode: '批示方式',
  comment: '拟办意见',
};

/** A refusal's reasons as one message: each names its field, so they are joined as they are. */
export const joinReasons = (reasons: readonly { reason: string }[]) =>
  reasons.map((r) => r.reason).join('；');
