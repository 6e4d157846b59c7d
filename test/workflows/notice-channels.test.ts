/**
 * The worker uses the configured channels through the outbox: deliverNotice queues, the
 * notice-outbox workflow the worker starts sends. 国发〔2016〕76号 dispatched to 省发展改革委 on the
 * seed's dates, nobody reports, and the reminders and the 催报单 of 2017-01-11 … 15 go to the inbox,
 * by e-mail to the handler who chose it through the API (an SMTP server in this process), and to a
 * webhook receiver that checks each call's signature. The head keeps to the inbox. And a mail
 * server that is down holds no step up.
 */
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createNoticeChannels } from '../../activities/notice-channels';
import { signForUpdate } from '../../workflows/definitions';
import type { TestDatabase } from '../helpers/database';
import { directiveSteps, people, SEED_MORNING, untilChinaTime } from '../helpers/seed-case';
import { startSmtpSink, startWebhookReceiver } from '../helpers/notice-receivers';
import { signIn, startStack } from '../helpers/stack';
import { startTimeSkippingServer } from '../helpers/temporal';

jest.setTimeout(180_000);

const SECRET = 'a-webhook-secret-of-at-least-32-characters';
const FROM = '督办系统 <duban@gdbgt.gov.cn>';

/**
 * Until the outbox has nothing PENDING: the time-skipping server moves the outbox workflow's clock
 * only while the test sleeps, so each round lets one poll interval pass, then waits for the drain.
 */
async function outboxDrained(env: TestWorkflowEnvironment, database: TestDatabase, pollMs: number) {
  for (let round = 0; round < 100; round++) {
    if (!(await database.db.noticeDelivery.count({ where: { status: 'PENDING' } }))) return;
    await env.sleep(pollMs);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the notice outbox did not drain');
}

test('the reminders and the 催报单 reach the handler by e-mail and the webhook once each; the head, in-app only, by the inbox alone', async () => {
  const env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  const smtp = await startSmtpSink();
  const receiver = await startWebhookReceiver(SECRET);
  // Eleven days pass in this test: an hourly poll keeps the outbox's drains few.
  const pollSeconds = 3600;
  const stack = await startStack(env, {
    // What worker/index.ts builds from SMTP_URL, SMTP_FROM, WEBHOOK_URL and WEBHOOK_SECRET.
    noticeChannels: ({ db }) =>
      createNoticeChannels(db, {
        email: { smtpUrl: smtp.url, from: FROM },
        webhook: { url: receiver.url, secret: SECRET },
        attempts: 5,
      }),
    noticeOutboxPollSeconds: pollSeconds,
  });
  try {
    // Each sets his own preference (个人设置).
    const mishu = await signIn(stack.app, 'fgw-mishu');
    const head = await signIn(stack.app, 'fgw-head');
    const put = (token: string, body: object) =>
      request(stack.app).put('/api/me/notice-settings').set('Authorization', `Bearer ${token}`).send(body);
    const noAddress = await put(mishu, { email: null, noticeByEmail: true });
    expect(noAddress.status).toBe(400);
    expect(JSON.stringify(noAddress.body)).toContain('选择邮件提醒时须填写邮箱地址');
    expect((await put(mishu, { email: 'mishu@fgw.gd.gov.cn', noticeByEmail: true })).body).toMatchObject({
      email: 'mishu@fgw.gd.gov.cn',
      noticeByEmail: true,
    });
    expect((await put(head, { email: 'head@fgw.gd.gov.cn', noticeByEmail: false })).status).toBe(200);
    const mine = await request(stack.app)
      .get('/api/me/notice-settings')
      .set('Authorization', `Bearer ${mishu}`);
    expect(mine.body).toMatchObject({ email: 'mishu@fgw.gd.gov.cn', noticeByEmail: true });

    const steps = directiveSteps(env.client, stack.taskQueue);
    const until = async (cst: string) => env.sleep(await untilChinaTime(env, cst));
    const receiptNumber = await steps.throughInstruction(1);
    await until('2017-01-04T09:30');
    await steps.dispatch(receiptNumber);
    await steps
      .task(receiptNumber, 'GDFGW')
      .executeUpdate(signForUpdate, { args: [{ by: people.fgwHandler, deptReceiptNumber: '319号' }] });
    await until('2017-01-15T10:00'); // past the D-3 and D-1 reminders and the 催报单 of the 15th
    await outboxDrained(env, stack.database, pollSeconds * 1000);

    const inbox = await stack.database.db.notice.findMany({
      where: { receiptNumber, departmentCode: 'GDFGW' },
      orderBy: [{ at: 'asc' }, { recipientId: 'asc' }],
    });
    expect(inbox.map((n) => [n.noticeKey.split(':')[1], n.recipientId])).toEqual([
      ['remind-3', 'u-fgw-mishu'],
      ['remind-1', 'u-fgw-mishu'],
      ['formal-1', 'u-fgw-head'],
      ['formal-1', 'u-fgw-mishu'],
    ]);

    // E-mail: the handler's three, titled as his inbox rows; nothing to the head.
    const mishuTitles = inbox.filter((n) => n.recipientId === 'u-fgw-mishu').map((n) => n.title);
    expect(mishuTitles[2]).toMatch(/^催报/);
    expect(smtp.received.map((m) => [m.to, m.subject])).toEqual(
      mishuTitles.map((title) => [['mishu@fgw.gd.gov.cn'], title]),
    );

    // Webhook: one signed call per notice key (the office's turn notices too), each accepted; the
    // 催报单 names both.
    expect(receiver.calls.every((c) => c.status === 200)).toBe(true);
    const keys = receiver.accepted.map(({ payload }) => String(payload.noticeKey));
    expect(new Set(keys).size).toBe(receiver.calls.length);
    expect(
      receiver.accepted
        .filter(({ payload }) => payload.departmentCode === 'GDFGW')
        .map(({ payload }) => [
          String(payload.noticeKey).split(':')[1],
          (payload.recipients as { id: string }[]).map((r) => r.id).sort(),
        ]),
    ).toEqual([
      ['remind-3', ['u-fgw-mishu']],
      ['remind-1', ['u-fgw-mishu']],
      ['formal-1', ['u-fgw-head', 'u-fgw-mishu']],
    ]);
    const recorded = await stack.database.db.noticeDelivery.findMany({ orderBy: { noticeKey: 'asc' } });
    expect(recorded.every((d) => d.status === 'SENT' && d.attempts === 1)).toBe(true);
    expect(recorded.filter((d) => d.channel === 'email').map((d) => d.recipient)).toEqual(
      Array(3).fill('u-fgw-mishu'),
    );
    expect(recorded.filter((d) => d.channel === 'webhook')).toHaveLength(receiver.calls.length);
  } finally {
    await stack.stop();
    await env.teardown();
    await smtp.close();
    await receiver.close();
  }
});

test('with the mail server down, 拟办, 审核 and 批示 answer at once; the mails go out once it is back', async () => {
  const env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  const down = await startSmtpSink();
  const port = Number(new URL(down.url).port);
  await down.close(); // its port now refuses connections
  const stack = await startStack(env, {
    noticeChannels: ({ db }) =>
      createNoticeChannels(db, { email: { smtpUrl: down.url, from: FROM }, attempts: 10 }),
    noticeOutboxPollSeconds: 2,
  });
  let smtp: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
  try {
    // The office's people whose turn each step makes it all chose notices by e-mail.
    const office = [people.clerk, people.reviewer, people.director, people.leader];
    for (const p of office) {
      await stack.database.db.user.update({
        where: { id: p.userId },
        data: { email: `${p.userId}@gdbgt.gov.cn`, noticeByEmail: true },
      });
    }

    const steps = directiveSteps(env.client, stack.taskQueue);
    const receiptNumber = await steps.register();
    const timed = async (step: () => Promise<unknown>) => {
      const started = Date.now();
      await step();
      return Date.now() - started;
    };
    const took = [
      await timed(() => steps.accept(receiptNumber)),
      await timed(() => steps.propose(receiptNumber)), // 拟办
      await timed(() => steps.signOff(receiptNumber, people.reviewer)), // 审核
      await timed(() => steps.signOff(receiptNumber, people.director)),
      await timed(() => steps.instruct(receiptNumber)), // 批示
    ];
    // Before the outbox, each waited for deliverNotice's retries against the dead server.
    for (const ms of took) expect(ms).toBeLessThan(3_000);

    const queued = await stack.database.db.noticeDelivery.findMany({ where: { channel: 'email' } });
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.every((d) => d.status === 'PENDING' && d.sentAt === null)).toBe(true);

    // The server comes back: the outbox's next attempt sends each mail, once.
    smtp = await startSmtpSink({ port });
    for (let i = 0; i < 600; i++) {
      const pending = await stack.database.db.noticeDelivery.count({ where: { status: 'PENDING' } });
      if (!pending) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const sent = await stack.database.db.noticeDelivery.findMany({ where: { channel: 'email' } });
    expect(sent.map((d) => d.status)).toEqual(sent.map(() => 'SENT'));
    expect(sent.length).toBeGreaterThanOrEqual(queued.length);
    expect(smtp.received.map((m) => m.messageId).sort()).toEqual(
      sent.map((d) => `<${d.deliveryId}@duban>`).sort(),
    );
  } finally {
    await stack.stop();
    await env.teardown();
    await smtp?.close();
  }
});
