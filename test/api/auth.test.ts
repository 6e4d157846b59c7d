/** Sign-in, sessions and roles through the HTTP API, on a real SQLite file and a real Temporal server. */
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
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
  expect(res.body.error).toEqual({ code: 'bad_credentials', message: 'wrong username or password' });
  const audit = await stack.database.db.auditEvent.findFirst({
    where: { action: 'login-failed', target: body.username },
  });
  expect(audit).not.toBeNull();
});

test('sign-in without a username names the missing field', async () => {
  const res = await api().post('/api/auth/login').send({ password: 'x' });
  expect(res.status).toBe(400);
  expect(res.body.error.fields).toEqual([{ field: 'username', reason: 'is required' }]);
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
  expect(res.body.error.message).toContain('CLERK');
  expect(await stack.database.db.directive.count()).toBe(0);
});

test('five wrong passwords lock the username for a while, even for the right password; others sign in', async () => {
  const login = (username: string, password: string) =>
    api().post('/api/auth/login').send({ username, password });
  for (let i = 0; i < 5; i++) expect((await login('czt-head', 'guess')).status).toBe(401);
  const locked = await login('czt-head', 'duban-demo-2017');
  expect(locked.status).toBe(429);
  expect(locked.body.error.message).toMatch(/try again in 15 minute/);
  expect(locked.headers['retry-after']).toBe('900');
  expect((await login('czt-handler', 'duban-demo-2017')).status).toBe(200);

  // Sixteen minutes later the failures have left the window.
  const db = stack.database.db;
  await db.auditEvent.updateMany({
    where: { target: 'czt-head' },
    data: { at: new Date(Date.now() - 16 * 60_000) },
  });
  expect((await login('czt-head', 'duban-demo-2017')).status).toBe(200);
  const trail = await db.auditEvent.findMany({ where: { target: 'czt-head' }, select: { action: true } });
  expect(trail.map((e) => e.action).sort()).toEqual(
    [...Array(5).fill('login-failed'), 'login-locked'].sort(),
  );
});
