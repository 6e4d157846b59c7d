/** Sign-in sessions: an opaque bearer token for the client, only its SHA-256 in the database. */
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
  /** Under a 委托 (On-Behalf-Of), the colleague actually acting for this user. */
  delegate?: { id: string; displayName: string };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createSessionStore(db: Database, ttlHours: number) {
  return {
    async open(userId: string): Promise<{ token: string; expiresAt: Date }> {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
      await db.session.create({ data: { id: randomUUID(), tokenHash: hashToken(token), userId, expiresAt } });
      return { token, expiresAt };
    },

    /** The user behind a live token, or undefined for an unknown, expired or revoked one. */
    async resolve(token: string): Promise<SessionUser | undefined> {
      const session = await db.session.findUnique({
        where: { tokenHash: hashToken(token) },
        include: { user: { include: { roles: true, department: true } } },
      });
      if (!session || session.revokedAt || session.expiresAt <= new Date() || !session.user.active)
        return undefined;
      const { user } = session;
      return {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        departmentCode: user.departmentCode,
        departmentName: user.department.name,
        roles: user.roles.map((r) => r.role).filter(isRole),
      };
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
