/**
 * The channels beyond the in-app inbox, configured per deployment (README "Notices by e-mail and
 * webhook"): e-mail over SMTP to the people who chose it, and one signed webhook call per notice.
 * deliverNotice hands them the notice after the inbox rows are written, already redacted where it
 * is about a classified (涉密) document.
 *
 * Retry safety: deliverNotice runs again on every activity retry, and calls every channel again.
 * Each delivery (channel, notice key, recipient) is a NoticeDelivery row: what was SENT is skipped,
 * so one bad address or a webhook outage never re-sends to the others. A refusal that will not
 * change (an SMTP 5xx for the address, a webhook 4xx) is recorded FAILED at once; anything else
 * throws, and the activity retries, until the delivery's attempts are spent: then it is recorded
 * FAILED and the workflow goes on, the notice being in the inbox anyway. A crash between a send and
 * its record sends once more, with the same Message-ID / Duban-Delivery id for the receiver to drop.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { ApplicationFailure } from '@temporalio/common';
import type { NoticeChannelSettings } from '../core/config';
import type { Database } from '../core/database';
import type { NoticeChannel, NoticeRecipientUser, NoticeToDeliver } from './notices';

/** A refusal that a retry will not change: recorded FAILED, not retried. */
class PermanentRefusal extends Error {}

/** The webhook's headers (README): the signature covers `<timestamp>.<body>`. */
export const WEBHOOK_HEADERS = {
  timestamp: 'Duban-Timestamp',
  signature: 'Duban-Signature',
  delivery: 'Duban-Delivery',
} as const;

/** `v1=` + hex HMAC-SHA256 of `<timestamp>.<body>` under the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The delivery record of one channel: runs a send once per notice and recipient. */
function deliveryLog(db: Database, channel: string, maxAttempts: number) {
  /** Sends unless SENT or given up; returns the error to retry on, or null. */
  return async function once(
    noticeKey: string,
    recipient: string,
    send: (deliveryId: string) => Promise<void>,
  ): Promise<Error | null> {
    const key = { channel_noticeKey_recipient: { channel, noticeKey, recipient } };
    const row = await db.noticeDelivery.upsert({
      where: key,
      create: { channel, noticeKey, recipient, deliveryId: randomUUID(), status: 'PENDING' },
      update: {},
    });
    if (row.status !== 'PENDING') return null;
    const { attempts } = await db.noticeDelivery.update({
      where: key,
      data: { attempts: { increment: 1 } },
    });
    try {
      await send(row.deliveryId);
      await db.noticeDelivery.update({
        where: key,
        data: { status: 'SENT', sentAt: new Date(), lastError: null },
      });
      return null;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const givenUp = error instanceof PermanentRefusal || attempts >= maxAttempts;
      await db.noticeDelivery.update({
        where: key,
        data: { status: givenUp ? 'FAILED' : 'PENDING', lastError: error.message.slice(0, 500) },
      });
      return givenUp ? null : error;
    }
  };
}

/** Throws for the activity to retry when some deliveries failed for now. */
function retryUnlessAllDone(channel: string, errors: Error[], total: number): void {
  if (!errors.length) return;
  throw ApplicationFailure.retryable(
    `${channel}: ${errors.length} of ${total} deliveries failed for now: ${errors[0]?.message}`,
    'NoticeChannelUnavailable',
  );
}

export interface EmailChannelSettings {
  smtpUrl: string;
  from: string;
  attempts: number;
}

/**
 * E-mail to each recipient who chose notices by e-mail and gave an address: subject the notice's
 * title, text its body. Short timeouts: a whole notice must fit in the activity's 30 seconds.
 */
export function emailChannel(
  db: Database,
  settings: EmailChannelSettings,
): NoticeChannel & { close(): void } {
  const transport = createTransport(
    { url: settings.smtpUrl, connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 },
    { from: settings.from },
  );
  const once = deliveryLog(db, 'email', settings.attempts);
  return {
    name: 'email',
    async deliver(notice: NoticeToDeliver, recipients: NoticeRecipientUser[]) {
      const people = await db.user.findMany({
        where: {
          id: { in: recipients.map((r) => r.id) },
          active: true,
          noticeByEmail: true,
          email: { not: null },
        },
        select: { id: true, email: true },
        orderBy: { id: 'asc' },
      });
      const errors: Error[] = [];
      for (const person of people) {
        const error = await once(notice.noticeKey, person.id, async (deliveryId) => {
          try {
            await transport.sendMail({
              to: person.email ?? '',
              subject: notice.title,
              text: `${notice.body}\n\n请登录督办系统查看、办理。本邮件由督办系统自动发送，请勿回复。`,
              messageId: `<${deliveryId}@duban>`,
            });
          } catch (err) {
            // 5xx: the server refuses this address or this message for good; a retry changes nothing.
            const { responseCode, code } = err as { responseCode?: number; code?: string };
            // An envelope error without a code: an address nodemailer itself cannot use.
            if (responseCode ? responseCode >= 500 : code === 'EENVELOPE')
              throw new PermanentRefusal(err instanceof Error ? err.message : String(err));
            throw err;
          }
        });
        if (error) errors.push(error);
      }
      retryUnlessAllDone('email', errors, people.length);
    },
    close: () => transport.close(),
  };
}

export interface WebhookChannelSettings {
  url: string;
  secret: string;
  attempts: number;
  /** The signature's clock (seconds are sent); the machine's by default. */
  now?: () => number;
}

/**
 * One POST per notice key to the configured URL, JSON, signed (README): the receiver checks the
 * signature and the timestamp's age, and drops a Duban-Delivery id it has seen.
 */
export function webhookChannel(db: Database, settings: WebhookChannelSettings): NoticeChannel {
  const once = deliveryLog(db, 'webhook', settings.attempts);
  const now = settings.now ?? Date.now;
  return {
    name: 'webhook',
    async deliver(notice: NoticeToDeliver, recipients: NoticeRecipientUser[]) {
      if (!recipients.length) return;
      const error = await once(notice.noticeKey, '*', async (deliveryId) => {
        const body = JSON.stringify({
          id: deliveryId,
          noticeKey: notice.noticeKey,
          kind: notice.kind,
          title: notice.title,
          body: notice.body,
          at: notice.at,
          receiptNumber: notice.receiptNumber ?? null,
          breachRecordId: notice.breachRecordId ?? null,
          departmentCode: notice.departmentCode ?? null,
          recipients: recipients.map((r) => ({ id: r.id, displayName: r.displayName })),
        });
        // Signed when sent, not when the workflow decided: the receiver's window is about transit.
        const timestamp = String(Math.floor(now() / 1000));
        const res = await fetch(settings.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            [WEBHOOK_HEADERS.timestamp]: timestamp,
            [WEBHOOK_HEADERS.signature]: signWebhook(settings.secret, timestamp, body),
            [WEBHOOK_HEADERS.delivery]: deliveryId,
          },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(10_000),
        });
        const answer = (await res.text().catch(() => '')).slice(0, 200);
        if (res.ok) return;
        const detail = `webhook answered ${res.status}${answer ? `: ${answer}` : ''}`;
        // A 4xx (bad signature, unknown route) stays so until someone changes the configuration;
        // a timeout, too-many-requests or a 5xx may pass.
        if (res.status >= 400 && res.status < 500 && ![408, 425, 429].includes(res.status))
          throw new PermanentRefusal(detail);
        throw new Error(detail);
      });
      retryUnlessAllDone('webhook', error ? [error] : [], 1);
    },
  };
}

/** The channels this deployment configured (core/config.ts), for the worker. */
export function createNoticeChannels(db: Database, settings: NoticeChannelSettings): NoticeChannel[] {
  return [
    ...(settings.email ? [emailChannel(db, { ...settings.email, attempts: settings.attempts })] : []),
    ...(settings.webhook ? [webhookChannel(db, { ...settings.webhook, attempts: settings.attempts })] : []),
  ];
}
