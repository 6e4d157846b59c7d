/** Every route but /health and sign-in passes through authenticate(); role checks come after it. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../../core/roles';
import { HttpError } from '../errors';
import type { SessionStore, SessionUser } from './sessions';

export const SESSION_COOKIE = 'duban_session';

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser;
    sessionToken?: string;
  }
}

function tokenOf(req: Request): string | undefined {
  const auth = req.get('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const cookies = req.get('cookie') ?? '';
  const m = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookies);
  return m?.[1];
}

export function authenticate(sessions: SessionStore): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = tokenOf(req);
    const user = token ? await sessions.resolve(token) : undefined;
    if (!user) throw new HttpError(401, 'unauthenticated', 'sign in first: no valid session');
    req.user = user;
    req.sessionToken = token;
    next();
  };
}

/** The signed-in user; only valid behind authenticate(). */
export function currentUser(req: Request): SessionUser {
  if (!req.user) throw new HttpError(401, 'unauthenticated', 'sign in first: no valid session');
  return req.user;
}

export function requireRole(...allowed: Role[]): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req);
    if (!user.roles.some((r) => allowed.includes(r))) {
      throw new HttpError(403, 'forbidden', `this action needs one of the roles ${allowed.join(', ')}`);
    }
    next();
  };
}
