/** Builds the HTTP API from its dependencies; never listens (api/serve.ts does, tests use supertest). */
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Client } from '@temporalio/client';
import type { Database } from '../core/database';
import type { Logger } from '../core/logger';
import { authenticate } from './auth/middleware';
import { createSessionStore } from './auth/sessions';
import { createLoginThrottle, type LoginThrottleOptions } from './auth/throttle';
import { HttpError, errorHandler } from './errors';
import { departmentNamesIn } from './readable';
import { loginRouter, sessionRouter } from './routes/auth';
import { directiveRouter } from './routes/directives';
import { formsRouter } from './routes/forms';
import { healthRouter } from './routes/health';
import { listRouter } from './routes/lists';
import { todoRouter } from './routes/todo';
import { routingRouter } from './routes/routing';
import { registerRouter } from './routes/registers';
import { integrityRouter } from './routes/integrity';
import { ledgerRouter } from './routes/ledger';
import { attachmentRouter } from './routes/attachments';
import { actOnBehalf, delegationRouter } from './routes/delegations';
import { policyRouter } from './routes/policy';
import { directoryRouter } from './routes/directory';
import { auditRouter } from './routes/audit';
import { clearanceRouter } from './routes/clearances';
import { codecRouter } from './routes/codec';
import { noticeSettingsRouter } from './routes/notice-settings';
import { docsRouter } from './routes/docs';
import { orgRouter } from './routes/org';
import { passwordRouter } from './routes/password';
import type { Clock } from './requests';
import { boundedSteps } from './updates';
import { vendorScripts } from './vendor';
import { ROOT } from '../core/paths';

export interface AppDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  sessionTtlHours: number;
  /** A session unused this long ends (default 30). */
  sessionIdleMinutes?: number;
  /** Sign-in throttling limits (default LOGIN_THROTTLE: 5 per username and address, 100 per address, 15 min). */
  loginThrottle?: LoginThrottleOptions;
  workerLivenessSeconds: number;
  /** Today's time for dates the API decides (委托 periods, the 签收 year); tests pass the test server's. */
  clock?: Clock;
  /** How long a step waits for its workflow update before answering 503 (default 30 s). */
  stepWaitMs?: number;
  /** Where uploaded attachments (附件) are kept, and the largest accepted. */
  attachments?: { dir: string; maxBytes: number };
  /** Origins (the Temporal Web UI's) whose pages may call /codec with the session cookie. */
  codecCorsOrigins?: string[];
  /** A network accredited for classified (涉密) documents; off refuses them (default). */
  classifiedAccredited?: boolean;
  /** DUBAN_PRODUCTION: the demo password signs nobody in (default off, for the demo). */
  production?: boolean;
  /** This deployment sends notices by e-mail (SMTP_URL), so a person's choice of it means something. */
  noticeEmailAvailable?: boolean;
}

const WEB_DIR = path.join(ROOT, 'web');
/** The UI loads only its own files and talks only to this API; nobody frames it. */
const WEB_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    frameAncestors: ["'none'"],
  },
};

const DEFAULT_ATTACHMENTS = { dir: path.resolve('data', 'attachments'), maxBytes: 20 * 1024 * 1024 };

export function createApp(deps: AppDeps): express.Express {
  const { db, temporal, taskQueue, log } = deps;
  const clock = deps.clock ?? (() => Promise.resolve(Date.now()));
  const sessions = createSessionStore(db, deps.sessionTtlHours, deps.sessionIdleMinutes);
  const steps = boundedSteps(temporal, deps.stepWaitMs ?? 30_000);
  const classifiedAccredited = deps.classifiedAccredited ?? false;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Who asked for what, how it ended and how long it took; tokens and cookies are redacted
  // by the logger (core/logger.ts).
  app.use(
    pinoHttp({
      logger: log,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      customProps: (req) => ({ ip: req.ip, userId: req.user?.id }),
    }),
  );
  // Security headers on every answer (HSTS, nosniff, no framing, the CSP below); HSTS only
  // matters over TLS, and covers this host alone, not a ministry's sibling sites.
  app.use(helmet({ contentSecurityPolicy: WEB_CSP, strictTransportSecurity: { includeSubDomains: false } }));
  app.use(express.json({ limit: '256kb' }));

  // The web UI: static files, open to anyone (it signs in through the API like any client). An API
  // path never names one, so it skips the file lookup (a stat of web/ on every call).
  const webFiles = express.static(WEB_DIR, { index: 'index.html' });
  app.use((req, res, next) => (req.path.startsWith('/api/') ? next() : webFiles(req, res, next)));
  app.use(vendorScripts()); // ECharts for the 督办台账, from node_modules (no CDN)

  // Open to anyone: health for operators and probes, sign-in for users.
  app.use(healthRouter({ db, temporal, taskQueue, workerLivenessSeconds: deps.workerLivenessSeconds }));
  // One throttle: sign-in counts the failures, the administrator unlocks (routes/org.ts).
  const throttle = createLoginThrottle(deps.loginThrottle);
  app.use(loginRouter(db, sessions, throttle, { production: deps.production ?? false }));
  app.use(codecRouter({ temporal, sessions, corsOrigins: deps.codecCorsOrigins ?? [] })); // ADMIN; own auth
  // The API's OpenAPI document and its interactive docs, made from the routes (api/openapi.ts).
  app.use(docsRouter(app, clock));

  app.use(authenticate(sessions));
  app.use(sessionRouter(db, sessions, { classifiedAccredited }, clock));
  app.use(passwordRouter(db, sessions)); // before 委托: one's own account, never another's
  app.use(noticeSettingsRouter(db, { emailAvailable: deps.noticeEmailAvailable ?? false })); // as well
  app.use(delegationRouter(db, clock));
  app.use(actOnBehalf(db, clock));
  app.use(policyRouter(db));
  app.use(directoryRouter(db));
  app.use(auditRouter(db)); // ADMIN and SECURITY_OFFICER
  app.use(clearanceRouter(db));
  app.use(orgRouter(db, sessions, throttle)); // ADMIN
  const attachments = deps.attachments ?? DEFAULT_ATTACHMENTS;
  app.use(attachmentRouter(db, attachments));
  app.use(directiveRouter({ db, temporal, taskQueue, clock, steps, classifiedAccredited, attachments }));
  app.use(formsRouter({ db, clock })); // 打印: the paper forms, as HTML and PDF
  app.use(routingRouter({ db, temporal, steps }));
  app.use(registerRouter({ db, temporal, taskQueue, clock, steps }));
  app.use(integrityRouter({ db, temporal, taskQueue, clock, steps }));
  app.use(listRouter(db, clock));
  app.use(todoRouter(db, clock));
  app.use(ledgerRouter({ db, clock })); // 督办台账 and its statistics

  app.use((req) => {
    throw new HttpError(404, 'not_found', `没有此接口：${req.method} ${req.path}`);
  });
  app.use(errorHandler(log, departmentNamesIn(db)));
  return app;
}
