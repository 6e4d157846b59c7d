/** Builds the HTTP API from its dependencies; never listens (api/index.ts does, tests use supertest). */
import path from 'node:path';
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Database } from '../core/database';
import type { Logger } from '../core/logger';
import { authenticate } from './auth/middleware';
import { createSessionStore } from './auth/sessions';
import { HttpError, errorHandler } from './errors';
import { loginRouter, sessionRouter } from './routes/auth';
import { directiveRouter } from './routes/directives';
import { healthRouter } from './routes/health';
import { listRouter } from './routes/lists';
import { routingRouter } from './routes/routing';
import { integrityRouter } from './routes/integrity';
import { attachmentRouter } from './routes/attachments';
import { actOnBehalf, delegationRouter } from './routes/delegations';
import { policyRouter } from './routes/policy';
import { directoryRouter } from './routes/directory';
import type { Clock } from './requests';

export interface AppDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  sessionTtlHours: number;
  workerLivenessSeconds: number;
  /** Today's time for dates the API decides (委托 periods, the 签收 year); tests pass the test server's. */
  clock?: Clock;
  /** Where uploaded attachments (附件) are kept, and the largest accepted. */
  attachments?: { dir: string; maxBytes: number };
}

const WEB_DIR = path.join(__dirname, '..', 'web');
/** The UI loads only its own files and talks only to this API. */
const WEB_CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

const DEFAULT_ATTACHMENTS = { dir: path.resolve('data', 'attachments'), maxBytes: 20 * 1024 * 1024 };

export function createApp(deps: AppDeps): express.Express {
  const { db, temporal, taskQueue, log } = deps;
  const clock = deps.clock ?? (() => Promise.resolve(Date.now()));
  const sessions = createSessionStore(db, deps.sessionTtlHours);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '256kb' }));

  // The web UI: static files, open to anyone (it signs in through the API like any client).
  app.use(
    express.static(WEB_DIR, {
      index: 'index.html',
      setHeaders: (res) => res.set('Content-Security-Policy', WEB_CSP),
    }),
  );

  // Open to anyone: health for operators and probes, sign-in for users.
  app.use(healthRouter({ db, temporal, taskQueue, workerLivenessSeconds: deps.workerLivenessSeconds }));
  app.use(loginRouter(db, sessions));

  app.use(authenticate(sessions));
  app.use(sessionRouter(db, sessions));
  app.use(delegationRouter(db, clock));
  app.use(actOnBehalf(db, clock));
  app.use(policyRouter(db));
  app.use(directoryRouter(db));
  app.use(attachmentRouter(db, deps.attachments ?? DEFAULT_ATTACHMENTS));
  app.use(directiveRouter({ db, temporal, taskQueue, clock }));
  app.use(routingRouter({ db, temporal }));
  app.use(integrityRouter({ db, temporal, taskQueue, clock }));
  app.use(listRouter(db));

  app.use((req) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(log));
  return app;
}
