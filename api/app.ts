/** Builds the HTTP API from its dependencies; never listens (api/index.ts does, tests use supertest). */
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
import { DEFAULT_POLICY, type RoutingPolicy } from '../workflows/policy';

export interface AppDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  sessionTtlHours: number;
  workerLivenessSeconds: number;
  /** The routing policy for new directives; the seed's defaults unless given. */
  policy?: RoutingPolicy;
}

export function createApp(deps: AppDeps): express.Express {
  const { db, temporal, taskQueue, log } = deps;
  const sessions = createSessionStore(db, deps.sessionTtlHours);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '256kb' }));

  // Open to anyone: health for operators and probes, sign-in for users.
  app.use(healthRouter({ db, temporal, taskQueue, workerLivenessSeconds: deps.workerLivenessSeconds }));
  app.use(loginRouter(db, sessions));

  app.use(authenticate(sessions));
  app.use(sessionRouter(db, sessions));
  app.use(directiveRouter({ db, temporal, taskQueue, policy: deps.policy ?? DEFAULT_POLICY }));
  app.use(routingRouter({ db, temporal }));
  app.use(listRouter(db));

  app.use((req) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(log));
  return app;
}
