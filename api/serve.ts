/** The HTTP API, served until SIGINT/SIGTERM: api/main.ts alone, scripts/app.ts with the worker. */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config';
import { openDatabase, useWriteAheadLog } from '../core/database';
import { createLogger } from '../core/logger';
import { connectClient } from '../core/temporal';
import { createApp } from './app';
import { bootstrapAdministrator, bootstrapMessage } from './auth/bootstrap';

/** Resolves once the API has stopped (on SIGINT/SIGTERM) and closed its connections. */
export async function serveApi(config: Config): Promise<void> {
  const log = createLogger('api', config.logLevel);
  const db = openDatabase(config.databaseUrl);
  await useWriteAheadLog(db);
  // Under systemd nothing else starts first: the API makes the first administrator. His password
  // goes to a file only its owner reads, never to the log (journald keeps logs, and others read them).
  if (config.production) {
    const made = await bootstrapAdministrator(db);
    if (made) {
      const file = path.join(config.dataDir, 'initial-admin-password.txt');
      fs.writeFileSync(file, `${bootstrapMessage(made)}\n`, { mode: 0o600 });
      log.warn(`production start: administrator ${made.username} made; his initial password is in ${file}`);
    }
  }
  const temporal = await connectClient(config.temporal);
  const app = createApp({
    db,
    temporal,
    log,
    taskQueue: config.temporal.taskQueue,
    sessionTtlHours: config.sessionTtlHours,
    sessionIdleMinutes: config.sessionIdleMinutes,
    attachments: config.attachments,
    workerLivenessSeconds: config.workerLivenessSeconds,
    stepWaitMs: config.stepWaitSeconds * 1000,
    codecCorsOrigins: config.codecCorsOrigins,
    classifiedAccredited: config.classifiedAccredited,
    production: config.production,
    noticeEmailAvailable: Boolean(config.notices.email),
  });
  const server = app.listen(config.api.port, config.api.host, () => {
    log.info(`API listening on http://${config.api.host}:${config.api.port}`);
  });
  return new Promise((resolve) => {
    const stop = () => {
      log.info('API stopping');
      server.close(() => {
        void Promise.all([temporal.connection.close(), db.$disconnect()]).then(() => resolve());
      });
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
