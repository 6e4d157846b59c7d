/**
 * 机构与用户 through the HTTP API: the administrator keeps the department tree and the accounts,
 * every change on the audit trail; a new or reset account must choose its own password first; a
 * locked account is unlocked; a sheet (.csv, .xlsx) is imported with a report row by row; and a
 * production start refuses the demo password and makes its first administrator once.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createApp } from '../../api/app';
import { bootstrapAdministrator } from '../../api/auth/bootstrap';
import { appointSecurityOfficer } from '../../api/auth/security-officer';
import { DEMO_PASSWORD, generatePassword, passwordProblem } from '../../api/auth/passwords';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { createTestDatabase } from '../helpers/database';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { signIn } from '../helpers/stack';

jest.setTimeout(120_000);

const api = useSeedDayApi(['admin', 'fgw-head']);
const app = () => api.stack.app;
const db = () => api.stack.database.db;
const admin = () => api.as('admin');
let adminToken = '';
beforeAll(async () => {
  adminToken = await signIn(app(), 'admin');
});
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const auditOf = (action: string, target?: string) =>
  db().auditEvent.findMany({ where: { action, ...(target ? { target } : {}) }, orderBy: { id: 'asc' } });

async function newAccount(username: string, departmentCode = 'GDFGW', roles = ['DEPT_HANDLER']) {
  const res = await admin().post('/api/org/users', {
    username,
    displayName: `测试${username}`,
    departmentCode,
    roles,
  });
  expect(res.status).toBe(201);
  return res.body as { user: { id: string }; initialPassword: string };
}

async function chosenPassword(username: string, initial: string, chosen = 'Kaifa2017abc') {
  const token = await signIn(app(), username, initial);
  const res = await request(app())
    .post('/api/auth/password')
    .set(bearer(token))
    .send({ currentPassword: initial, newPassword: chosen });
  expect(res.status).toBe(200);
  return token;
}

describe('the department tree', () => {
  test('a section goes under its own kind of parent; the tree refuses the rest in Chinese', async () => {
    const created = await admin().post('/api/org/departments', {
      code: 'GDFGW-MSK',
      name: '省发展改革委秘书科',
      kind: '承办单位内设科室',
      parentCode: 'GDFGW',
    });
    expect(created.status).toBe(201);
    expect(created.body.department).toEqual({
      code: 'GDFGW-MSK',
      name: '省发展改革委秘书科',
      kind: 'DEPARTMENT_SECTION',
      parentCode: 'GDFGW',
    });
    const refused = async (body: object): Promise<unknown> =>
      (await admin().post('/api/org/departments', body)).body.error;
    expect(
      await refused({ code: 'GDBGT-ZH9', name: '综合九处', kind: 'OFFICE_SECTION', parentCode: 'GDFGW' }),
    ).toMatchObject({
      code: 'invalid_input',
      fields: [{ field: 'parentCode', reason: '办公厅处室的上级单位须为办公厅，省发展改革委不是' }],
    });
    expect(await refused({ code: 'GDBGT-ZH9', name: '综合九处', kind: 'OFFICE_SECTION' })).toMatchObject({
      fields: [{ field: 'parentCode', reason: '办公厅处室须填写上级单位（办公厅）' }],
    });
    expect(await refused({ code: 'gd x', name: '', kind: 'CITY' })).toMatchObject({
      fields: expect.arrayContaining([
        expect.objectContaining({ field: 'code' }),
        expect.objectContaining({ field: 'name' }),
        expect.objectContaining({ field: 'kind', reason: expect.stringContaining('单位类型须为') }),
      ]),
    });
    const twice = await admin().post('/api/org/departments', {
      code: 'GDFGW-X',
      name: '省发展改革委秘书科',
      kind: 'DEPARTMENT_SECTION',
      parentCode: 'GDFGW',
    });
    expect([twice.status, twice.body.error.message]).toEqual([409, '单位名称“省发展改革委秘书科”已存在']);
    // A city is a responsible department (a 转办 target); renamed, its code stays.
    expect(
      (
        await admin().post('/api/org/departments', {
          code: 'SZ',
          name: '深圳市政府',
          kind: 'RESPONSIBLE_DEPARTMENT',
        })
      ).status,
    ).toBe(201);
    const renamed = await admin().put('/api/org/departments/SZ', {
      name: '深圳市人民政府',
      kind: 'RESPONSIBLE_DEPARTMENT',
    });
    expect(renamed.body.department).toMatchObject({ code: 'SZ', name: '深圳市人民政府' });
    // 省发展改革委 has a section now: it cannot stop being a responsible department.
    const stranded = await admin().put('/api/org/departments/GDFGW', {
      name: '省发展改革委',
      kind: 'SOURCE_ORGAN',
    });
    expect(stranded.body.error.fields).toEqual([
      { field: 'kind', reason: '该单位下设科室/处室，类型须与其下设机构相符，不能改为此类型' },
    ]);
    const [audit] = await auditOf('department.update', 'SZ');
    expect(JSON.parse(audit!.before!)).toEqual({ name: '深圳市政府' });
    expect(JSON.parse(audit!.after!)).toEqual({ name: '深圳市人民政府' });
    expect(await auditOf('department.create', 'GDFGW-MSK')).toHaveLength(1);
  });

  test('only the administrator keeps the organisation', async () => {
    const res = await api.as('fgw-head').get('/api/org/departments');
    expect(res.status).toBe(403);
  });
});

describe('accounts', () => {
  test('a generated initial password always meets the rules a person’s own must meet', () => {
    const drawn = Array.from({ length: 2000 }, generatePassword);
    expect(drawn.filter((p) => passwordProblem(p, 'zhangsan') !== undefined)).toEqual([]);
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  test('a new account must choose its own password before anything else, and then works', async () => {
    const { user, initialPassword } = await newAccount('zhangsan');
    expect(initialPassword).toMatch(/^[A-Za-z2-9]{16}$/);
    const token = await signIn(app(), 'zhangsan', initialPassword);
    const me = await request(app()).get('/api/auth/me').set(bearer(token));
    expect(me.body.user).toMatchObject({
      id: user.id,
      mustChangePassword: true,
      departmentName: '省发展改革委',
    });
    const blocked = await request(app()).get('/api/tasks').set(bearer(token));
    expect([blocked.status, blocked.body.error.code]).toEqual([403, 'password_change_required']);

    const change = (body: object) => request(app()).post('/api/auth/password').set(bearer(token)).send(body);
    expect(
      (await change({ currentPassword: 'wrong', newPassword: 'Kaifa2017abc' })).body.error.fields,
    ).toEqual([{ field: 'currentPassword', reason: '当前密码不正确' }]);
    for (const [newPassword, reason] of [
      ['short1', '新密码至少 10 个字符'],
      [DEMO_PASSWORD, '不能使用演示密码'],
      ['zhangsan2017', '新密码不能包含用户名'],
      ['onlyletters', '新密码须同时包含字母和数字'],
      [initialPassword, '新密码不能与当前密码相同'],
    ])
      expect((await change({ currentPassword: initialPassword, newPassword })).body.error.fields).toEqual([
        { field: 'newPassword', reason },
      ]);
    expect((await change({ currentPassword: initialPassword, newPassword: 'Kaifa2017abc' })).status).toBe(
      200,
    );
    expect((await request(app()).get('/api/tasks').set(bearer(token))).status).toBe(200);
    await signIn(app(), 'zhangsan', 'Kaifa2017abc');
    expect((await auditOf('password.change', user.id)).map((a) => a.actorId)).toEqual([user.id]);
    expect(await auditOf('user.create', user.id)).toHaveLength(1);
  });

  test('edit and deactivate: the sessions end, the account stays for the history; the administrator never sets a clearance', async () => {
    const { user, initialPassword } = await newAccount('lisi');
    const token = await chosenPassword('lisi', initialPassword);
    const edit = (body: object) =>
      admin().put(`/api/org/users/${user.id}`, {
        displayName: '李四',
        departmentCode: 'GDCZT',
        roles: ['DEPT_HANDLER', 'DEPT_HEAD'],
        phone: '020-83132337',
        active: true,
        ...body,
      });
    expect((await edit({ clearance: '绝密' })).body.error.fields).toEqual([
      // Not a field of this form (the reason's wording is parse.ts's).
      expect.objectContaining({ field: 'clearance' }),
    ]);
    expect((await edit({ roles: ['ADMIN', 'SECURITY_OFFICER'] })).body.error.fields).toEqual([
      { field: 'roles', reason: '系统管理员与保密员不能由同一账号兼任' },
      {
        field: 'roles',
        reason: '保密员不由系统管理员任免：请在服务器上运行 npm run appoint-security-officer',
      },
    ]);
    expect((await edit({ departmentCode: 'GWY' })).body.error.fields).toEqual([
      { field: 'departmentCode', reason: '国务院是来文单位，不设本系统用户' },
    ]);
    const edited = await edit({});
    expect(edited.body.user).toMatchObject({
      displayName: '李四',
      departmentCode: 'GDCZT',
      roles: ['DEPT_HANDLER', 'DEPT_HEAD'],
      phone: '020-83132337',
    });
    expect((await request(app()).get('/api/auth/me').set(bearer(token))).body.user.departmentName).toBe(
      '省财政厅',
    );

    expect((await edit({ active: false })).body.user.active).toBe(false);
    expect((await request(app()).get('/api/auth/me').set(bearer(token))).status).toBe(401);
    expect(
      (await request(app()).post('/api/auth/login').send({ username: 'lisi', password: 'Kaifa2017abc' }))
        .status,
    ).toBe(401);
    expect(await db().user.findUnique({ where: { id: user.id } })).toMatchObject({
      displayName: '李四',
      active: false,
    });
    expect(await auditOf('user.deactivate', user.id)).toHaveLength(1);

    const self = await admin().put('/api/org/users/u-admin', {
      displayName: '系统管理员',
      departmentCode: 'GDBGT',
      roles: ['ADMIN'],
      active: false,
    });
    expect([self.status, self.body.error.code]).toEqual([403, 'own_account']);
  });

  test('a reset forces a change at the next sign-in; an unlock lets a locked person in again', async () => {
    const { user, initialPassword } = await newAccount('wangwu');
    const token = await chosenPassword('wangwu', initialPassword);
    const reset = await admin().post(`/api/org/users/${user.id}/password-reset`);
    expect(reset.body.user.mustChangePassword).toBe(true);
    expect((await request(app()).get('/api/auth/me').set(bearer(token))).status).toBe(401); // sessions ended
    await chosenPassword('wangwu', reset.body.initialPassword as string, 'Zhongxin2018xyz');
    expect(await auditOf('user.password-reset', user.id)).toHaveLength(1);

    const attempt = () =>
      request(app()).post('/api/auth/login').send({ username: 'wangwu', password: 'not-it-1234' });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(429);
    const listed = await admin().get('/api/org/users');
    expect(listed.body.users.find((u: { id: string }) => u.id === user.id).locked).toBe(true);
    const unlocked = await admin().post(`/api/org/users/${user.id}/unlock`);
    expect(unlocked.body.wasLocked).toBe(true);
    await signIn(app(), 'wangwu', 'Zhongxin2018xyz');
    expect((await auditOf('user.unlock', user.id)).map((a) => a.detail)).toEqual(['was locked']);
  });
});

describe('import', () => {
  const upload = (fileName: string, content: Buffer, dryRun = false) =>
    request(app())
      .post(`/api/org/import?fileName=${encodeURIComponent(fileName)}${dryRun ? '&dryRun=true' : ''}`)
      .set(bearer(adminToken))
      .set('Content-Type', 'application/octet-stream')
      .send(content);
  type ReportRow = {
    sheet: string;
    row: number;
    key: string;
    ok: boolean;
    problems?: { field: string; reason: string }[];
    initialPassword?: string;
  };

  test('a CSV of accounts: the good rows go in together, each refused row says which field and why', async () => {
    const csv = [
      '用户名,姓名,单位代码,角色,电话',
      'sft-mishu,司法厅秘书科,GDSFT,承办人,020-83180000',
      'Bad Name,某人,GDSFT,承办人,',
      'sft-two,某人,GDXXX,承办人,',
      'sft-three,某人,GDSFT,科长,',
      'fgw-head,重名,GDFGW,部门负责人,',
      'sft-head2,司法厅负责人,GDSFT,"承办人、部门负责人",0201234',
    ].join('\r\n');
    // With the BOM Excel writes in front of a UTF-8 CSV.
    const checked = await upload('users.csv', Buffer.from(`\ufeff${csv}`), true);
    expect(checked.body).toMatchObject({ dryRun: true, applied: false, refused: 4 });
    expect(await db().user.findUnique({ where: { username: 'sft-mishu' } })).toBeNull();

    const res = await upload('users.csv', Buffer.from(`\ufeff${csv}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: true, created: { departments: 0, users: 2 }, refused: 4 });
    const rows = res.body.rows as ReportRow[];
    expect(rows.filter((r) => !r.ok).map((r) => [r.row, r.key, r.problems])).toEqual([
      [
        3,
        'Bad Name',
        [{ field: '用户名', reason: '用户名为 2–32 个小写字母、数字或 . _ -，以字母或数字开头' }],
      ],
      [4, 'sft-two', [{ field: '单位代码', reason: '单位 GDXXX 不存在' }]],
      [5, 'sft-three', [{ field: '角色', reason: expect.stringContaining('没有角色“科长”') }]],
      [6, 'fgw-head', [{ field: '用户名', reason: '用户名 fgw-head 已存在' }]],
    ]);
    const good = rows.filter((r) => r.ok);
    expect(good.map((r) => r.key)).toEqual(['sft-mishu', 'sft-head2']);
    const head = await db().user.findUniqueOrThrow({
      where: { username: 'sft-head2' },
      include: { roles: true },
    });
    expect(head).toMatchObject({ phone: '0201234', mustChangePassword: true, departmentCode: 'GDSFT' });
    expect(head.roles.map((r) => r.role).sort()).toEqual(['DEPT_HANDLER', 'DEPT_HEAD']);
    // The initial password is in the report, and signs in (to the forced change).
    await chosenPassword('sft-mishu', good[0]!.initialPassword!);
    expect(await auditOf('org.import', 'users.csv')).toHaveLength(1);
    expect((await auditOf('user.create', 'u-sft-head2'))[0]!.detail).toBe('users.csv');
    // The same file again adds nothing.
    expect((await upload('users.csv', Buffer.from(csv))).body).toMatchObject({ applied: false, refused: 6 });
  });

  test('an .xlsx with a sheet of departments and one of accounts: an account may name a department of the same file', async () => {
    const workbook = new ExcelJS.Workbook();
    const departments = workbook.addWorksheet('单位');
    departments.addRows([
      ['单位代码', '单位名称', '单位类型', '上级单位代码'],
      ['GDSTHJT', '省生态环境厅', '承办单位', ''],
      ['GDSTHJT-MSK', '省生态环境厅秘书科', '承办单位内设科室', 'GDSTHJT'],
      ['GDBGT-ZH2', '广东省人民政府办公厅综合二处', '办公厅处室', 'GDFGW'],
      ['GDSTHJT', '重复代码', '承办单位', ''],
    ]);
    const users = workbook.addWorksheet('用户');
    users.addRows([
      ['用户名', '姓名', '单位代码', '角色', '电话'],
      ['sthjt-mishu', '省生态环境厅秘书科', 'GDSTHJT', 'DEPT_HANDLER', 83132337],
      ['zh2-clerk', '综合二处文秘', 'GDBGT-ZH2', '文秘/经办人', ''],
      ['', '无名', 'GDSTHJT', '承办人', ''],
    ]);
    const res = await upload('机构.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: { departments: 2, users: 1 }, refused: 4 });
    const refusals = (res.body.rows as ReportRow[])
      .filter((r) => !r.ok)
      .map((r) => [r.sheet, r.row, r.problems]);
    expect(refusals).toEqual([
      ['单位', 4, [{ field: '上级单位代码', reason: '办公厅处室的上级单位须为办公厅，省发展改革委不是' }]],
      ['单位', 5, [{ field: '单位代码', reason: '单位代码 GDSTHJT 已存在' }]],
      ['用户', 3, [{ field: '单位代码', reason: '单位 GDBGT-ZH2 不存在' }]],
      ['用户', 4, [{ field: '用户名', reason: '用户名为必填项' }]],
    ]);
    expect(await db().department.findUnique({ where: { code: 'GDSTHJT-MSK' } })).toMatchObject({
      parentCode: 'GDSTHJT',
    });
    // A phone number typed as a number in Excel stays the digits written.
    expect(await db().user.findUnique({ where: { username: 'sthjt-mishu' } })).toMatchObject({
      phone: '83132337',
    });
  });

  test('a file that is not a sheet is refused as a whole', async () => {
    const notZip = await upload('机构.xlsx', Buffer.from('%PDF-1.7'));
    expect([notZip.status, notZip.body.error.code]).toEqual([400, 'unreadable_file']);
    const noHeader = await upload('x.csv', Buffer.from('a,b\n1,2\n'));
    expect([noHeader.status, noHeader.body.error.code]).toEqual([400, 'no_sheet']);
    const named = await request(app())
      .post('/api/org/import?fileName=x.pdf')
      .set(bearer(adminToken))
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('x'));
    expect(named.status).toBe(400);
  });
});

describe('a production start', () => {
  test('refuses the demo password, and makes its first administrator once, who must change the password', async () => {
    expect([loadConfig({}).production, loadConfig({ DUBAN_PRODUCTION: 'true' }).production]).toEqual([
      false,
      true,
    ]);
    const database = await createTestDatabase({ demoOrganisation: false });
    try {
      const first = await bootstrapAdministrator(database.db);
      expect(first?.username).toBe('admin');
      expect(await bootstrapAdministrator(database.db)).toBeUndefined();
      const prod = createApp({
        db: database.db,
        temporal: api.stack.temporal,
        taskQueue: api.stack.taskQueue,
        log: createLogger('api-test', 'silent'),
        sessionTtlHours: 12,
        workerLivenessSeconds: 90,
        production: true,
      });
      const demo = await request(prod)
        .post('/api/auth/login')
        .send({ username: 'admin', password: DEMO_PASSWORD });
      expect([demo.status, demo.body.error.code]).toEqual([401, 'demo_password']);
      const token = await signIn(prod, 'admin', first!.password);
      expect((await request(prod).get('/api/org/users').set(bearer(token))).body.error.code).toBe(
        'password_change_required',
      );
      await request(prod)
        .post('/api/auth/password')
        .set(bearer(token))
        .send({ currentPassword: first!.password, newPassword: 'Guanli2017abc' })
        .expect(200);
      const users = await request(prod).get('/api/org/users').set(bearer(token));
      expect(users.body.users.map((u: { username: string }) => u.username)).toEqual(['admin']);
      expect(await database.db.department.findMany()).toEqual([
        { code: 'BGT', name: '办公厅', kind: 'GENERAL_OFFICE', parentCode: null },
      ]);
    } finally {
      await database.close();
    }
  });
});

test('三员分立: the administrator neither appoints a 保密员 nor resets one’s password; the server does', async () => {
  const appointing = await admin().post('/api/org/users', {
    username: 'baomi2',
    displayName: '第二保密员',
    departmentCode: 'GDBGT',
    roles: ['SECURITY_OFFICER'],
  });
  expect(appointing.status).toBe(400);
  expect(appointing.body.error.fields).toEqual([
    { field: 'roles', reason: expect.stringContaining('npm run appoint-security-officer') },
  ]);
  const clerk = await newAccount('wenmi2', 'GDBGT-ZH1', ['CLERK']);
  const promoting = await admin().put(`/api/org/users/${clerk.user.id}`, {
    displayName: '测试wenmi2',
    departmentCode: 'GDBGT-ZH1',
    roles: ['CLERK', 'SECURITY_OFFICER'],
    active: true,
  });
  expect(promoting.status).toBe(400);
  const reset = await admin().post('/api/org/users/u-baomi/password-reset', {});
  expect(reset.status).toBe(403);
  expect(reset.body.error.code).toBe('security_officer');

  // On the server: an existing account (never an administrator's) or a new one, password shown once.
  await expect(appointSecurityOfficer(db(), { username: 'admin' })).rejects.toThrow('system administrator');
  const appointed = await appointSecurityOfficer(db(), { username: 'wenmi2' });
  expect(appointed.created).toBe(false);
  const signedIn = await request(app())
    .post('/api/auth/login')
    .send({ username: 'wenmi2', password: appointed.password });
  expect(signedIn.body.user).toMatchObject({
    roles: expect.arrayContaining(['SECURITY_OFFICER']),
    mustChangePassword: true,
  });
  expect(await auditOf('security-officer.appoint', clerk.user.id)).toHaveLength(1);
});
