/** Sign-in, sessions and roles through the HTTP API, on a real SQLite file and a real Temporal server. */
import { Writable } from 'node:stream';
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp, type AppDeps } from '../../api/app';
import { createLogger } from '../../core/logger';
import { SEED_DIRECTIVE, signIn, startStack, type Stack } from '../helpers/stack';
import { startTimeSkippingServer } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await startTimeSkippingServer();
  stack = await startStack(env);
});

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

const api = () => request(stack.app);

test('clerk 黄炜演 signs in and is known by bearer token and by cookie', async () => {
  const res = await api()
    .post('/api/auth/login')
    .send({ username: 'huangweiyan', password: 'duban-demo-2017' });
  expect(res.status).toBe(200);
  expect(res.body.user).toMatchObject({
    displayName: '黄炜演',
    departmentCode: 'GDBGT-ZH1',
    roles: ['CLERK'],
  });
  expect(res.headers['set-cookie']?.[0]).toMatch(/^duban_session=[^;]+;.*HttpOnly.*SameSite=Strict/i);

  const byBearer = await api().get('/api/auth/me').set('Authorization', `Bearer ${res.body.token}`);
  expect(byBearer.body.user.username).toBe('huangweiyan');
  const byCookie = await api().get('/api/auth/me').set('Cookie', `duban_session=${res.body.token}`);
  expect(byCookie.body.user.username).toBe('huangweiyan');
});

test.each([
  ['a wrong password', { username: 'huangweiyan', password: 'guess' }],
  ['an unknown user', { username: 'nobody', password: 'duban-demo-2017' }],
])('sign-in with %s gets the same 401 and leaves an audit trace', async (_case, body) => {
  const res = await api().post('/api/auth/login').send(body);
  expect(res.status).toBe(401);
  expect(res.body.error).toEqual({ code: 'bad_credentials', message: '用户名或密码不正确' });
  const audit = await stack.database.db.auditEvent.findFirst({
    where: { action: 'login-failed', target: body.username },
  });
  expect(audit).not.toBeNull();
});

test('sign-in without a username names the missing field', async () => {
  const res = await api().post('/api/auth/login').send({ password: 'x' });
  expect(res.status).toBe(400);
  expect(res.body.error.fields).toEqual([{ field: 'username', reason: '用户名为必填项' }]);
});

test('passwords are stored as Argon2id hashes', async () => {
  const user = await stack.database.db.user.findUniqueOrThrow({ where: { username: 'chunxin' } });
  expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(user.passwordHash).not.toContain('duban-demo-2017');
});

test('every route but health and sign-in needs a session', async () => {
  expect((await api().get('/health')).status).not.toBe(401);
  for (const [method, url] of [
    ['get', '/api/auth/me'],
    ['post', '/api/directives'],
    ['get', '/api/directives/201700084'],
    ['get', '/api/no-such-route'],
  ] as const) {
    const res = await api()[method](url);
    expect({ url, status: res.status }).toEqual({ url, status: 401 });
  }
  const forged = await api().get('/api/auth/me').set('Authorization', 'Bearer forged-token');
  expect(forged.status).toBe(401);
});

test('after sign-out the token no longer works', async () => {
  const token = await signIn(stack.app, 'chenweiyan');
  expect((await api().post('/api/auth/logout').set('Authorization', `Bearer ${token}`)).status).toBe(204);
  expect((await api().get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  expect(
    await stack.database.db.auditEvent.count({ where: { action: 'logout', actorId: 'u-chenweiyan' } }),
  ).toBe(1);
});

test('an expired session is refused', async () => {
  const token = await signIn(stack.app, 'chunxin');
  await stack.database.db.session.updateMany({
    where: { userId: 'u-chunxin', revokedAt: null },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  expect((await api().get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
});

test('a deactivated user can neither sign in nor use an open session', async () => {
  const token = await signIn(stack.app, 'sft-handler');
  await stack.database.db.user.update({ where: { username: 'sft-handler' }, data: { active: false } });
  expect((await api().get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  const again = await api()
    .post('/api/auth/login')
    .send({ username: 'sft-handler', password: 'duban-demo-2017' });
  expect(again.status).toBe(401);
});

test.each([
  ['reviewer 陈伟演', 'chenweiyan'],
  ['leader 春新', 'chunxin'],
  ['省发展改革委 handler', 'fgw-mishu'],
])('only a clerk registers incoming documents: %s gets 403', async (_who, username) => {
  const token = await signIn(stack.app, username);
  const res = await api()
    .post('/api/directives')
    .set('Authorization', `Bearer ${token}`)
    .send(SEED_DIRECTIVE);
  expect(res.status).toBe(403);
  expect(res.body.error.message).toBe('此操作须由以下角色办理：文秘/经办人（CLERK）');
  expect(await stack.database.db.directive.count()).toBe(0);
});

/** Sign-in from a given address (the app trusts the loopback proxy that names it). */
const loginFrom = (address: string, username: string, password: string, app = stack.app) =>
  request(app).post('/api/auth/login').set('X-Forwarded-For', address).send({ username, password });

/** The same API on the same database and server, with its own settings (and its own throttle). */
const appWith = (deps: Partial<AppDeps>) =>
  createApp({
    db: stack.database.db,
    temporal: env.client,
    taskQueue: stack.taskQueue,
    log: createLogger('auth-test', 'silent'),
    sessionTtlHours: 12,
    workerLivenessSeconds: 90,
    ...deps,
  });

test('five wrong passwords from one address make that address wait, even with the right password; the owner signs in from their own', async () => {
  const attacker = '203.0.113.7';
  for (let i = 0; i < 5; i++) expect((await loginFrom(attacker, 'czt-head', 'guess')).status).toBe(401);
  const locked = await loginFrom(attacker, 'czt-head', 'duban-demo-2017');
  expect(locked.status).toBe(429);
  expect(locked.body.error.message).toBe(
    '本地址以用户名 czt-head 登录失败次数过多：请 15 分钟后再试，或请系统管理员解锁',
  );
  expect(locked.headers['retry-after']).toBe('900');

  // 省财政厅's head at their own desk is not locked out by the guessing, nor a colleague there.
  expect((await loginFrom('198.51.100.20', 'czt-head', 'duban-demo-2017')).status).toBe(200);
  expect((await loginFrom(attacker, 'czt-handler', 'duban-demo-2017')).status).toBe(200);

  const trail = await stack.database.db.auditEvent.findMany({
    where: { target: 'czt-head' },
    select: { action: true, detail: true },
  });
  expect(trail.map((e) => e.action).sort()).toEqual(
    [...Array(5).fill('login-failed'), 'login-locked'].sort(),
  );
  expect(trail.find((e) => e.action === 'login-locked')?.detail).toContain(attacker);
});

test('guesses sent all at once are throttled like guesses sent one by one', async () => {
  const attacker = '203.0.113.9';
  const answers = await Promise.all(
    Array.from({ length: 12 }, () => loginFrom(attacker, 'chunxin', 'guess').then((r) => r.status)),
  );
  expect(answers.filter((s) => s === 401)).toHaveLength(5);
  expect(answers.filter((s) => s === 429)).toHaveLength(7);
});

test('a sign-in posted from another site’s page is refused (login CSRF)', async () => {
  const res = await request(stack.app)
    .post('/api/auth/login')
    .set('Origin', 'https://evil.example')
    .send({ username: 'huangweiyan', password: 'duban-demo-2017' });
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('cross_origin');
});

test('a successful sign-in clears the failures of that username from that address', async () => {
  const desk = '198.51.100.31';
  for (let i = 0; i < 4; i++) expect((await loginFrom(desk, 'fgw-head', 'typo')).status).toBe(401);
  expect((await loginFrom(desk, 'fgw-head', 'duban-demo-2017')).status).toBe(200);
  for (let i = 0; i < 4; i++) expect((await loginFrom(desk, 'fgw-head', 'typo')).status).toBe(401);
  expect((await loginFrom(desk, 'fgw-head', 'duban-demo-2017')).status).toBe(200);
});

test('one address guessing many usernames waits too; other addresses do not; the wait ends with the window', async () => {
  const app = appWith({
    loginThrottle: { failuresPerUserAndAddress: 5, failuresPerAddress: 3, windowSeconds: 1 },
  });
  const scanner = '203.0.113.99';
  for (const username of ['admin', 'chunxin', 'zh1-director'])
    expect((await loginFrom(scanner, username, 'guess', app)).status).toBe(401);
  const refused = await loginFrom(scanner, 'xinyong', 'duban-demo-2017', app);
  expect(refused.status).toBe(429);
  expect(refused.body.error.message).toMatch(/^本地址登录失败次数过多：请 1 分钟后再试/);
  expect(Number(refused.headers['retry-after'])).toBe(1);
  expect((await loginFrom('198.51.100.40', 'xinyong', 'duban-demo-2017', app)).status).toBe(200);

  await new Promise((resolve) => setTimeout(resolve, 1100));
  expect((await loginFrom(scanner, 'xinyong', 'duban-demo-2017', app)).status).toBe(200);
});

test('the session cookie is Secure when the request came over TLS, through the trusted proxy', async () => {
  const body = { username: 'ducha', password: 'duban-demo-2017' };
  const plain = await api().post('/api/auth/login').send(body);
  expect(plain.headers['set-cookie']?.[0]).not.toMatch(/;\s*Secure/i);
  const tls = await api().post('/api/auth/login').set('X-Forwarded-Proto', 'https').send(body);
  expect(tls.headers['set-cookie']?.[0]).toMatch(/^duban_session=[^;]+;.*;\s*Secure/i);
  const out = await api()
    .post('/api/auth/logout')
    .set('X-Forwarded-Proto', 'https')
    .set('Authorization', `Bearer ${tls.body.token}`);
  expect(out.headers['set-cookie']?.[0]).toMatch(/^duban_session=;.*;\s*Secure/i);
});

test('a session unused for longer than the idle timeout is refused; use keeps it alive, written once a minute', async () => {
  const db = stack.database.db;
  const token = await signIn(stack.app, 'xinyong');
  const me = () => api().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  const session = async () =>
    db.session.findFirstOrThrow({
      where: { userId: 'u-xinyong', revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
  const { id, lastSeenAt: signedIn } = await session();
  expect(signedIn).not.toBeNull();

  // Seen 10 seconds ago: it answers, without writing again.
  const tenSecondsAgo = new Date(Date.now() - 10_000);
  await db.session.update({ where: { id }, data: { lastSeenAt: tenSecondsAgo } });
  expect((await me()).status).toBe(200);
  expect((await session()).lastSeenAt).toEqual(tenSecondsAgo);

  // Seen 29 minutes ago: it answers and is seen now.
  await db.session.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 29 * 60_000) } });
  expect((await me()).status).toBe(200);
  expect(Date.now() - (await session()).lastSeenAt!.getTime()).toBeLessThan(5_000);

  // Unused 31 minutes: gone, though far from its 12 hours.
  await db.session.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
  expect((await me()).status).toBe(401);
});

test('a write with the session cookie from another site is refused; the same site and bearer clients pass', async () => {
  const token = await signIn(stack.app, 'mishuzhang');
  const cookie = `duban_session=${token}`;
  const host = 'duban.example.gov.cn';
  const evil = 'https://evil.example';

  const read = await api().get('/api/auth/me').set('Host', host).set('Cookie', cookie).set('Origin', evil);
  expect(read.status).toBe(200);
  const forged = await api()
    .post('/api/auth/logout')
    .set('Host', host)
    .set('Cookie', cookie)
    .set('Origin', evil);
  expect(forged.status).toBe(403);
  expect(forged.body.error).toEqual({ code: 'cross_origin', message: '已登录的更改须从本系统页面提交' });
  const sandboxed = await api()
    .post('/api/auth/logout')
    .set('Host', host)
    .set('Cookie', cookie)
    .set('Origin', 'null');
  expect(sandboxed.status).toBe(403);
  // Still signed in: the forged sign-out did nothing.
  expect((await api().get('/api/auth/me').set('Cookie', cookie)).status).toBe(200);

  const bearer = await signIn(stack.app, 'mishuzhang');
  const script = await api()
    .post('/api/auth/logout')
    .set('Host', host)
    .set('Authorization', `Bearer ${bearer}`)
    .set('Origin', evil);
  expect(script.status).toBe(204);
  const ours = await api()
    .post('/api/auth/logout')
    .set('Host', `${host}:443`)
    .set('X-Forwarded-Proto', 'https')
    .set('Cookie', cookie)
    .set('Origin', `https://${host}`);
  expect(ours.status).toBe(204);
});

test('every answer carries the security headers, and the UI its content security policy', async () => {
  const res = await api().get('/');
  const csp = Object.fromEntries(
    String(res.headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values.join(' ')]),
  );
  expect(csp).toEqual({
    'default-src': "'self'",
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self' data:",
    'frame-ancestors': "'none'",
  });
  const json = await api().get('/api/auth/me');
  expect(json.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'strict-transport-security': expect.stringMatching(/^max-age=\d+$/),
    'cross-origin-opener-policy': 'same-origin',
  });
  expect(json.headers['x-powered-by']).toBeUndefined();
});

test('the access log names each request and its outcome, but never a token or a cookie', async () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const app = appWith({ log: createLogger('access-test', 'info', destination) });
  const login = await request(app)
    .post('/api/auth/login')
    .send({ username: 'huangweiyan', password: 'duban-demo-2017' });
  const token = login.body.token as string;
  await request(app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  await request(app).get('/api/auth/me').set('Cookie', `duban_session=${token}`);

  interface Entry {
    userId?: string;
    req: { method: string; url: string; headers: Record<string, string> };
    res: { statusCode: number; headers: Record<string, string> };
  }
  const entries = lines.map((l) => JSON.parse(l) as Entry);
  expect(entries.map((e) => [e.req.method, e.req.url, e.res.statusCode])).toEqual([
    ['POST', '/api/auth/login', 200],
    ['GET', '/api/auth/me', 200],
    ['GET', '/api/auth/me', 200],
  ]);
  expect(entries[1]).toMatchObject({
    userId: 'u-huangweiyan',
    req: { headers: { authorization: '[redacted]' } },
  });
  expect(entries[2]?.req.headers.cookie).toBe('[redacted]');
  expect(entries[0]?.res.headers['set-cookie']).toBe('[redacted]');
  expect(lines.join('\n')).not.toContain(token);
});
