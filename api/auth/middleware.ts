/** Every route but /health and sign-in passes through authenticate(); role checks come after it. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../../core/roles';
import { rolesNeeded } from '../../workflows/wording';
import { HttpError } from '../errors';
import { authenticating, forRoles } from '../openapi';
import type { SessionStore, SessionUser } from './sessions';

export const SESSION_COOKIE = 'duban_session';

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser;
    sessionToken?: string;
  }
}

/** The session token and where it came from: an Authorization header, or the browser's cookie. */
function tokenOf(req: Request): { token: string; by: 'bearer' | 'cookie' } | undefined {
  const auth = req.get('authorization');
  if (auth?.startsWith('Bearer ')) return { token: auth.slice('Bearer '.length).trim(), by: 'bearer' };
  const cookies = req.get('cookie') ?? '';
  const m = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookies);
  return m?.[1] ? { token: m[1], by: 'cookie' } : undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser sends the cookie with whatever page makes the request; for a write it also names
 * that page's origin. A write carried by the cookie from another origin is refused (CSRF),
 * besides the cookie being SameSite=Strict. Bearer-token clients choose what they send, so they
 * are not asked.
 */
export function crossOriginWrite(req: Request): boolean {
  const origin = req.get('origin');
  if (SAFE_METHODS.has(req.method) || origin === undefined) return false;
  try {
    const from = new URL(origin);
    // req.host is the Host header, or X-Forwarded-Host from a trusted proxy; read under the
    // origin's scheme so that a default port (:443) written out or not compares equal.
    return from.host !== new URL(`${from.protocol}//${req.host}`).host;
  } catch {
    return true; // "null" (a sandboxed frame, a file) or garbage: not this site
  }
}

/** What a person whose password an administrator set may still do: change it, see who he is, leave. */
const PASSWORD_CHANGE_ROUTES = new Set([
  'POST /api/auth/password',
  'GET /api/auth/me',
  'POST /api/auth/logout',
]);

export function authenticate(sessions: SessionStore): RequestHandler {
  return authenticating(async (req: Request, _res: Response, next: NextFunction) => {
    const found = tokenOf(req);
    const user = found ? await sessions.resolve(found.token) : undefined;
    if (!user) throw new HttpError(401, 'unauthenticated', '请先登录：会话无效或已过期');
    if (found?.by === 'cookie' && crossOriginWrite(req)) {
      throw new HttpError(403, 'cross_origin', '已登录的更改须从本系统页面提交');
    }
    if (user.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(`${req.method} ${req.path}`)) {
      throw new HttpError(
        403,
        'password_change_required',
        '管理员已为您设置初始密码或重置了密码：请先修改密码，再办理其他事项',
      );
    }
    req.user = user;
    req.sessionToken = found?.token;
    next();
  });
}

/** The signed-in user; only valid behind authenticate(). */
export function currentUser(req: Request): SessionUser {
  if (!req.user) throw new HttpError(401, 'unauthenticated', '请先登录：会话无效或已过期');
  return req.user;
}

export function requireRole(...allowed: Role[]): RequestHandler {
  const check: RequestHandler = (req, _res, next) => {
    const user = currentUser(req);
    if (!user.roles.some((r) => allowed.includes(r))) {
      throw new HttpError(403, 'forbidden', rolesNeeded('此操作', allowed));
    }
    next();
  };
  return forRoles(check, allowed); // the OpenAPI document names them
}
