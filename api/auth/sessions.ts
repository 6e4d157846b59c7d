/**
 * Sign-in sessions: an opaque bearer token for the client, only its SHA-256 in the database. A
 * session ends at its expiry (SESSION_TTL_HOURS) or after `idleMinutes` unused
 * (SESSION_IDLE_MINUTES), whichever comes first.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../../core/database';
import { isRole, type Role } from '../../core/roles';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  departmentCode: string;
  departmentName: string;
  roles: Role[];
  /** 涉密 clearance: the highest 密级 this person may read (workflows/secrecy.ts). */
  clearance: string;
  /**
   * An administrator created the account or reset its password: until the person chooses his own,
   * every route but the password change, who-am-I and sign-out answers 403 (middleware.ts).
   */
  mustChangePassword: boolean;
  /** Under a 委托 (On-Behalf-Of), the colleague actually acting for this user. */
  delegate?: { id: string; displayName: string };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * How stale `lastSeenAt` may get before a request writes it again: reads then do not each cost
 * a write, and the idle timeout is at most this much late.
 */
export const LAST_SEEN_EVERY_MS = 60_000;

export function createSessionStore(db: Database, ttlHours: number, idleMinutes = 30) {
  const idleMs = idleMinutes * 60_000;
  return {
    async open(userId: string): Promise<{ token: string; expiresAt: Date }> {
      const token = randomBytes(32).toString('base64url');
      const now = Date.now();
      const expiresAt = new Date(now + ttlHours * 3600_000);
      await db.session.create({
        data: { id: randomUUID(), tokenHash: hashToken(token), userId, expiresAt, lastSeenAt: new Date(now) },
      });
      return { token, expiresAt };
    },

    /**
     * The user behind a live token, or undefined for an unknown, expired, idle or revoked one.
     * Using a session keeps it alive (sliding), written at most once a minute.
     */
    async resolve(token: string): Promise<SessionUser | undefined> {
      const session = await db.session.findUnique({
        where: { tokenHash: hashToken(token) },
        include: { user: { include: { roles: true, department: true } } },
      });
      const now = Date.now();
      if (!session || session.revokedAt || session.expiresAt.getTime() <= now || !session.user.active)
        return undefined;
      // Sessions opened before lastSeenAt existed count from their sign-in.
      const lastSeen = (session.lastSeenAt ?? session.createdAt).getTime();
      if (now - lastSeen > idleMs) return undefined;
      if (now - lastSeen >= LAST_SEEN_EVERY_MS) {
        await db.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
      }
      const { user } = session;
      return {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        departmentCode: user.departmentCode,
        departmentName: user.department.name,
        roles: user.roles.map((r) => r.role).filter(isRole),
        clearance: user.clearance,
        mustChangePassword: user.mustChangePassword,
      };
    },

    /**
     * Ends every live session of a person (deactivated, password reset or changed), but the one
     * he is using when he changes it himself.
     */
    async revokeAllOf(userId: string, exceptToken?: string): Promise<number> {
      const { count } = await db.session.updateMany({
        where: {
          userId,
          revokedAt: null,
          ...(exceptToken ? { tokenHash: { not: hashToken(exceptToken) } } : {}),
        },
        data: { revokedAt: new Date() },
      });
      return count;
    },

    async revoke(token: string): Promise<void> {
      await db.session.updateMany({
        where: { tokenHash: hashToken(token), revokedAt: null },
        data: { revokedAt: new Date() },
      });
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
