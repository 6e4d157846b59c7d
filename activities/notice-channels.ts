/**
 * The channels beyond the in-app inbox, configured per deployment (README "Notices by e-mail and
 * webhook"): e-mail over SMTP to the people who chose it, and one signed webhook call per notice.
 *
 * An outbox. deliverNotice asks each channel what a notice means for it (deliveriesFor: one per
 * recipient, `*` for a webhook's one call) and writes those NoticeDelivery rows, PENDING, with what
 * to send, in the transaction that writes the inbox; it contacts no channel, so a step never waits
 * for a mail server. The notice-outbox workflow (workflows/notice-outbox.ts) runs
 * drainNoticeOutbox, which sends what is due: each row is claimed first (claimedUntil), so two
 * drains never send one row, and then recorded SENT, FAILED (a refusal that will not change: an
 * SMTP 5xx for the address, a webhook 4xx; or its attempts spent), or left PENDING with the next
 * attempt later (nextAttemptAt, backoff). Only a crash, or a send that outlives its timeout,
 * between a send and its record sends once more: with the same Message-ID / Duban-Delivery id for
 * the receiver to drop.
 */
import { createHmac } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { Context } from '@temporalio/activity';
import type { NoticeChannelSettings } from '../core/config';
import type { Database } from '../core/database';
import type { NoticeChannel, NoticeRecipientUser, NoticeToDeliver, QueuedDelivery } from './notices';

/** A refusal that a retry will not change: recorded FAILED, not retried. */
export class PermanentRefusal extends Error {}

/** A send that did not finish in time: it may still arrive, so its retry waits longer. */
class SendTimeout extends Error {}

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

export interface EmailChannelSettings {
  smtpUrl: string;
  from: string;
  attempts: number;
}

interface EmailPayload {
  to: string;
  subject: string;
  text: string;
}

/**
 * E-mail to each recipient who chose notices by e-mail and gave an address (as they were when the
 * notice was queued): subject the notice's title, text its body.
 */
export function emailChannel(
  db: Database,
  settings: EmailChannelSettings,
): NoticeChannel & { close(): void } {
  const transport = createTransport(
    { url: settings.smtpUrl, connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 },
    { from: settings.from },
  );
  return {
    name: 'email',
    attempts: settings.attempts,
    async deliveriesFor(notice: NoticeToDeliver, recipients: NoticeRecipientUser[]) {
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
      return people.map((person) => ({
        recipient: person.id,
        payload: JSON.stringify({
          to: person.email ?? '',
          subject: notice.title,
          text: `${notice.body}\n\n请登录督办系统查看、办理。本邮件由督办系统自动发送，请勿回复。`,
        } satisfies EmailPayload),
      }));
    },
    async send(delivery: QueuedDelivery) {
      const mail = JSON.parse(delivery.payload) as EmailPayload;
      try {
        await transport.sendMail({ ...mail, messageId: `<${delivery.deliveryId}@duban>` });
      } catch (err) {
        // 5xx: the server refuses this address or this message for good; a retry changes nothing.
        const { responseCode, code } = err as { responseCode?: number; code?: string };
        // An envelope error without a code: an address nodemailer itself cannot use.
        if (responseCode ? responseCode >= 500 : code === 'EENVELOPE')
          throw new PermanentRefusal(err instanceof Error ? err.message : String(err));
        throw err;
      }
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
export function webhookChannel(_db: Database, settings: WebhookChannelSettings): NoticeChannel {
  const now = settings.now ?? Date.now;
  return {
    name: 'webhook',
    attempts: settings.attempts,
    // eslint-disable-next-line @typescript-eslint/require-await
    async deliveriesFor(notice: NoticeToDeliver, recipients: NoticeRecipientUser[]) {
      if (!recipients.length) return [];
      const content = {
        noticeKey: notice.noticeKey,
        kind: notice.kind,
        title: notice.title,
        body: notice.body,
        at: notice.at,
        receiptNumber: notice.receiptNumber ?? null,
        breachRecordId: notice.breachRecordId ?? null,
        departmentCode: notice.departmentCode ?? null,
        recipients: recipients.map((r) => ({ id: r.id, displayName: r.displayName })),
      };
      return [{ recipient: '*', payload: JSON.stringify(content) }];
    },
    async send(delivery: QueuedDelivery) {
      const content = JSON.parse(delivery.payload) as Record<string, unknown>;
      const body = JSON.stringify({ id: delivery.deliveryId, ...content });
      // Signed when sent, not when queued: the receiver's window is about transit.
      const timestamp = String(Math.floor(now() / 1000));
      const res = await fetch(settings.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: signWebhook(settings.secret, timestamp, body),
          [WEBHOOK_HEADERS.delivery]: delivery.deliveryId,
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

/** 10 s after the first failed attempt, doubling, at most 10 minutes apart. */
export function retryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
}

export interface NoticeOutboxOptions {
  /** The outbox's clock (nextAttemptAt, claimedUntil); the machine's by default. */
  now?: () => number;
  /** Deliveries sent by one drain at most. */
  batchSize?: number;
  /** How long one send may take before it is counted failed for now. */
  sendTimeoutMs?: number;
}

export interface DrainResult {
  sent: number;
  failed: number;
  retrying: number;
  /** The batch was full: drain again at once. */
  more: boolean;
  /** Until the earliest PENDING delivery is due (0: now); null when none is pending. */
  nextDueInMs: number | null;
}

/** Tells Temporal the drain is alive; a no-op outside an activity (tests call it directly). */
function heartbeat(details: unknown): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.heartbeat(details);
}

function withTimeout(send: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SendTimeout(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([send, timeout]).finally(() => clearTimeout(timer));
}

/** The outbox's sender: drainNoticeOutbox, run by the notice-outbox workflow. */
export function createNoticeOutboxActivities(
  db: Database,
  channels: NoticeChannel[] = [],
  opts: NoticeOutboxOptions = {},
) {
  const now = opts.now ?? Date.now;
  const batchSize = opts.batchSize ?? 20;
  const sendTimeoutMs = opts.sendTimeoutMs ?? 30_000;
  // A claim outlives the send's timeout, so a slow send is never run twice at once.
  const claimMs = sendTimeoutMs + 60_000;
  const byName = new Map(channels.map((c) => [c.name, c]));
  const names = [...byName.keys()];

  return {
    /**
     * Sends the PENDING deliveries that are due, at most one batch, and records each. Safe to run
     * twice at once (a timed-out attempt beside its retry): a row is claimed before it is sent.
     */
    async drainNoticeOutbox(): Promise<DrainResult> {
      const result: DrainResult = { sent: 0, failed: 0, retrying: 0, more: false, nextDueInMs: null };
      if (!names.length) return result;
      const free = (at: Date) => ({ OR: [{ claimedUntil: null }, { claimedUntil: { lte: at } }] });
      const start = new Date(now());
      const due = await db.noticeDelivery.findMany({
        where: {
          status: 'PENDING',
          channel: { in: names },
          AND: [{ OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: start } }] }, free(start)],
        },
        orderBy: [{ nextAttemptAt: 'asc' }, { updatedAt: 'asc' }],
        take: batchSize,
      });
      result.more = due.length === batchSize;

      for (const row of due) {
        const key = {
          channel_noticeKey_recipient: {
            channel: row.channel,
            noticeKey: row.noticeKey,
            recipient: row.recipient,
          },
        };
        heartbeat({ deliveryId: row.deliveryId });
        const at = new Date(now());
        const claimed = await db.noticeDelivery.updateMany({
          where: { ...key.channel_noticeKey_recipient, status: 'PENDING', ...free(at) },
          data: { claimedUntil: new Date(at.getTime() + claimMs), attempts: { increment: 1 } },
        });
        if (claimed.count !== 1) continue; // another drain has it
        const attempts = row.attempts + 1;
        const channel = byName.get(row.channel)!;
        try {
          if (row.payload === null)
            throw new PermanentRefusal('queued without its content (before the outbox)');
          await withTimeout(
            channel.send({ deliveryId: row.deliveryId, recipient: row.recipient, payload: row.payload }),
            sendTimeoutMs,
          );
          await db.noticeDelivery.update({
            where: key,
            data: {
              status: 'SENT',
              sentAt: new Date(now()),
              lastError: null,
              claimedUntil: null,
              nextAttemptAt: null,
            },
          });
          result.sent++;
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          const givenUp = error instanceof PermanentRefusal || attempts >= channel.attempts;
          // A timed-out send may still arrive: its retry waits at least as long as a claim.
          const delay = Math.max(retryDelayMs(attempts), error instanceof SendTimeout ? claimMs : 0);
          await db.noticeDelivery.update({
            where: key,
            data: {
              status: givenUp ? 'FAILED' : 'PENDING',
              lastError: error.message.slice(0, 500),
              claimedUntil: null,
              nextAttemptAt: givenUp ? null : new Date(now() + delay),
            },
          });
          if (givenUp) result.failed++;
          else result.retrying++;
        }
      }

      const pending = await db.noticeDelivery.findMany({
        where: { status: 'PENDING', channel: { in: names } },
        select: { nextAttemptAt: true, claimedUntil: true },
        orderBy: { nextAttemptAt: 'asc' },
        take: 50,
      });
      const end = now();
      for (const p of pending) {
        const dueAt = Math.max(p.nextAttemptAt?.getTime() ?? end, p.claimedUntil?.getTime() ?? end);
        const inMs = Math.max(0, dueAt - end);
        result.nextDueInMs = result.nextDueInMs === null ? inMs : Math.min(result.nextDueInMs, inMs);
      }
      return result;
    },
  };
}
