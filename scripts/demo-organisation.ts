/**
 * The demo organisation, taken from the seed case: the State Council (国务院) issues 国发〔2016〕76号,
 * the Guangdong provincial government's general office (综合一处: clerk 黄炜演, reviewer 陈伟演)
 * routes it, leader 春新 gives the instruction, and 省发展改革委 leads the handling.
 */
import type { Database } from '../core/database';
import { ROLES, type DepartmentKind, type Role } from '../core/roles';
import { DEMO_PASSWORD, hashPassword } from '../api/auth/passwords';

export interface DemoDepartment {
  code: string;
  name: string;
  kind: DepartmentKind;
  parentCode?: string;
}

export interface DemoUser {
  id: string;
  username: string;
  displayName: string;
  departmentCode: string;
  roles: Role[];
  phone?: string;
}

// The password lives with the others (api/auth/passwords.ts): the API refuses it in production.
export { DEMO_PASSWORD };

export const DEMO_DEPARTMENTS: DemoDepartment[] = [
  { code: 'GWY', name: '国务院', kind: 'SOURCE_ORGAN' },
  { code: 'GWYBGT', name: '国务院办公厅', kind: 'SOURCE_ORGAN' },
  { code: 'GDBGT', name: '广东省人民政府办公厅', kind: 'GENERAL_OFFICE' },
  { code: 'GDBGT-ZH1', name: '广东省人民政府办公厅综合一处', kind: 'OFFICE_SECTION', parentCode: 'GDBGT' },
  // 督查室: the office's supervision section, which keeps the 政务失信记录 and follows them up.
  { code: 'GDBGT-DC', name: '广东省人民政府办公厅督查室', kind: 'OFFICE_SECTION', parentCode: 'GDBGT' },
  { code: 'GDFGW', name: '省发展改革委', kind: 'RESPONSIBLE_DEPARTMENT' },
  { code: 'GDCZT', name: '省财政厅', kind: 'RESPONSIBLE_DEPARTMENT' },
  { code: 'GDSFT', name: '省司法厅', kind: 'RESPONSIBLE_DEPARTMENT' },
  { code: 'GDRST', name: '省人力资源社会保障厅', kind: 'RESPONSIBLE_DEPARTMENT' },
  { code: 'GDJXW', name: '省经济和信息化委', kind: 'RESPONSIBLE_DEPARTMENT' },
  // A city government: 转办 reaches 各市 too (办理提示 1–3), and it answers for its own integrity.
  { code: 'GZ', name: '广州市人民政府', kind: 'RESPONSIBLE_DEPARTMENT' },
];

export const DEMO_USERS: DemoUser[] = [
  {
    id: 'u-huangweiyan',
    username: 'huangweiyan',
    displayName: '黄炜演',
    departmentCode: 'GDBGT-ZH1',
    roles: ['CLERK'],
    phone: '83132337',
  },
  {
    id: 'u-chenweiyan',
    username: 'chenweiyan',
    displayName: '陈伟演',
    departmentCode: 'GDBGT-ZH1',
    roles: ['OFFICE_REVIEWER'],
  },
  {
    id: 'u-zh1-director',
    username: 'zh1-director',
    displayName: '综合一处处长',
    departmentCode: 'GDBGT-ZH1',
    roles: ['OFFICE_DIRECTOR'],
  },
  { id: 'u-chunxin', username: 'chunxin', displayName: '春新', departmentCode: 'GDBGT', roles: ['LEADER'] },
  {
    id: 'u-mishuzhang',
    username: 'mishuzhang',
    displayName: '办公厅秘书长',
    departmentCode: 'GDBGT',
    roles: ['LEADER'],
  },
  {
    id: 'u-fgw-mishu',
    username: 'fgw-mishu',
    displayName: '省发展改革委秘书科',
    departmentCode: 'GDFGW',
    roles: ['DEPT_HANDLER'],
  },
  {
    id: 'u-fgw-head',
    username: 'fgw-head',
    displayName: '省发展改革委负责人',
    departmentCode: 'GDFGW',
    roles: ['DEPT_HEAD'],
  },
  {
    id: 'u-czt-handler',
    username: 'czt-handler',
    displayName: '省财政厅承办人',
    departmentCode: 'GDCZT',
    roles: ['DEPT_HANDLER'],
  },
  {
    id: 'u-czt-head',
    username: 'czt-head',
    displayName: '省财政厅负责人',
    departmentCode: 'GDCZT',
    roles: ['DEPT_HEAD'],
  },
  {
    id: 'u-sft-handler',
    username: 'sft-handler',
    displayName: '省司法厅承办人',
    departmentCode: 'GDSFT',
    roles: ['DEPT_HANDLER'],
  },
  {
    id: 'u-gz-head',
    username: 'gz-head',
    displayName: '广州市政府办公厅负责人',
    departmentCode: 'GZ',
    roles: ['DEPT_HEAD'],
  },
  {
    id: 'u-ducha',
    username: 'ducha',
    displayName: '督查室督查员',
    departmentCode: 'GDBGT-DC',
    roles: ['CREDIT_OFFICER'],
  },
  {
    id: 'u-xinyong',
    username: 'xinyong',
    displayName: '督查室信用管理员',
    departmentCode: 'GDBGT-DC',
    roles: ['CREDIT_OFFICER'],
  },
  // 保密员: reads the audit trail with the administrator; sees no document for that.
  {
    id: 'u-baomi',
    username: 'baomi',
    displayName: '办公厅保密员',
    departmentCode: 'GDBGT',
    roles: ['SECURITY_OFFICER'],
  },
  { id: 'u-admin', username: 'admin', displayName: '系统管理员', departmentCode: 'GDBGT', roles: ['ADMIN'] },
];

/** Loads (or refreshes) the demo organisation; running it twice changes nothing. */
export async function seedDemoOrganisation(db: Database, password = DEMO_PASSWORD): Promise<void> {
  const passwordHash = await hashPassword(password);
  for (const d of DEMO_DEPARTMENTS) {
    const row = { name: d.name, kind: d.kind, parentCode: d.parentCode ?? null };
    await db.department.upsert({ where: { code: d.code }, create: { code: d.code, ...row }, update: row });
  }
  for (const u of DEMO_USERS) {
    const row = {
      username: u.username,
      displayName: u.displayName,
      departmentCode: u.departmentCode,
      phone: u.phone ?? null,
    };
    await db.$transaction([
      db.user.upsert({ where: { id: u.id }, create: { id: u.id, passwordHash, ...row }, update: row }),
      db.userRole.deleteMany({ where: { userId: u.id } }),
      db.userRole.createMany({ data: u.roles.map((role) => ({ userId: u.id, role })) }),
    ]);
  }
}

/** Who can sign in to the demo organisation, as `npm run seed` and the first `npm start` print it. */
export function printDemoAccounts(): void {
  const dept = new Map(DEMO_DEPARTMENTS.map((d) => [d.code, d.name]));
  console.log(`Demo accounts (password for all: ${DEMO_PASSWORD}):`);
  for (const u of DEMO_USERS) {
    const roles = u.roles.map((r) => ROLES[r]).join(', ');
    console.log(`  ${u.username.padEnd(14)} ${u.displayName} — ${dept.get(u.departmentCode)} — ${roles}`);
  }
}
