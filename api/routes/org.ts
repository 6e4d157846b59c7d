/**
 * 机构与用户: the administrator keeps the organisation, departments as a tree and the accounts in
 * them. Every change is on the audit trail (department.*, user.*, org.import), appended first in
 * the change's own transaction, with what was before and after. Accounts are deactivated, never
 * deleted: the timelines and the audit trail name them. A new account, a reset and an import give
 * a generated initial password, shown once in the answer, and the person must choose his own at
 * his first sign-in (mustChangePassword). The 涉密 clearance is not the administrator's to set
 * (routes/clearances.ts), nor does one account hold both ADMIN and SECURITY_OFFICER.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import { DEPARTMENT_KINDS, ROLES, isRole, type DepartmentKind, type Role } from '../../core/roles';
import { currentUser, requireRole } from '../auth/middleware';
import { generatePassword, hashPassword } from '../auth/passwords';
import type { SessionStore } from '../auth/sessions';
import type { LoginThrottle } from '../auth/throttle';
import { HttpError, invalidInput } from '../errors';
import { operation } from '../openapi';
import { judgeRows, readSheets, type NewUser } from '../org-import';
import {
  accountProblems,
  departmentCodeField,
  departmentKindField,
  departmentNameField,
  displayNameField,
  parentCodeField,
  phoneField,
  rolesField,
  treeProblems,
  usernameField,
  kindLabel,
  roleLabel,
} from '../organisation';
import { booleanText, parseRequest, requestSchema, userId } from '../parse';

const departmentForm = z
  .object({ name: departmentNameField, kind: departmentKindField, parentCode: parentCodeField })
  .strict();
const createDepartmentRequest = requestSchema({
  body: departmentForm.extend({ code: departmentCodeField }).strict(),
});
const codeParams = z.object({ code: departmentCodeField }).strict();
const updateDepartmentRequest = requestSchema({ params: codeParams, body: departmentForm });

const accountForm = z
  .object({
    displayName: displayNameField,
    departmentCode: departmentCodeField,
    roles: rolesField,
    phone: phoneField,
  })
  .strict();
const createUserRequest = requestSchema({ body: accountForm.extend({ username: usernameField }).strict() });
const idParams = z.object({ id: userId('id') }).strict();
const updateUserRequest = requestSchema({
  params: idParams,
  body: accountForm.extend({ active: z.boolean({ error: 'active 须为 true 或 false' }) }).strict(),
});
const userActionRequest = requestSchema({ params: idParams });
const listRequest = requestSchema({});
const importRequest = requestSchema({
  query: z
    .object({
      fileName: z
        .string({ error: '请给出文件名（.xlsx 或 .csv）' })
        .refine(
          (n) => /^[^/\\\0]{1,200}\.(xlsx|csv)$/i.test(n),
          '文件名须以 .xlsx 或 .csv 结尾，至多 200 个字符',
        ),
      dryRun: booleanText('dryRun').optional(),
    })
    .strict(),
});

const ops = {
  departments: operation({
    summary: '机构: every department, as a tree (parentCode), with its number of active accounts',
    request: listRequest,
    responses: { 200: '`{departments: [{code, name, kind, parentCode, users}], kinds}`' },
  }),
  createDepartment: operation({
    summary: '机构: add a department (办公厅处室 under the general office, 科室 under a 承办单位, a city …)',
    description: 'Audited as `department.create`. A code or name already used → 409.',
    request: createDepartmentRequest,
    responses: { 201: '`{department}`' },
    errors: [409],
  }),
  updateDepartment: operation({
    summary: '机构: rename a department, change its kind or its place in the tree (not its code)',
    description: 'Audited as `department.update`, before and after.',
    request: updateDepartmentRequest,
    responses: { 200: '`{department}`' },
    errors: [409],
  }),
  users: operation({
    summary: '用户: every account, active or not, with its roles, department, phone and sign-in lock',
    request: listRequest,
    responses: {
      200: '`{users: [{id, username, displayName, departmentCode, roles, phone, active, mustChangePassword, locked}], roles}`',
    },
  }),
  createUser: operation({
    summary: '用户: create an account; its initial password is generated and shown once',
    description:
      'Audited as `user.create`. The person must change the password at his first sign-in. A username already used → 409.',
    request: createUserRequest,
    responses: { 201: '`{user, initialPassword}`' },
    errors: [409],
  }),
  updateUser: operation({
    summary: '用户: edit an account: name, department, roles, phone; `active: false` deactivates it',
    description:
      'Audited as `user.update`, `user.deactivate` or `user.reactivate`. Deactivating ends the account’s sessions. Nobody deactivates himself or takes away his own ADMIN role (403).',
    request: updateUserRequest,
    responses: { 200: '`{user}`' },
  }),
  resetPassword: operation({
    summary: '用户: reset a password; a new one is generated, shown once, to be changed at the next sign-in',
    description: 'Audited as `user.password-reset`; the account’s sessions end.',
    request: userActionRequest,
    responses: { 200: '`{user, initialPassword}`' },
  }),
  unlock: operation({
    summary: '用户: unlock an account locked by failed sign-ins (登录锁定)',
    description: 'Audited as `user.unlock`, whether or not it was locked.',
    request: userActionRequest,
    responses: { 200: '`{user, wasLocked}`' },
  }),
  import: operation({
    summary: '导入: departments and accounts from an .xlsx or .csv file, with a report row by row',
    description:
      'Raw body. A sheet whose header row has 单位名称 holds departments (单位代码, 单位名称, 单位类型, 上级单位代码); one with 用户名 holds accounts (用户名, 姓名, 单位代码, 角色, 电话). The good rows are applied together in one transaction, the refused ones not at all (fix them and import them again); `dryRun=true` only reports. Each imported account gets an initial password, in the report only. Audited as `org.import` and one `department.create` / `user.create` per row.',
    request: importRequest,
    rawBody: {
      mediaType: 'application/octet-stream',
      description: 'The .xlsx workbook or the .csv file (UTF-8 or GB18030)',
    },
    responses: { 200: '`{dryRun, applied, created: {departments, users}, refused, rows}`' },
    errors: [413, 415],
  }),
};

const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

interface Prepared {
  initialPassword: string;
  passwordHash: string;
}
async function prepare(): Promise<Prepared> {
  const initialPassword = generatePassword();
  return { initialPassword, passwordHash: await hashPassword(initialPassword) };
}

/** The uploaded file, whole (it is small), or 413 past the limit. */
async function rawBody(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_IMPORT_BYTES)
      throw new HttpError(413, 'too_large', `导入文件至多 ${MAX_IMPORT_BYTES / 1024 / 1024} MB`, undefined, {
        Connection: 'close',
      });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const SHOW_USER = {
  id: true,
  username: true,
  displayName: true,
  departmentCode: true,
  phone: true,
  active: true,
  mustChangePassword: true,
  createdAt: true,
  roles: { select: { role: true } },
} as const;
type ShownUser = {
  roles: { role: string }[];
} & Record<string, unknown>;
const shown = <U extends ShownUser>(u: U) => ({ ...u, roles: u.roles.map((r) => r.role).filter(isRole) });

/** What an account change changed, for the audit entry's before and after. */
function changed(before: Record<string, unknown>, after: Record<string, unknown>) {
  const keys = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const pick = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(keys.map((k) => [k, o[k]])));
  return { before: pick(before), after: pick(after) };
}

export function orgRouter(db: Database, sessions: SessionStore, throttle: LoginThrottle): Router {
  const router = Router();
  const admin = requireRole('ADMIN');

  router.get('/api/org/departments', ops.departments, admin, async (req, res) => {
    parseRequest(listRequest, req);
    const rows = await db.department.findMany({
      orderBy: { code: 'asc' },
      include: { _count: { select: { users: { where: { active: true } } } } },
    });
    res.json({
      departments: rows.map(({ _count, ...d }) => ({ ...d, users: _count.users })),
      kinds: Object.fromEntries(
        Object.keys(DEPARTMENT_KINDS).map((k) => [k, kindLabel(k as DepartmentKind)]),
      ),
    });
  });

  router.post('/api/org/departments', ops.createDepartment, admin, async (req, res) => {
    const { body } = parseRequest(createDepartmentRequest, req);
    const actor = currentUser(req);
    const department = await db.$transaction(async (tx) => {
      await appendAudit(tx, {
        actorId: actor.id,
        action: 'department.create',
        target: body.code,
        after: JSON.stringify(body),
      });
      const clash = await tx.department.findFirst({
        where: { OR: [{ code: body.code }, { name: body.name }] },
      });
      if (clash)
        throw new HttpError(
          409,
          'duplicate',
          clash.code === body.code ? `单位代码 ${body.code} 已存在` : `单位名称“${body.name}”已存在`,
        );
      const parent = body.parentCode
        ? ((await tx.department.findUnique({ where: { code: body.parentCode } })) ?? undefined)
        : undefined;
      const problems = treeProblems(body, parent, []);
      if (problems.length) throw invalidInput(problems);
      return tx.department.create({ data: body });
    });
    res.status(201).json({ department });
  });

  router.put('/api/org/departments/:code', ops.updateDepartment, admin, async (req, res) => {
    const { params, body } = parseRequest(updateDepartmentRequest, req);
    const actor = currentUser(req);
    const department = await db.$transaction(async (tx) => {
      const old = await tx.department.findUnique({ where: { code: params.code } });
      const diff = changed(old ?? {}, body);
      await appendAudit(tx, {
        actorId: actor.id,
        action: 'department.update',
        target: params.code,
        ...diff,
      });
      if (!old) throw new HttpError(404, 'not_found', `没有单位 ${params.code}`);
      const clash = await tx.department.findFirst({ where: { name: body.name, code: { not: params.code } } });
      if (clash) throw new HttpError(409, 'duplicate', `单位名称“${body.name}”已被 ${clash.code} 使用`);
      const parent = body.parentCode
        ? ((await tx.department.findUnique({ where: { code: body.parentCode } })) ?? undefined)
        : undefined;
      const children = await tx.department.findMany({
        where: { parentCode: params.code },
        select: { kind: true },
      });
      const problems = treeProblems(
        body,
        parent,
        children.map((c) => c.kind),
      );
      if (body.parentCode === params.code)
        problems.push({ field: 'parentCode', reason: '上级单位不能是本单位' });
      if (problems.length) throw invalidInput(problems);
      return tx.department.update({ where: { code: params.code }, data: body });
    });
    res.json({ department });
  });

  router.get('/api/org/users', ops.users, admin, async (req, res) => {
    parseRequest(listRequest, req);
    const users = await db.user.findMany({
      select: SHOW_USER,
      orderBy: [{ departmentCode: 'asc' }, { username: 'asc' }],
    });
    res.json({
      roles: Object.fromEntries(Object.keys(ROLES).map((r) => [r, roleLabel(r as Role)])),
      users: await Promise.all(
        users.map(async (u) => ({ ...shown(u), locked: await throttle.locked(u.username) })),
      ),
    });
  });

  /** Creates accounts in a transaction that has appended its audit entry; answers their passwords. */
  async function createAccounts(
    tx: Parameters<Parameters<Database['$transaction']>[0]>[0],
    actorId: string,
    accounts: NewUser[],
    detail?: string,
    prepared = new Map<string, Prepared>(),
  ) {
    const created: { id: string; username: string; initialPassword: string }[] = [];
    for (const a of accounts) {
      const id = `u-${a.username}`;
      const { initialPassword, passwordHash } = prepared.get(a.username) ?? (await prepare());
      await appendAudit(tx, {
        actorId,
        action: 'user.create',
        target: id,
        after: JSON.stringify(a),
        detail,
      });
      await tx.user.create({
        data: {
          id,
          username: a.username,
          displayName: a.displayName,
          departmentCode: a.departmentCode,
          phone: a.phone,
          passwordHash,
          mustChangePassword: true,
          roles: { create: a.roles.map((role) => ({ role })) },
        },
      });
      created.push({ id, username: a.username, initialPassword });
    }
    return created;
  }

  router.post('/api/org/users', ops.createUser, admin, async (req, res) => {
    const { body } = parseRequest(createUserRequest, req);
    const actor = currentUser(req);
    const prepared = new Map([[body.username, await prepare()]]);
    const [created] = await db.$transaction(async (tx) => {
      const department =
        (await tx.department.findUnique({ where: { code: body.departmentCode } })) ?? undefined;
      const problems = accountProblems(body, department, body.departmentCode);
      if (problems.length) throw invalidInput(problems);
      if (
        await tx.user.findFirst({
          where: { OR: [{ username: body.username }, { id: `u-${body.username}` }] },
        })
      )
        throw new HttpError(409, 'duplicate', `用户名 ${body.username} 已存在`);
      return createAccounts(tx, actor.id, [body], undefined, prepared);
    });
    const user = await db.user.findUniqueOrThrow({ where: { id: created!.id }, select: SHOW_USER });
    res.status(201).json({ user: shown(user), initialPassword: created!.initialPassword });
  });

  router.put('/api/org/users/:id', ops.updateUser, admin, async (req, res) => {
    const { params, body } = parseRequest(updateUserRequest, req);
    const actor = currentUser(req);
    const user = await db.$transaction(async (tx) => {
      const old = await tx.user.findUnique({ where: { id: params.id }, select: SHOW_USER });
      const before = old ? shown(old) : undefined;
      const action =
        before?.active && !body.active
          ? 'user.deactivate'
          : !before?.active && body.active
            ? 'user.reactivate'
            : 'user.update';
      await appendAudit(tx, { actorId: actor.id, action, target: params.id, ...changed(before ?? {}, body) });
      if (!before) throw new HttpError(404, 'not_found', `没有用户 ${params.id}`);
      if (before.id === actor.id && (!body.active || !body.roles.includes('ADMIN')))
        throw new HttpError(
          403,
          'own_account',
          '不能停用自己的账号，也不能取消自己的系统管理员角色：请由另一名管理员办理',
        );
      const department =
        (await tx.department.findUnique({ where: { code: body.departmentCode } })) ?? undefined;
      const problems = accountProblems(body, department, body.departmentCode, before.roles);
      if (problems.length) throw invalidInput(problems);
      const roles: Role[] = body.roles;
      await tx.userRole.deleteMany({ where: { userId: params.id } });
      return tx.user.update({
        where: { id: params.id },
        data: {
          displayName: body.displayName,
          departmentCode: body.departmentCode,
          phone: body.phone,
          active: body.active,
          roles: { create: roles.map((role) => ({ role })) },
        },
        select: SHOW_USER,
      });
    });
    // A deactivated account signs out everywhere now, not at its sessions' expiry.
    if (!user.active) await sessions.revokeAllOf(user.id);
    res.json({ user: shown(user) });
  });

  router.post('/api/org/users/:id/password-reset', ops.resetPassword, admin, async (req, res) => {
    const { params } = parseRequest(userActionRequest, req);
    const actor = currentUser(req);
    const initialPassword = generatePassword();
    const passwordHash = await hashPassword(initialPassword);
    const user = await db.$transaction(async (tx) => {
      // The password itself is never on the trail.
      await appendAudit(tx, { actorId: actor.id, action: 'user.password-reset', target: params.id });
      const target = await tx.user.findUnique({ where: { id: params.id }, include: { roles: true } });
      if (!target) throw new HttpError(404, 'not_found', `没有用户 ${params.id}`);
      // A password he set would let the administrator act as the 保密员 (三员分立).
      if (target.roles.some((r) => r.role === 'SECURITY_OFFICER'))
        throw new HttpError(
          403,
          'security_officer',
          '保密员的密码不由系统管理员重置：请在服务器上运行 npm run appoint-security-officer',
        );
      return tx.user.update({
        where: { id: params.id },
        data: { passwordHash, mustChangePassword: true },
        select: SHOW_USER,
      });
    });
    await sessions.revokeAllOf(user.id);
    res.json({ user: shown(user), initialPassword });
  });

  router.post('/api/org/users/:id/unlock', ops.unlock, admin, async (req, res) => {
    const { params } = parseRequest(userActionRequest, req);
    const actor = currentUser(req);
    const found = await db.user.findUnique({ where: { id: params.id }, select: SHOW_USER });
    if (!found) throw new HttpError(404, 'not_found', `没有用户 ${params.id}`);
    const wasLocked = await throttle.unlock(found.username);
    await appendAudit(db, {
      actorId: actor.id,
      action: 'user.unlock',
      target: found.id,
      detail: wasLocked ? 'was locked' : 'was not locked',
    });
    res.json({ user: shown(found), wasLocked });
  });

  router.post('/api/org/import', ops.import, admin, async (req, res) => {
    const { query } = parseRequest(importRequest, req);
    const actor = currentUser(req);
    const sheets = await readSheets(query.fileName, await rawBody(req));
    const judge = async (tx: Pick<Database, 'department' | 'user'>) =>
      judgeRows(sheets, {
        departments: await tx.department.findMany({
          select: { code: true, name: true, kind: true, parentCode: true },
        }),
        usernames: (await tx.user.findMany({ select: { username: true } })).map((u) => u.username),
      });
    const outside = await judge(db);
    if (query.dryRun) {
      res.json(importReport(outside, true, new Map()));
      return;
    }
    // Hashing takes a while per account (Argon2): done before the transaction holds the write lock.
    const prepared = new Map<string, Prepared>();
    for (const r of outside) if (r.ok && r.kind === 'user') prepared.set(r.user.username, await prepare());
    const { rows, passwords } = await db.$transaction(
      async (tx) => {
        await appendAudit(tx, { actorId: actor.id, action: 'org.import', target: query.fileName });
        // Judged inside the transaction, which holds the write lock: nobody changes the organisation meanwhile.
        const judged = await judge(tx);
        for (const r of judged)
          if (r.ok && r.kind === 'department') {
            await appendAudit(tx, {
              actorId: actor.id,
              action: 'department.create',
              target: r.department.code,
              after: JSON.stringify(r.department),
              detail: `${query.fileName} ${r.sheet} 第 ${r.row} 行`,
            });
            await tx.department.create({ data: r.department });
          }
        const accounts = judged.flatMap((r) => (r.ok && r.kind === 'user' ? [r.user] : []));
        const created = await createAccounts(tx, actor.id, accounts, query.fileName, prepared);
        return { rows: judged, passwords: new Map(created.map((c) => [c.username, c.initialPassword])) };
      },
      { maxWait: 10_000, timeout: 120_000 },
    );
    res.json(importReport(rows, false, passwords));
  });

  return router;
}

function importReport(rows: ReturnType<typeof judgeRows>, dryRun: boolean, passwords: Map<string, string>) {
  const good = rows.filter((r) => r.ok);
  return {
    dryRun,
    applied: !dryRun && good.length > 0,
    created: {
      departments: dryRun ? 0 : good.filter((r) => r.kind === 'department').length,
      users: dryRun ? 0 : good.filter((r) => r.kind === 'user').length,
    },
    refused: rows.length - good.length,
    rows: rows.map((r) =>
      r.ok
        ? {
            sheet: r.sheet,
            row: r.row,
            kind: r.kind,
            key: r.key,
            ok: true,
            ...(r.kind === 'user' && passwords.has(r.user.username)
              ? { initialPassword: passwords.get(r.user.username) }
              : {}),
          }
        : { sheet: r.sheet, row: r.row, kind: r.kind, key: r.key, ok: false, problems: r.problems },
    ),
  };
}
