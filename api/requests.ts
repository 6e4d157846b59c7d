/** Small readers shared by the routers: who is acting, and which retry key. */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { ActingUser, Actor } from '../workflows/types';
import { currentUser } from './auth/middleware';
import { invalidInput } from './errors';

/** Now, as the API tells dates (China Standard Time days derive from it). */
export type Clock = () => Promise<number>;

/** The signed-in user as workflows see them: the validators re-check role and department. */
export function actingUser(req: Request): ActingUser {
  const user = currentUser(req);
  const { userId, displayName, delegate } = signingActor(req);
  return { userId, displayName, roles: user.roles, departmentCode: user.departmentCode, delegate };
}

/** Who signs a step: the signed-in person and, under a 委托, the colleague acting for them. */
export function signingActor(req: Request): Actor & { delegate?: Actor } {
  const user = currentUser(req);
  const actor = { userId: user.id, displayName: user.displayName };
  return user.delegate
    ? { ...actor, delegate: { userId: user.delegate.id, displayName: user.delegate.displayName } }
    : actor;
}

/**
 * An Idempotency-Key header makes a retried request return the first answer instead of acting twice
 * (Temporal deduplicates updates by id). Without one, each request is new.
 */
export function updateIdOf(req: Request, step: string): string {
  const key = req.get('idempotency-key');
  if (key === undefined) return randomUUID();
  if (!/^[A-Za-z0-9_-]{8,100}$/.test(key)) {
    throw invalidInput([
      { field: 'Idempotency-Key', reason: 'Idempotency-Key 须为 8 至 100 个字母、数字、- 或 _' },
    ]);
  }
  // Scoped to the person: someone else's key can never return their answer.
  return `${step}-${currentUser(req).id}-${key}`;
}
