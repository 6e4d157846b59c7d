/**
 * The organisation's rules, shared by the administrator's forms (routes/org.ts) and the import of
 * a sheet (org-import.ts): what a department and an account may be, field by field, with reasons
 * in Chinese. Pure functions over what the database holds, so one check serves both.
 *
 * The tree is two levels deep: the general office (办公厅), responsible departments (承办单位, the
 * cities among them) and issuing organs (来文单位) stand at the top; a section hangs under its
 * own kind of parent, 办公厅处室 (综合一处) under the general office, 承办单位内设科室 (秘书科)
 * under a responsible department. A cycle cannot be built, and a section is never a 转办 target.
 */
import { z } from 'zod';
import { DEPARTMENT_KINDS, ROLES, isRole, type DepartmentKind, type Role } from '../core/roles';
import type { FieldProblem } from '../workflows/incoming-document';

/** The kind a section's parent must be; top-level kinds have none. */
export const PARENT_KIND: Partial<Record<DepartmentKind, DepartmentKind>> = {
  OFFICE_SECTION: 'GENERAL_OFFICE',
  DEPARTMENT_SECTION: 'RESPONSIBLE_DEPARTMENT',
};

/** The Chinese name of a kind or a role: the part of its label before the English gloss. */
export const chineseLabel = (label: string) => label.split(' (')[0]!;
export const kindLabel = (kind: DepartmentKind) => chineseLabel(DEPARTMENT_KINDS[kind]);
export const roleLabel = (role: Role) => chineseLabel(ROLES[role]);

export interface DepartmentFacts {
  code: string;
  name: string;
  kind: string;
  parentCode: string | null;
}

/**
 * Problems of a department placed in the tree: its parent exists and is of the kind its own kind
 * hangs under, and (when it already has sections) it stays the kind they hang under.
 */
export function treeProblems(
  d: { kind: DepartmentKind; parentCode: string | null },
  parent: DepartmentFacts | undefined,
  childKinds: readonly string[],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const wanted = PARENT_KIND[d.kind];
  if (!wanted && d.parentCode)
    problems.push({ field: 'parentCode', reason: `${kindLabel(d.kind)}是顶层单位，不设上级单位` });
  if (wanted && !d.parentCode)
    problems.push({
      field: 'parentCode',
      reason: `${kindLabel(d.kind)}须填写上级单位（${kindLabel(wanted)}）`,
    });
  if (wanted && d.parentCode && !parent)
    problems.push({ field: 'parentCode', reason: `上级单位 ${d.parentCode} 不存在` });
  if (wanted && parent && parent.kind !== wanted)
    problems.push({
      field: 'parentCode',
      reason: `${kindLabel(d.kind)}的上级单位须为${kindLabel(wanted)}，${parent.name}不是`,
    });
  const stranded = childKinds.filter((k) => PARENT_KIND[k as DepartmentKind] !== d.kind);
  if (stranded.length)
    problems.push({ field: 'kind', reason: '该单位下设科室/处室，类型须与其下设机构相符，不能改为此类型' });
  return problems;
}

/** Problems of an account's department and roles. */
export function accountProblems(
  a: { roles: readonly Role[] },
  department: DepartmentFacts | undefined,
  departmentCode: string,
  /** The account's roles before an edit; none for a new account. */
  rolesBefore: readonly string[] = [],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!department) problems.push({ field: 'departmentCode', reason: `单位 ${departmentCode} 不存在` });
  else if (department.kind === 'SOURCE_ORGAN')
    problems.push({ field: 'departmentCode', reason: `${department.name}是来文单位，不设本系统用户` });
  // Separation of duties: whoever manages accounts does not also decide who reads secrets.
  if (a.roles.includes('ADMIN') && a.roles.includes('SECURITY_OFFICER'))
    problems.push({ field: 'roles', reason: '系统管理员与保密员不能由同一账号兼任' });
  // 三员分立: nor does the administrator appoint or unseat a 保密员, who decides who reads secrets
  // (an account he appointed could grant him 绝密). That is done on the server (README).
  if (a.roles.includes('SECURITY_OFFICER') !== rolesBefore.includes('SECURITY_OFFICER'))
    problems.push({
      field: 'roles',
      reason: '保密员不由系统管理员任免：请在服务器上运行 npm run appoint-security-officer',
    });
  return problems;
}

// Fields, as the forms and the sheet give them.

const required = (label: string) => (i: { input: unknown }) =>
  i.input === undefined || i.input === '' ? `${label}为必填项` : `${label}须为文字`;

export const departmentCodeField = z
  .string({ error: required('单位代码') })
  .trim()
  .min(1, { message: '单位代码为必填项', abort: true })
  .regex(/^[A-Z0-9-]{1,20}$/, '单位代码为 1–20 个大写字母、数字或连字符，如 GDFGW-MSK');
export const departmentNameField = z
  .string({ error: required('单位名称') })
  .trim()
  .min(1, { message: '单位名称为必填项', abort: true })
  .min(2, '单位名称至少 2 个字')
  .max(60, '单位名称至多 60 个字');

const KIND_KEYS = Object.keys(DEPARTMENT_KINDS) as [DepartmentKind, ...DepartmentKind[]];
const kindList = KIND_KEYS.map((k) => `${k}（${kindLabel(k)}）`).join('、');
/** A kind by its key (RESPONSIBLE_DEPARTMENT) or its Chinese name (承办单位). */
export const departmentKindField = z
  .string({ error: required('单位类型') })
  .trim()
  .transform((v, ctx) => {
    const kind = KIND_KEYS.find((k) => k === v || kindLabel(k) === v);
    if (kind) return kind;
    ctx.issues.push({ code: 'custom', input: v, message: `单位类型须为 ${kindList} 之一` });
    return z.NEVER;
  });
export const parentCodeField = z
  .union([z.literal(''), departmentCodeField, z.null()], { error: '上级单位须为单位代码，如 GDFGW' })
  .optional()
  .transform((v) => v || null);

export const usernameField = z
  .string({ error: required('用户名') })
  .trim()
  .min(1, { message: '用户名为必填项', abort: true })
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, '用户名为 2–32 个小写字母、数字或 . _ -，以字母或数字开头');
export const displayNameField = z
  .string({ error: required('姓名') })
  .trim()
  .min(1, '姓名为必填项')
  .max(40, '姓名至多 40 个字');
export const phoneField = z
  .string({ error: '电话须为文字' })
  .trim()
  .regex(/^[0-9+\-() ]{0,30}$/, '电话只能含数字、空格和 + - ( )，至多 30 位')
  .optional()
  .transform((v) => v || null);

const roleList = (Object.keys(ROLES) as Role[]).map((r) => `${r}（${roleLabel(r)}）`).join('、');
const roleOf = (v: string): Role | undefined =>
  isRole(v) ? v : (Object.keys(ROLES) as Role[]).find((r) => roleLabel(r) === v);
/** Roles as a list of keys, or (in a sheet) one cell: 承办人、部门负责人 or DEPT_HANDLER,DEPT_HEAD. */
export const rolesField = z
  .union([z.array(z.string()), z.string()], { error: required('角色') })
  .transform((v, ctx) => {
    const names = (Array.isArray(v) ? v : v.split(/[、,，;；\s]+/)).map((s) => s.trim()).filter(Boolean);
    const roles: Role[] = [];
    for (const name of names) {
      const role = roleOf(name);
      if (!role) {
        ctx.issues.push({
          code: 'custom',
          input: name,
          message: `没有角色“${name}”：角色须为 ${roleList} 之一`,
        });
        return z.NEVER;
      }
      if (!roles.includes(role)) roles.push(role);
    }
    if (!roles.length) {
      ctx.issues.push({ code: 'custom', input: v, message: '至少选择一个角色' });
      return z.NEVER;
    }
    return roles;
  });
