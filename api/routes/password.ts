/**
 * 修改密码: a person changes his own password, knowing the current one. It is also how an account
 * an administrator created or reset (mustChangePassword) becomes usable: until then this route,
 * who-am-I and sign-out are all it may call (auth/middleware.ts). The person's other sessions end;
 * the one he changed it in goes on.
 */
import { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import { currentUser } from '../auth/middleware';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import type { SessionStore } from '../auth/sessions';
import { HttpError, invalidInput } from '../errors';
import { operation } from '../openapi';
import { parseRequest, requestSchema } from '../parse';

const passwordField = (label: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${label}为必填项` : `${label}须为文字`) })
    .min(1, `${label}为必填项`)
    .max(1024, `${label}至多 1024 个字符`);
const changeRequest = requestSchema({
  body: z
    .object({ currentPassword: passwordField('当前密码'), newPassword: passwordField('新密码') })
    .strict(),
});

const change = operation({
  summary: '修改密码: change one’s own password (required after an administrator set it)',
  description:
    'At least 10 characters with letters and digits, not the username, not the demo password, not the current one. Audited as `password.change` (a wrong current password as `password.change-failed`); the person’s other sessions end.',
  request: changeRequest,
  responses: { 200: '`{user}`: the person, no longer required to change it' },
});

export function passwordRouter(db: Database, sessions: SessionStore): Router {
  const router = Router();
  router.post('/api/auth/password', change, async (req, res) => {
    const { body } = parseRequest(changeRequest, req);
    const me = currentUser(req);
    // Under a 委托 the colleague acts for the office, never on the other's account.
    if (me.delegate) throw new HttpError(403, 'not_delegated', '委托办理时不能修改被委托人的密码');
    const account = await db.user.findUniqueOrThrow({ where: { id: me.id } });
    if (!(await verifyPassword(account.passwordHash, body.currentPassword))) {
      await appendAudit(db, { actorId: me.id, action: 'password.change-failed', target: me.id });
      throw invalidInput([{ field: 'currentPassword', reason: '当前密码不正确' }]);
    }
    const problem =
      passwordProblem(body.newPassword, me.username) ??
      ((await verifyPassword(account.passwordHash, body.newPassword))
        ? '新密码不能与当前密码相同'
        : undefined);
    if (problem) throw invalidInput([{ field: 'newPassword', reason: problem }]);
    const passwordHash = await hashPassword(body.newPassword);
    await db.$transaction(async (tx) => {
      await appendAudit(tx, {
        actorId: me.id,
        action: 'password.change',
        target: me.id,
        detail: account.mustChangePassword ? 'initial password replaced' : undefined,
      });
      await tx.user.update({ where: { id: me.id }, data: { passwordHash, mustChangePassword: false } });
    });
    await sessions.revokeAllOf(me.id, req.sessionToken);
    res.json({ user: { ...me, mustChangePassword: false } });
  });
  return router;
}
