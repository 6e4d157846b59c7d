/** The role catalogue lives with the workflows (pure data they may import); re-exported here. */
import type { Role } from '../workflows/roles';

export { ROLES, ROLE_NAMES, OFFICE_ROLES, isRole, type Role } from '../workflows/roles';

/**
 * The general office's staff who handle directives (收发, 审核, 处长): they see every directive the
 * office handles. Leaders see those they are involved in, the administrator none of his own
 * (api/routes/access.ts).
 */
export const DIRECTIVE_OFFICE_ROLES: readonly Role[] = ['CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR'];

/**
 * Who reads the whole directory (/api/directory): those who pick people and departments in forms
 * (拟办's leaders, 督办人, 传阅 readers, a 政务失信记录's subject) and the administrator of users.
 * Everyone else gets the names of the people in what they can see (/api/names).
 */
export const DIRECTORY_ROLES: readonly Role[] = [
  'CLERK',
  'OFFICE_REVIEWER',
  'OFFICE_DIRECTOR',
  'CREDIT_OFFICER',
  'ADMIN',
];

/** Department kinds. */
export const DEPARTMENT_KINDS = {
  SOURCE_ORGAN: '来文单位 (issuing organ)',
  GENERAL_OFFICE: '办公厅 (general office)',
  OFFICE_SECTION: '办公厅处室 (office section)',
  RESPONSIBLE_DEPARTMENT: '承办单位 (responsible department)',
  /** A section of a responsible department (e.g. 省发展改革委秘书科): part of the tree, not a 转办 target. */
  DEPARTMENT_SECTION: '承办单位内设科室 (section of a responsible department)',
} as const;
export type DepartmentKind = keyof typeof DEPARTMENT_KINDS;
