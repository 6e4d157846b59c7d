/**
 * Notices by e-mail and webhook through the outbox: deliverNotice queues the deliveries with the
 * inbox rows and contacts nobody; drainNoticeOutbox sends them to a real SMTP server and a real
 * HTTP receiver in this process. Activities run at least once: each case runs them again, as
 * Temporal would on a retry, and nobody is sent a notice twice.
 */
import { emailChannel, webhookChannel, createNoticeOutboxActivities } from '../../activities/notice-channels';
import {
  createNoticeActivities,
  withdrawNotices,
  type NoticeChannel,
  type NoticeToDeliver,
} from '../../activities/notices';
import { ConfigError, loadConfig } from '../../core/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startSmtpSink, startWebhookReceiver } from '../helpers/notice-receivers';

jest.setTimeout(60_000);

const SECRET = 'a-webhook-secret-of-at-least-32-characters';
const FROM = '督办系统 <duban@gdbgt.gov.cn>';
const TITLE = '催报：国务院关于加强政务诚信建设的指导意见';
const MISHU = 'mishu@fgw.gd.gov.cn';
const HEAD = 'head@fgw.gd.gov.cn';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ demoOrganisation: true });
});
afterAll(() => database?.close());
// Each case drains the outbox with channels of its own: none left from another.
beforeEach(() => database.db.noticeDelivery.deleteMany());

/** The outbox's clock, moved on by hand: a retry is due when the test says so. */
let clock = Date.now();
const later = (ms: number) => (clock += ms);

/** deliverNotice and drainNoticeOutbox, as the worker wires them, on the test's clock. */
const activitiesWith = (channels: NoticeChannel[], batchSize?: number) => ({
  ...createNoticeActivities(database.db, channels),
  ...createNoticeOutboxActivities(database.db, channels, { now: () => clock, batchSize }),
});

let serial = 0;
/** A 催报单 to 省发展改革委's handler and head, under a key of its own. */
const notice = (): NoticeToDeliver => ({
  noticeKey: `directive-201700084/dept/GDFGW:formal-1:${++serial}`,
  kind: 'FORMAL_REMINDER',
  receiptNumber: '201700084',
  departmentCode: 'GDFGW',
  recipients: ['DEPT_HANDLER', 'DEPT_HEAD'],
  instructingLeaders: [],
  title: TITLE,
  body: '国发〔2016〕76号，省发展改革委回报期限 2017-01-14',
  at: '2017-01-15T01:00:00.000Z',
});

/** Who wants e-mail, at which address: the handler as given, the head by `headByEmail`. */
async function preferences(mishu: { email: string | null; noticeByEmail: boolean }, headByEmail = false) {
  const { db } = database;
  await db.user.update({ where: { id: 'u-fgw-mishu' }, data: mishu });
  await db.user.update({ where: { id: 'u-fgw-head' }, data: { email: HEAD, noticeByEmail: headByEmail } });
}

const deliveries = (noticeKey: string) =>
  database.db.noticeDelivery.findMany({ where: { noticeKey }, orderBy: { recipient: 'asc' } });
const states = async (noticeKey: string) =>
  (await deliveries(noticeKey)).map((r) => [r.recipient, r.status, r.attempts]);

describe('e-mail', () => {
  test('a 催报单 is queued with the inbox, then reaches the SMTP server addressed to the handler, titled as the notice; each run twice, sent once', async () => {
    const smtp = await startSmtpSink();
    const channel = emailChannel(database.db, { smtpUrl: smtp.url, from: FROM, attempts: 3 });
    try {
      await preferences({ email: MISHU, noticeByEmail: true });
      const activities = activitiesWith([channel]);
      const n = notice();
      for (let run = 0; run < 2; run++) {
        expect(await activities.deliverNotice(n)).toEqual({ recipientIds: ['u-fgw-mishu', 'u-fgw-head'] });
      }
      // Queued, not sent: deliverNotice contacts no channel.
      expect(smtp.received).toEqual([]);
      expect(await states(n.noticeKey)).toEqual([['u-fgw-mishu', 'PENDING', 0]]);
      expect(await database.db.notice.count({ where: { noticeKey: n.noticeKey } })).toBe(2);

      expect(await activities.drainNoticeOutbox()).toEqual({
        sent: 1,
        failed: 0,
        retrying: 0,
        more: false,
        nextDueInMs: null,
      });
      expect((await activities.drainNoticeOutbox()).sent).toBe(0);

      // The head chose the inbox only: his notice is there, and no e-mail.
      expect(smtp.received.map((m) => [m.to, m.subject])).toEqual([[[MISHU], TITLE]]);
      expect(smtp.received[0]!.from).toBe('duban@gdbgt.gov.cn');
      const row = (await deliveries(n.noticeKey))[0]!;
      expect(row).toMatchObject({ channel: 'email', recipient: 'u-fgw-mishu', status: 'SENT', attempts: 1 });
      expect(smtp.received[0]!.messageId).toBe(`<${row.deliveryId}@duban>`);
    } finally {
      channel.close();
      await smtp.close();
    }
  });

  test('in-app only: nobody who chose the inbox alone is e-mailed, whatever address he gave', async () => {
    const smtp = await startSmtpSink();
    const channel = emailChannel(database.db, { smtpUrl: smtp.url, from: FROM, attempts: 3 });
    try {
      await preferences({ email: MISHU, noticeByEmail: false });
      const activities = activitiesWith([channel]);
      const n = notice();
      await activities.deliverNotice(n);
      await activities.drainNoticeOutbox();
      expect(smtp.received).toEqual([]);
      expect(await deliveries(n.noticeKey)).toEqual([]);
    } finally {
      channel.close();
      await smtp.close();
    }
  });

  test('an address the server refuses for good (550) is recorded FAILED; the other is sent, nothing retried', async () => {
    const smtp = await startSmtpSink({ refuse: (a) => (a === MISHU ? 550 : undefined) });
    const channel = emailChannel(database.db, { smtpUrl: smtp.url, from: FROM, attempts: 3 });
    try {
      await preferences({ email: MISHU, noticeByEmail: true }, true);
      const activities = activitiesWith([channel]);
      const n = notice();
      await activities.deliverNotice(n);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 1, failed: 1, retrying: 0 });
      later(60 * 60_000);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 0, failed: 0, retrying: 0 });

      expect(smtp.received.map((m) => m.to)).toEqual([[HEAD]]);
      expect(await states(n.noticeKey)).toEqual([
        ['u-fgw-head', 'SENT', 1],
        ['u-fgw-mishu', 'FAILED', 1],
      ]);
      expect((await deliveries(n.noticeKey))[1]!.lastError).toMatch(/550/);
    } finally {
      channel.close();
      await smtp.close();
    }
  });

  test('an address refused for now (451) is tried again when its backoff is over, and sent once', async () => {
    let refusals = 1;
    const smtp = await startSmtpSink({ refuse: (a) => (a === MISHU && refusals-- > 0 ? 451 : undefined) });
    const channel = emailChannel(database.db, { smtpUrl: smtp.url, from: FROM, attempts: 3 });
    try {
      await preferences({ email: MISHU, noticeByEmail: true }, true);
      const activities = activitiesWith([channel]);
      const n = notice();
      await activities.deliverNotice(n);
      expect(await activities.drainNoticeOutbox()).toMatchObject({
        sent: 1,
        retrying: 1,
        nextDueInMs: 10_000,
      });
      const waiting = (await deliveries(n.noticeKey))[1]!;
      expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1 });
      expect(waiting.lastError).toMatch(/451/);
      expect(waiting.nextAttemptAt?.getTime()).toBe(clock + 10_000);

      // Not before it is due,
      later(5_000);
      expect(await activities.drainNoticeOutbox()).toMatchObject({
        sent: 0,
        retrying: 0,
        nextDueInMs: 5_000,
      });
      // then once.
      later(5_000);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 1, nextDueInMs: null });
      await activities.deliverNotice(n); // a late repeat of the step's activity queues nothing new
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 0 });

      expect(smtp.received.map((m) => m.to[0]).sort()).toEqual([HEAD, MISHU]);
      expect(await states(n.noticeKey)).toEqual([
        ['u-fgw-head', 'SENT', 1],
        ['u-fgw-mishu', 'SENT', 2],
      ]);
    } finally {
      channel.close();
      await smtp.close();
    }
  });

  test('with the SMTP server down deliverNotice still succeeds at once; the mail goes out when the server is back', async () => {
    const down = await startSmtpSink();
    const port = Number(new URL(down.url).port);
    await down.close(); // its port now refuses connections
    const channel = emailChannel(database.db, { smtpUrl: down.url, from: FROM, attempts: 5 });
    try {
      await preferences({ email: MISHU, noticeByEmail: true });
      const activities = activitiesWith([channel]);
      const n = notice();
      const started = Date.now();
      await activities.deliverNotice(n);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await database.db.notice.count({ where: { noticeKey: n.noticeKey } })).toBe(2);

      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 0, retrying: 1 });
      later(10_000);
      expect(await activities.drainNoticeOutbox()).toMatchObject({
        sent: 0,
        retrying: 1,
        nextDueInMs: 20_000,
      });
      expect(await states(n.noticeKey)).toEqual([['u-fgw-mishu', 'PENDING', 2]]);

      const smtp = await startSmtpSink({ port });
      try {
        later(20_000);
        expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 1 });
        expect(smtp.received.map((m) => [m.to, m.subject])).toEqual([[[MISHU], TITLE]]);
        expect(await states(n.noticeKey)).toEqual([['u-fgw-mishu', 'SENT', 3]]);
      } finally {
        await smtp.close();
      }
    } finally {
      channel.close();
    }
  });

  test('a reminder prepared ahead (预备提醒) is mailed at its instant, not before; withdrawn before it, to nobody', async () => {
    const smtp = await startSmtpSink();
    const channel = emailChannel(database.db, { smtpUrl: smtp.url, from: FROM, attempts: 3 });
    try {
      await preferences({ email: MISHU, noticeByEmail: true });
      const activities = activitiesWith([channel]);
      // Written at 08:50 on the outbox's clock, for 09:00.
      const nine = clock + 10 * 60_000;
      const prepared = { ...notice(), at: new Date(nine).toISOString(), scheduled: true };
      await activities.deliverNotice(prepared);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 0, nextDueInMs: 10 * 60_000 });
      later(10 * 60_000 - 1);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 0, nextDueInMs: 1 });
      later(1);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 1, nextDueInMs: null });
      expect(smtp.received.map((m) => [m.to, m.subject])).toEqual([[[MISHU], TITLE]]);

      // Another, withdrawn by the step that made it stale (a 回报 at 08:55): out of inbox and outbox.
      const stale = { ...notice(), at: new Date(clock + 10 * 60_000).toISOString(), scheduled: true };
      await activities.deliverNotice(stale);
      expect(await database.db.notice.count({ where: { noticeKey: stale.noticeKey } })).toBe(2);
      await database.db.$transaction((tx) => withdrawNotices(tx, [stale.noticeKey]));
      expect(await database.db.notice.count({ where: { noticeKey: stale.noticeKey } })).toBe(0);
      expect(await states(stale.noticeKey)).toEqual([]);
      later(10 * 60_000);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 0, nextDueInMs: null });
      expect(smtp.received).toHaveLength(1);
    } finally {
      channel.close();
      await smtp.close();
    }
  });

  test('a delivery whose attempts are spent is recorded FAILED, and the outbox goes on', async () => {
    const smtp = await startSmtpSink();
    await smtp.close();
    const channel = emailChannel(database.db, { smtpUrl: smtp.url, from: FROM, attempts: 2 });
    try {
      await preferences({ email: MISHU, noticeByEmail: true });
      const activities = activitiesWith([channel]);
      const n = notice();
      await activities.deliverNotice(n);
      await activities.drainNoticeOutbox();
      later(10_000);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ failed: 1, nextDueInMs: null });
      expect(await states(n.noticeKey)).toEqual([['u-fgw-mishu', 'FAILED', 2]]);
    } finally {
      channel.close();
    }
  });

  test('two drains at once (a timed-out attempt beside its retry) send each delivery once; a claimed row is left alone', async () => {
    const smtp = await startSmtpSink();
    const channel = emailChannel(database.db, { smtpUrl: smtp.url, from: FROM, attempts: 3 });
    try {
      await preferences({ email: MISHU, noticeByEmail: true }, true);
      const n = notice();
      await activitiesWith([channel]).deliverNotice(n);
      const [a, b] = await Promise.all([
        activitiesWith([channel]).drainNoticeOutbox(),
        activitiesWith([channel]).drainNoticeOutbox(),
      ]);
      expect(a.sent + b.sent).toBe(2);
      expect(smtp.received.map((m) => m.to[0]).sort()).toEqual([HEAD, MISHU]);

      // A row another drain holds (crashed mid-send, say) waits for its claim to run out.
      const m = notice();
      await activitiesWith([channel]).deliverNotice(m);
      await database.db.noticeDelivery.updateMany({
        where: { noticeKey: m.noticeKey, recipient: 'u-fgw-mishu' },
        data: { claimedUntil: new Date(clock + 90_000) },
      });
      const activities = activitiesWith([channel], 1);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 1, more: true });
      expect(await activities.drainNoticeOutbox()).toMatchObject({
        sent: 0,
        more: false,
        nextDueInMs: 90_000,
      });
      later(90_000);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 1 });
      expect(await states(m.noticeKey)).toEqual([
        ['u-fgw-head', 'SENT', 1],
        ['u-fgw-mishu', 'SENT', 1],
      ]);
      expect(smtp.received).toHaveLength(4);
    } finally {
      channel.close();
      await smtp.close();
    }
  });
});

describe('webhook', () => {
  test('a signed call is accepted by the receiver; the same call with a tampered body is refused', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    try {
      const channel = webhookChannel(database.db, { url: receiver.url, secret: SECRET, attempts: 3 });
      const activities = activitiesWith([channel]);
      const n = notice();
      await activities.deliverNotice(n);
      await activities.deliverNotice(n); // a retry: queues nothing new
      await activities.drainNoticeOutbox();
      await activities.drainNoticeOutbox(); // and nothing is called again

      expect(receiver.calls.map((c) => c.status)).toEqual([200]);
      const [{ deliveryId, payload }] = receiver.accepted as [(typeof receiver.accepted)[0]];
      expect(payload).toMatchObject({
        id: deliveryId,
        noticeKey: n.noticeKey,
        kind: 'FORMAL_REMINDER',
        title: TITLE,
        recipients: [
          { id: 'u-fgw-mishu', displayName: expect.any(String) },
          { id: 'u-fgw-head', displayName: expect.any(String) },
        ],
      });
      expect((await deliveries(n.noticeKey))[0]).toMatchObject({
        recipient: '*',
        status: 'SENT',
        deliveryId,
      });

      // The call as sent, replayed: accepted (and not counted twice); with the body changed: refused.
      const sent = receiver.calls[0]!;
      const headers = {
        'Content-Type': 'application/json',
        'Duban-Timestamp': String(sent.headers['duban-timestamp']),
        'Duban-Signature': String(sent.headers['duban-signature']),
        'Duban-Delivery': String(sent.headers['duban-delivery']),
      };
      const again = await fetch(receiver.url, { method: 'POST', headers, body: sent.body });
      expect(again.status).toBe(200);
      const tampered = sent.body.replace('催报', '撤销');
      expect(tampered).not.toBe(sent.body);
      const refused = await fetch(receiver.url, { method: 'POST', headers, body: tampered });
      expect(refused.status).toBe(401);
      expect(await refused.text()).toBe('bad signature');
      expect(receiver.accepted).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  test('a call signed with another secret, or too long ago, is refused, and recorded FAILED without retrying', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    try {
      const cases = [
        { secret: 'another-secret-of-at-least-32-characters!!', reason: 'bad signature' },
        {
          secret: SECRET,
          now: () => Date.now() - 10 * 60_000,
          reason: 'timestamp outside the 5-minute window',
        },
      ];
      for (const { secret, now, reason } of cases) {
        const channel = webhookChannel(database.db, { url: receiver.url, secret, attempts: 3, now });
        const activities = activitiesWith([channel]);
        const n = notice();
        await activities.deliverNotice(n);
        await activities.drainNoticeOutbox(); // a 401 stays a 401: no retry
        later(60 * 60_000);
        await activities.drainNoticeOutbox();
        const [row] = await deliveries(n.noticeKey);
        expect(row).toMatchObject({ status: 'FAILED', attempts: 1 });
        expect(row!.lastError).toBe(`webhook answered 401: ${reason}`);
      }
      expect(receiver.calls.map((c) => c.status)).toEqual([401, 401]);
      expect(receiver.accepted).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  test('a receiver that is down gets the notice on the later attempt, once, under the same delivery id', async () => {
    const receiver = await startWebhookReceiver(SECRET, { failFirst: 1 });
    try {
      const channel = webhookChannel(database.db, { url: receiver.url, secret: SECRET, attempts: 3 });
      const activities = activitiesWith([channel]);
      const n = notice();
      await activities.deliverNotice(n); // no throw: the step goes on
      expect(await activities.drainNoticeOutbox()).toMatchObject({ retrying: 1, nextDueInMs: 10_000 });
      later(10_000);
      expect(await activities.drainNoticeOutbox()).toMatchObject({ sent: 1 });
      await activities.drainNoticeOutbox();

      expect(receiver.calls.map((c) => c.status)).toEqual([503, 200]);
      const ids = receiver.calls.map((c) => c.headers['duban-delivery']);
      expect(ids[0]).toBe(ids[1]);
      expect(receiver.accepted).toHaveLength(1);
      expect((await deliveries(n.noticeKey))[0]).toMatchObject({ status: 'SENT', attempts: 2 });
    } finally {
      await receiver.close();
    }
  });
});

describe('settings', () => {
  test('each channel needs both of its settings, and a webhook a secret long enough', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems.map((p) => p.variable);
      }
    };
    expect(problems({ SMTP_URL: 'smtp://mail.example.org:587' })).toEqual(['SMTP_FROM']);
    expect(problems({ SMTP_URL: 'http://mail.example.org', SMTP_FROM: FROM })).toEqual(['SMTP_URL']);
    expect(problems({ WEBHOOK_URL: 'https://hooks.example.org/duban' })).toEqual(['WEBHOOK_SECRET']);
    expect(problems({ WEBHOOK_URL: 'https://hooks.example.org/duban', WEBHOOK_SECRET: 'short' })).toEqual([
      'WEBHOOK_SECRET',
    ]);
    const { notices } = loadConfig({
      SMTP_URL: 'smtps://duban:pw@mail.example.org:465',
      SMTP_FROM: FROM,
      WEBHOOK_URL: 'https://hooks.example.org/duban',
      WEBHOOK_SECRET: SECRET,
    });
    expect(notices).toEqual({
      email: { smtpUrl: 'smtps://duban:pw@mail.example.org:465', from: FROM },
      webhook: { url: 'https://hooks.example.org/duban', secret: SECRET },
      attempts: 10,
    });
    expect(loadConfig({}).notices).toEqual({ attempts: 10 });
  });
});
