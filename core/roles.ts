/** The role catalogue lives with the workflows (pure data they may import); re-exported here. */
export { ROLES, ROLE_NAMES, OFFICE_ROLES, isRole, type Role } from '../workflows/roles';

/** Department kinds. */
export const DEPARTMENT_KINDS = {
  SOURCE_ORGAN: '来文单位 (issuing organ)',
  GENERAL_OFFICE: '办公厅 (general office)',
  OFFICE_SECTION: '办公厅处室 (office section)',
  RESPONSIBLE_DEPARTMENT: '承办单位 (responsible department)',
} as const;
export type DepartmentKind = keyof typeof DEPARTMENT_KINDS;
