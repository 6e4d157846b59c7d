/**
 * The role catalogue: who may do what is decided by role; what they may see, by role and
 * department. Pure data, so the workflows' step table (steps.ts), the API and the seed share it.
 */
export const ROLES = {
  CLERK: '文秘/经办人 (general-office clerk)',
  OFFICE_REVIEWER: '审核人 (office reviewer)',
  OFFICE_DIRECTOR: '处长/秘书长 (office director)',
  LEADER: '领导 (leader who gives 批示)',
  DEPT_HANDLER: '承办人 (department handler)',
  DEPT_HEAD: '部门负责人 (department head)',
  CREDIT_OFFICER: '信用管理员/督查员 (credit and supervision officer)',
  /** Reads the audit trail (with the administrator) and decides who is cleared for 涉密 documents. */
  SECURITY_OFFICER: '保密员 (security officer)',
  ADMIN: '系统管理员 (administrator)',
} as const;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

export function isRole(s: string): s is Role {
  return s in ROLES;
}

/**
 * Roles of the general office, who see every directive the office handles. The credit officer
 * works on the integrity records, not on directives, so is not one of them.
 */
export const OFFICE_ROLES: readonly Role[] = [
  'CLERK',
  'OFFICE_REVIEWER',
  'OFFICE_DIRECTOR',
  'LEADER',
  'ADMIN',
];
