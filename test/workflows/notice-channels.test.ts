/**
 * The worker uses the configured channels: 国发〔2016〕76号 dispatched to 省发展改革委 on the seed's
 * dates, nobody reports, and the reminders and the 催报单 of 2017-01-11 … 15 go to the inbox, by
 * e-mail to the handler who chose it through the API (an SMTP server in this process), and to a
 * webhook receiver that checks each call's signature. The head keeps to the inbox.
 */
import request from 'supertest';
import { createNoticeChannels } from '../../activities/notice-channels';
import { signForUpdate } from '../../workflows/definitions';
import { directiveSteps, people, SEED_MORNING, untilChinaTime } from '../helpers/seed-case';
import { startSmtpSink, startWebhookReceiver } from '../helpers/notice-receivers';
import { signIn, startStack } from '../helpers/stack';
import { startTimeSkippingServer } from '../helpers/temporal';

jest.setTimeout(180_000);

const SECRET = 'a-webhook-secret-of-at-least-32-characters';

test('the reminders and the 催报单 reach the handler by e-mail and the webhook once each; the head, in-app only, by the inbox alone', async () => {
  const env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  const smtp = await startSmtpSink();
  const receiver = await startWebhookReceiver(SECRET);
  const stack = await startStack(env, {
    // What worker/index.ts builds from SMTP_URL, SMTP_FROM, WEBHOOK_URL and WEBHOOK_SECRET.
    noticeChannels: ({ db }) =>
      createNoticeChannels(db, {
        email: { smtpUrl: smtp.url, from: '督办系统 <duban@gdbgt.gov.cn>' },
        webhook: { url: receiver.url, secret: SECRET },
        attempts: 5,
      }),
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
  } finally {
    await stack.stop();
    await env.teardown();
    await smtp.close();
    await receiver.close();
  }
});
