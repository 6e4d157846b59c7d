/** The API and a worker wired to a real Temporal server and a SQLite file of their own. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { DEFAULT_WORKFLOW_STACK_FRAMES } from '../../core/config';
import { createLogger } from '../../core/logger';
import { createEncryptionCodec, type EncryptionKeys } from '../../core/payload-codec';
import type { NoticeChannel } from '../../activities/notices';
import { DEMO_PASSWORD } from '../../scripts/demo-organisation';
import { createDubanWorker, startNoticeOutbox } from '../../worker/worker';
import { createTestDatabase, type TestDatabase } from './database';
import { workflowBundle } from './temporal';

export interface Stack {
  app: Express;
  database: TestDatabase;
  taskQueue: string;
  worker: Worker;
  /** The client the API uses: env.client, or one with the codec when payloadEncryption is given. */
  temporal: Client;
  /** Where this stack keeps uploaded attachments; files larger than 64 KiB are refused. */
  attachmentsDir: string;
  /** Stops the worker (idempotent). */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(
  env: TestWorkflowEnvironment,
  opts: {
    workerLivenessSeconds?: number;
    stepWaitMs?: number;
    /** Opt-in: worker and API encrypt payloads with these keys (off by default). */
    payloadEncryption?: EncryptionKeys;
    codecCorsOrigins?: string[];
    /** A deployment accredited for classified (涉密) documents (off by default, as in production). */
    classifiedAccredited?: boolean;
    /** The worker's channels beyond the inbox (e-mail, webhook), built on the stack's database. */
    noticeChannels?: (database: TestDatabase) => NoticeChannel[];
    /** The notice outbox's longest sleep between drains (workflow time), with noticeChannels. */
    noticeOutboxPollSeconds?: number;
  } = {},
): Promise<Stack> {
  const database = await createTestDatabase({ demoOrganisation: true });
  const taskQueue = `duban-test-${randomUUID()}`;
  const namespace = env.namespace ?? 'default';
  const dataConverter = opts.payloadEncryption
    ? { payloadCodecs: [createEncryptionCodec(opts.payloadEncryption)] }
    : undefined;
  const temporal = dataConverter
    ? new Client({ connection: env.connection, namespace, dataConverter })
    : env.client;
  const worker = await createDubanWorker({
    connection: env.nativeConnection,
    namespace,
    taskQueue,
    db: database.db,
    workflowBundle: await workflowBundle(),
    tuning: { stackFrames: DEFAULT_WORKFLOW_STACK_FRAMES }, // as the worker runs in production
    ...(dataConverter ? { dataConverter } : {}),
    ...(opts.noticeChannels ? { noticeChannels: opts.noticeChannels(database) } : {}),
  });
  const running = worker.run();
  // As worker/index.ts: with channels, the outbox's workflow sends what deliverNotice queued.
  const outboxId = `notice-outbox-${taskQueue}`;
  if (opts.noticeChannels) {
    await startNoticeOutbox(temporal, {
      taskQueue,
      workflowId: outboxId,
      pollSeconds: opts.noticeOutboxPollSeconds ?? 10,
    });
  }
  const attachmentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-attachments-'));
  const app = createApp({
    attachments: { dir: attachmentsDir, maxBytes: 64 * 1024 },
    clock: () => env.currentTimeMs(),
    db: database.db,
    temporal,
    taskQueue,
    log: createLogger('api-test', 'silent'),
    sessionTtlHours: 12,
    workerLivenessSeconds: opts.workerLivenessSeconds ?? 90,
    ...(opts.stepWaitMs ? { stepWaitMs: opts.stepWaitMs } : {}),
    ...(opts.codecCorsOrigins ? { codecCorsOrigins: opts.codecCorsOrigins } : {}),
    classifiedAccredited: opts.classifiedAccredited ?? false,
  });
  const stopWorker = async () => {
    if (opts.noticeChannels && worker.getState() === 'RUNNING')
      await temporal.workflow
        .getHandle(outboxId)
        .terminate('test over')
        .catch(() => undefined);
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
  return {
    app,
    database,
    taskQueue,
    worker,
    temporal,
    attachmentsDir,
    stopWorker,
    async stop() {
      await stopWorker();
      await database.close();
      fs.rmSync(attachmentsDir, { recursive: true, force: true });
    },
  };
}

/** Signs a demo user in and returns the bearer token. */
export async function signIn(app: Express, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await request(app).post('/api/auth/login').send({ username, password });
  if (res.status !== 200)
    throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { token: string }).token;
}

/** The seed document: 国务院关于加强政务诚信建设的指导意见, received 2017-01-03. */
export const SEED_DIRECTIVE = {
  sourceOrg: '国务院',
  docNumber: '国发〔2016〕76号',
  title: '国务院关于加强政务诚信建设的指导意见',
  receivedDate: '2017-01-03',
  urgency: '平急',
  secrecy: '非密',
  copies: 1,
  handlingPrefix: '发改',
} as const;
