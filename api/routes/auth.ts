/** Sign-in (登录) and sign-out; every attempt is audited. */
import { Router } from 'express';
import type { Database } from '../../core/database';
import { DUMMY_HASH, verifyPassword } from '../auth/passwords';
import { SESSION_COOKIE, currentUser } from '../auth/middleware';
import type { SessionStore } from '../auth/sessions';
import { HttpError, invalidInput } from '../errors';
import type { FieldProblem } from '../../workflows/incoming-document';

/** After this many failed sign-ins for one username within the window, it is locked for the window. */
export const LOGIN_LOCKOUT = { failures: 5, windowMinutes: 15 };

export function loginRouter(db: Database, sessions: SessionStore): Router {
  const router = Router();

  /** Failed sign-ins are in the audit trail already; counting them there survives restarts. */
  async function lockedUntil(username: string): Promise<Date | undefined> {
    const since = new Date(Date.now() - LOGIN_LOCKOUT.windowMinutes * 60_000);
    const failures = await db.auditEvent.findMany({
      where: { action: 'login-failed', target: username.slice(0, 64), at: { gte: since } },
      orderBy: { at: 'desc' },
      take: LOGIN_LOCKOUT.failures,
      select: { at: true },
    });
    if (failures.length < LOGIN_LOCKOUT.failures) return undefined;
    // Locked until the oldest of the last N failures leaves the window.
    return new Date(failures.at(-1)!.at.getTime() + LOGIN_LOCKOUT.windowMinutes * 60_000);
  }

  router.post('/api/auth/login', async (req, res) => {
    const { username, password } = (req.body ?? {}) as Record<string, unknown>;
    const problems: FieldProblem[] = [];
    if (typeof username !== 'string' || !username.trim())
      problems.push({ field: 'username', reason: 'is required' });
    if (typeof password !== 'string' || !password)
      problems.push({ field: 'password', reason: 'is required' });
    if (problems.length) throw invalidInput(problems);

    const name = (username as string).trim();
    const locked = await lockedUntil(name);
    if (locked) {
      await db.auditEvent.create({
        data: { action: 'login-locked', target: name.slice(0, 64), detail: req.ip },
      });
      const minutes = Math.max(1, Math.ceil((locked.getTime() - Date.now()) / 60_000));
      res.set('Retry-After', String(minutes * 60));
      throw new HttpError(
        429,
        'locked',
        `too many failed sign-ins for ${name}; try again in ${minutes} minute(s) or ask an administrator`,
      );
    }
    const user = await db.user.findUnique({ where: { username: name } });
    // Always verify against some hash, so timing does not tell which usernames exist.
    const ok = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH), password as string);
    if (!user || !ok || !user.active) {
      await db.auditEvent.create({
        data: { action: 'login-failed', target: name.slice(0, 64), detail: req.ip },
      });
      throw new HttpError(401, 'bad_credentials', 'wrong username or password');
    }
    const { token, expiresAt } = await sessions.open(user.id);
    await db.auditEvent.create({ data: { actorId: user.id, action: 'login', detail: req.ip } });
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', expires: expiresAt, path: '/' });
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
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  return router;
}
