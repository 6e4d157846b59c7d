/** Sign-in (登录) and sign-out; every attempt is audited. */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/database';
import { DUMMY_HASH, verifyPassword } from '../auth/passwords';
import { SESSION_COOKIE, crossOriginWrite, currentUser } from '../auth/middleware';
import type { SessionStore } from '../auth/sessions';
import { createLoginThrottle, type LoginThrottle } from '../auth/throttle';
import { HttpError } from '../errors';
import { parseRequest, requestSchema } from '../parse';

const loginRequest = requestSchema({
  body: z.object({
    username: z.string().trim().min(1, 'is required').max(64, 'is at most 64 characters'),
    // Argon2 hashes whatever it gets: a bound keeps one request from costing much.
    password: z.string().min(1, 'is required').max(1024, 'is at most 1024 characters'),
  }),
});

/** The session cookie; `Secure` whenever the request came over TLS (directly or via a trusted proxy). */
const cookieOptions = (req: Request) =>
  ({ httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' }) as const;

export function loginRouter(
  db: Database,
  sessions: SessionStore,
  throttle: LoginThrottle = createLoginThrottle(),
): Router {
  const router = Router();

  router.post('/api/auth/login', async (req: Request, res: Response) => {
    // A sign-in posted by another site's page would sign the browser into someone else's account.
    if (crossOriginWrite(req)) throw new HttpError(403, 'cross_origin', 'sign in from this site');
    const { username: name, password } = parseRequest(loginRequest, req).body;
    const address = req.ip ?? 'unknown';
    const target = name.slice(0, 64);

    const throttled = await throttle.attempt(name, address);
    if (throttled) {
      await db.auditEvent.create({
        data: {
          action: 'login-locked',
          target,
          detail: `${address}; too many failures per ${throttled.scope}`,
        },
      });
      const minutes = Math.max(1, Math.ceil(throttled.retryAfterMs / 60_000));
      res.set('Retry-After', String(Math.max(1, Math.ceil(throttled.retryAfterMs / 1000))));
      const from = throttled.scope === 'address' ? 'from this address' : `for ${name} from this address`;
      throw new HttpError(
        429,
        'locked',
        `too many failed sign-ins ${from}; try again in ${minutes} minute(s) or ask an administrator`,
      );
    }
    const user = await db.user.findUnique({ where: { username: name } });
    // Always verify against some hash, so timing does not tell which usernames exist.
    const ok = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH), password);
    if (!user || !ok || !user.active) {
      await db.auditEvent.create({ data: { action: 'login-failed', target, detail: address } });
      throw new HttpError(401, 'bad_credentials', 'wrong username or password');
    }
    await throttle.succeeded(name, address);
    const { token, expiresAt } = await sessions.open(user.id);
    await db.auditEvent.create({ data: { actorId: user.id, action: 'login', detail: address } });
    res.cookie(SESSION_COOKIE, token, { ...cookieOptions(req), expires: expiresAt });
    res.json({ token, expiresAt: expiresAt.toISOString(), user: await sessions.resolve(token) });
  });
  return router;
}

export function sessionRouter(db: Database, sessions: SessionStore): Router {
  const router = Router();
  router.get('/api/auth/me', (req, res) => {
    res.json({ user: currentUser(req) });
  });
  router.post('/api/auth/logout', async (req, res) => {
    const user = currentUser(req);
    if (req.sessionToken) await sessions.revoke(req.sessionToken);
    await db.auditEvent.create({ data: { actorId: user.id, action: 'logout' } });
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.status(204).end();
  });
  return router;
}
