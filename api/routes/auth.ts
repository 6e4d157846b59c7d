/** Sign-in (登录) and sign-out; every attempt is audited. */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import { DEMO_PASSWORD, DUMMY_HASH, verifyPassword } from '../auth/passwords';
import { SESSION_COOKIE, crossOriginWrite, currentUser } from '../auth/middleware';
import type { SessionStore } from '../auth/sessions';
import { createLoginThrottle, type LoginThrottle } from '../auth/throttle';
import { HttpError } from '../errors';
import { operation } from '../openapi';
import { parseRequest, requestSchema } from '../parse';
import * as say from '../../workflows/wording';
import type { Clock } from '../requests';
import { chinaDate } from '../../workflows/incoming-document';

const loginRequest = requestSchema({
  body: z.object({
    username: z
      .string({ error: (i) => (i.input === undefined ? say.required('用户名') : say.mustBeText('用户名')) })
      .trim()
      .min(1, say.required('用户名'))
      .max(64, say.tooLong('用户名', 64)),
    // Argon2 hashes whatever it gets: a bound keeps one request from costing much.
    password: z
      .string({ error: (i) => (i.input === undefined ? say.required('密码') : say.mustBeText('密码')) })
      .min(1, say.required('密码'))
      .max(1024, say.tooLong('密码', 1024)),
  }),
});

const NOTHING = requestSchema({});

const signIn = operation({
  summary: '登录: sign in',
  description:
    'Answers the session token and sets it as an HttpOnly cookie. Failed sign-ins are throttled per username and address.',
  request: loginRequest,
  responses: { 200: '`{token, expiresAt, user}`' },
  errors: [401, 403, 429],
});
const whoAmI = operation({
  summary: 'Who am I',
  request: NOTHING,
  responses: { 200: '`{user, deployment, today}`: today by the application clock, YYYY-MM-DD' },
});
const signOut = operation({
  summary: 'Sign out: end this session',
  request: NOTHING,
  responses: { 204: 'Signed out' },
});

/** The session cookie; `Secure` whenever the request came over TLS (directly or via a trusted proxy). */
const cookieOptions = (req: Request) =>
  ({ httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' }) as const;

export function loginRouter(
  db: Database,
  sessions: SessionStore,
  throttle: LoginThrottle = createLoginThrottle(),
  /** DUBAN_PRODUCTION: the demo password, public in the README, never signs anyone in. */
  deployment: { production?: boolean } = {},
): Router {
  const router = Router();

  router.post('/api/auth/login', signIn, async (req: Request, res: Response) => {
    // A sign-in posted by another site's page would sign the browser into someone else's account.
    if (crossOriginWrite(req)) throw new HttpError(403, 'cross_origin', '请从本系统的登录页登录');
    const { username: name, password } = parseRequest(loginRequest, req).body;
    const address = req.ip ?? 'unknown';
    const target = name.slice(0, 64);

    const throttled = await throttle.attempt(name, address);
    if (throttled) {
      await appendAudit(db, {
        action: 'login-locked',
        target,
        detail: `${address}; too many failures per ${throttled.scope}`,
      });
      const minutes = Math.max(1, Math.ceil(throttled.retryAfterMs / 60_000));
      res.set('Retry-After', String(Math.max(1, Math.ceil(throttled.retryAfterMs / 1000))));
      const from = throttled.scope === 'address' ? '本地址' : `本地址以用户名 ${name} `;
      throw new HttpError(
        429,
        'locked',
        `${from}登录失败次数过多：请 ${minutes} 分钟后再试，或请系统管理员解锁`,
      );
    }
    if (deployment.production && password === DEMO_PASSWORD) {
      await appendAudit(db, { action: 'login-failed', target, detail: `${address}; demo password` });
      throw new HttpError(
        401,
        'demo_password',
        '生产环境不接受演示密码：请使用管理员给您的初始密码，或请管理员重置密码',
      );
    }
    const user = await db.user.findUnique({ where: { username: name } });
    // Always verify against some hash, so timing does not tell which usernames exist.
    const ok = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH), password);
    if (!user || !ok || !user.active) {
      await appendAudit(db, { action: 'login-failed', target, detail: address });
      throw new HttpError(401, 'bad_credentials', '用户名或密码不正确');
    }
    await throttle.succeeded(name, address);
    const { token, expiresAt } = await sessions.open(user.id);
    await appendAudit(db, { actorId: user.id, action: 'login', detail: address });
    res.cookie(SESSION_COOKIE, token, { ...cookieOptions(req), expires: expiresAt });
    res.json({ token, expiresAt: expiresAt.toISOString(), user: await sessions.resolve(token) });
  });
  return router;
}

export function sessionRouter(
  db: Database,
  sessions: SessionStore,
  deployment: { classifiedAccredited: boolean },
  clock: Clock,
): Router {
  const router = Router();
  // The person, what this deployment allows them (the forms offer only that), and today by the
  // application's clock (the forms' default dates), not the browser's.
  router.get('/api/auth/me', whoAmI, async (req, res) => {
    parseRequest(NOTHING, req);
    res.json({ user: currentUser(req), deployment, today: chinaDate(await clock()) });
  });
  router.post('/api/auth/logout', signOut, async (req, res) => {
    parseRequest(NOTHING, req);
    const user = currentUser(req);
    if (req.sessionToken) await sessions.revoke(req.sessionToken);
    await appendAudit(db, { actorId: user.id, action: 'logout' });
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.status(204).end();
  });
  return router;
}
