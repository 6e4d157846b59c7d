/**
 * The worker's life: Duban's workflows and activities, polled until the SDK's Runtime shuts it
 * down (SIGINT/SIGTERM, installed by the process: worker/index.ts alone, scripts/app.ts with the API).
 */
import { createNoticeChannels } from '../activities/notice-channels';
import type { Config } from '../core/config';
import { openDatabase, useWriteAheadLog } from '../core/database';
import { createLogger } from '../core/logger';
import { connectClient, temporalDataConverter } from '../core/temporal';
import { connectWorker } from './connection';
import { createDubanWorker, startNoticeOutbox } from './worker';

export async function runWorker(config: Config): Promise<void> {
  const log = createLogger('worker', config.logLevel);
  const db = openDatabase(config.databaseUrl);
  await useWriteAheadLog(db);
  const connection = await connectWorker(config.temporal);
  const noticeChannels = createNoticeChannels(db, config.notices);
  const worker = await createDubanWorker({
    connection,
    db,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dataConverter: temporalDataConverter(config.temporal),
    noticeChannels,
    tuning: config.workerTuning,
    // The bundle `npm run build` made: no compiler in this process (npm start sets it).
    ...(process.env.DUBAN_WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: process.env.DUBAN_WORKFLOW_BUNDLE } }
      : {}),
  });
  if (noticeChannels.length) {
    // The outbox's sender (e-mail, webhook): started once, found running by any other worker.
    const client = await connectClient(config.temporal);
    await startNoticeOutbox(client, { taskQueue: config.temporal.taskQueue });
    await client.connection.close();
  }
  log.info(
    {
      taskQueue: config.temporal.taskQueue,
      address: config.temporal.address,
      // Which key seals new payloads; "off" stores them in clear (development only).
      payloadEncryption: config.temporal.payloadEncryption?.currentKeyId ?? 'off',
      // Where notices go besides the inbox; never the secret or SMTP credentials.
      noticeChannels: [config.notices.email && 'email', config.notices.webhook && 'webhook'].filter(Boolean),
    },
    'worker polling',
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
    await db.$disconnect();
    log.info('worker stopped');
  }
}
