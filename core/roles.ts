/** Who may do what is decided by role; what they may see, by role and department. */
export const ROLES = {
  CLERK: '文秘/经办人 (general-office clerk)',
  OFFICE_REVIEWER: '审核人 (office reviewer)',
  OFFICE_DIRECTOR: '处长/秘书长 (office director)',
  LEADER: '领导 (leader who gives 批示)',
  DEPT_HANDLER: '承办人 (department handler)',
  DEPT_HEAD: '部门负责人 (department head)',
  ADMIN: '系统管理员 (administrator)',
} as const;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

export function isRole(s: string): s is Role {
  return s in ROLES;
}

/** Roles of the general office, who see every directive the office handles. */
export const OFFICE_ROLES: readonly Role[] = [
  'CLERK',
  'OFFICE_REVIEWER',
  'OFFICE_DIRECTOR',
  'LEADER',
  'ADMIN',
];

/** Department kinds. */
export const DEPARTMENT_KINDS = {
  SOURCE_ORGAN: '来文单位 (issuing organ)',
  GENERAL_OFFICE: '办公厅 (general office)',
  OFFICE_SECTION: '办公厅处室 (office section)',
  RESPONSIBLE_DEPARTMENT: '承办单位 (responsible department)',
} as const;
export type DepartmentKind = keyof typeof DEPARTMENT_KINDS;
