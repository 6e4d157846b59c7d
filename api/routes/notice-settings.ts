/**
 * 个人设置: how a person is told that something awaits him. Every notice is in his in-app inbox;
 * he may also have it by e-mail, at the address he gives, where the deployment sends e-mail
 * (SMTP_URL). His own choice: mounted before 委托 (api/app.ts), so On-Behalf-Of never reaches another's.
 */
import { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import { currentUser } from '../auth/middleware';
import { operation } from '../openapi';
import { parseRequest, requestSchema } from '../parse';

const settingsForm = z
  .object({
    email: z
      .email({ error: '邮箱地址格式不正确，例如 zhangsan@gd.gov.cn' })
      .max(254, { error: '邮箱地址最长 254 个字符' })
      .nullable(),
    noticeByEmail: z.boolean({ error: '请选择：仅站内提醒（false）或同时发送邮件（true）' }),
  })
  .strict()
  .refine((s) => !s.noticeByEmail || s.email, {
    path: ['email'],
    error: '选择邮件提醒时须填写邮箱地址',
  });

const readRequest = requestSchema({});
const setRequest = requestSchema({ body: settingsForm });

const read = operation({
  summary: '个人设置: my notice preference (in-app only, or also by e-mail) and my e-mail address',
  description: '`emailAvailable` says whether this deployment sends e-mail at all (SMTP_URL).',
  request: readRequest,
  responses: { 200: '`{email, noticeByEmail, emailAvailable}`' },
});
const set = operation({
  summary: '个人设置: choose in-app only, or also by e-mail, and the address',
  description:
    'Every notice stays in the in-app inbox; with `noticeByEmail` it is also e-mailed to `email` ' +
    '(required then). Recorded on the audit trail (`notice-settings.set`).',
  request: setRequest,
  responses: { 200: '`{email, noticeByEmail, emailAvailable}`' },
});

export function noticeSettingsRouter(db: Database, deployment: { emailAvailable: boolean }): Router {
  const router = Router();
  const shown = (u: { email: string | null; noticeByEmail: boolean }) => ({
    email: u.email,
    noticeByEmail: u.noticeByEmail,
    emailAvailable: deployment.emailAvailable,
  });

  router.get('/api/me/notice-settings', read, async (req, res) => {
    parseRequest(readRequest, req);
    const user = currentUser(req);
    res.set('Cache-Control', 'no-store');
    res.json(shown(await db.user.findUniqueOrThrow({ where: { id: user.id } })));
  });

  router.put('/api/me/notice-settings', set, async (req, res) => {
    const { body } = parseRequest(setRequest, req);
    const user = currentUser(req);
    const saved = await db.$transaction(async (tx) => {
      const before = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
      // First write in the transaction: the audit entry takes the write lock (core/audit.ts).
      await appendAudit(tx, {
        actorId: user.id,
        action: 'notice-settings.set',
        target: user.id,
        before: JSON.stringify({ email: before.email, noticeByEmail: before.noticeByEmail }),
        after: JSON.stringify({ email: body.email, noticeByEmail: body.noticeByEmail }),
      });
      return tx.user.update({
        where: { id: user.id },
        data: { email: body.email, noticeByEmail: body.noticeByEmail },
      });
    });
    res.set('Cache-Control', 'no-store');
    res.json(shown(saved));
  });

  return router;
}
