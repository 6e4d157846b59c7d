import pino from 'pino';

export type Logger = pino.Logger;

/**
 * What a log line must never carry: bearer tokens and session cookies, sent or set. The access
 * log (pino-http in api/app.ts) serializes request and response headers under `req` and `res`.
 */
export const REDACTED = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'];

/** A logger; `destination` (default stdout) lets a test read what was written. */
export function createLogger(
  name: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options = { name, level, redact: { paths: REDACTED, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
