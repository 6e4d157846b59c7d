/**
 * The far ends of the notice channels, real and in-process: an SMTP server (the smtp-server
 * package, on a free port) that keeps what it receives, and an HTTP receiver that checks a
 * webhook's signature and timestamp the way a partner system would, written here from the scheme
 * in the README rather than with the sender's own code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  raw: string;
}

/** A header's value, unfolded, RFC 2047 encoded words decoded (as nodemailer writes Chinese). */
export function headerOf(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (line === undefined) return '';
  const value = line.slice(name.length + 1).trim();
  // Adjacent encoded words join without the space between them; their bytes decode together,
  // since a character may be split across two words.
  const parts = value.split(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)/).filter((p, i, all) => {
    const between = i > 0 && i < all.length - 1 && /^\s*$/.test(p);
    return p !== '' && !between;
  });
  let out = '';
  let bytes: Buffer[] = [];
  const flush = () => {
    out += Buffer.concat(bytes).toString('utf8');
    bytes = [];
  };
  for (const part of parts) {
    const word = /^=\?[^?]+\?([BbQq])\?([^?]*)\?=$/.exec(part);
    if (!word) {
      flush();
      out += part;
    } else if (word[1]!.toUpperCase() === 'B') {
      bytes.push(Buffer.from(word[2]!, 'base64'));
    } else {
      const q = word[2]!.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => `%${h}`);
      bytes.push(Buffer.from(decodeURIComponent(q), 'utf8'));
    }
  }
  flush();
  return out;
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** Ends the server; a channel pointed at it then finds nobody answering. */
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (on `port`, e.g. one that was down, or a free one).
 * `refuse(address)` may answer a recipient with an SMTP code (550: no such mailbox; 451: try
 * again later).
 */
export async function startSmtpSink(
  opts: { refuse?: (address: string) => number | undefined; port?: number } = {},
) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = opts.refuse?.(address.address);
      if (!code) return callback();
      callback(Object.assign(new Error(`mailbox ${address.address} refused`), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: headerOf(raw, 'Subject'),
          messageId: headerOf(raw, 'Message-ID'),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const sink: SmtpSink = {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sink;
}

export interface WebhookCall {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
}

/**
 * A partner's receiver: 401 unless `Duban-Signature` is `v1=` + HMAC-SHA256(secret,
 * `<Duban-Timestamp>.<raw body>`) and the timestamp is within 5 minutes of its own clock; a
 * delivery id it has seen is answered 200 and not counted again. `failFirst` answers the first n
 * calls 503, as a receiver that is down.
 */
export async function startWebhookReceiver(secret: string, opts: { failFirst?: number } = {}) {
  const calls: WebhookCall[] = [];
  const accepted: { deliveryId: string; payload: Record<string, unknown> }[] = [];
  let failures = opts.failFirst ?? 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, text: string) => {
        calls.push({ headers: req.headers, body, status });
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
      };
      if (failures > 0) {
        failures--;
        return answer(503, 'down for maintenance');
      }
      const timestamp = String(req.headers['duban-timestamp'] ?? '');
      const signature = String(req.headers['duban-signature'] ?? '');
      const deliveryId = String(req.headers['duban-delivery'] ?? '');
      const expected = 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
      const same =
        signature.length === expected.length &&
        timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
      if (!same) return answer(401, 'bad signature');
      if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300)
        return answer(401, 'timestamp outside the 5-minute window');
      if (!accepted.some((a) => a.deliveryId === deliveryId))
        accepted.push({ deliveryId, payload: JSON.parse(body) as Record<string, unknown> });
      answer(200, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/duban-notices`,
    calls,
    accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
