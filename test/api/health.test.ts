/**
 * /health tells the truth about each part, on the real dev server (the Java test server does not
 * report task-queue pollers). Pollers re-poll every 2 s here, so a stopped worker shows within seconds.
 */
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { createLogger } from '../../core/logger';
import { createTestDatabase } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';
import { startDevServer } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await startDevServer({ pollSeconds: 2 });
  stack = await startStack(env, { workerLivenessSeconds: 6 });
});

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

async function healthUntil(status: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(stack.app).get('/health');
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('with the database, Temporal and a polling worker, health is up', async () => {
  const res = await healthUntil(200, 15_000);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    status: 'up',
    checks: {
      database: { status: 'up' },
      temporal: { status: 'up', detail: 'namespace default' },
      worker: { status: 'up', detail: `1 poller(s) on task queue ${stack.taskQueue}` },
    },
  });
});

test('when the worker stops, health reports it down with 503', async () => {
  await stack.stopWorker();
  const res = await healthUntil(503, 30_000);
  expect(res.status).toBe(503);
  expect(res.body.checks.worker).toEqual({
    status: 'down',
    detail: `no worker has polled task queue ${stack.taskQueue} in 6s`,
  });
  expect(res.body.checks.database.status).toBe('up');
  expect(res.body.checks.temporal.status).toBe('up');
});

test('an unreachable Temporal and a broken database are reported as down', async () => {
  const database = await createTestDatabase();
  await database.close(); // the file is gone: every query fails
  const unreachable = new Client({
    connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }),
  });
  const app = createApp({
    db: database.db,
    temporal: unreachable,
    taskQueue: 'duban',
    log: createLogger('health-test', 'silent'),
    sessionTtlHours: 1,
    workerLivenessSeconds: 6,
  });
  const res = await request(app).get('/health');
  expect(res.status).toBe(503);
  expect(res.body.status).toBe('down');
  expect(res.body.checks.temporal.status).toBe('down');
  expect(res.body.checks.worker.status).toBe('down');
  expect(res.body.checks.database.status).toBe('down');
  await unreachable.connection.close();
});
