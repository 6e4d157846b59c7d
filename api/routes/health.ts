/**
 * GET /health: the database, the Temporal connection, and whether any worker is polling the
 * task queue. Pollers long-poll, re-polling at least once a minute on a default server, so a
 * poller is live if Temporal saw it within WORKER_LIVENESS_SECONDS.
 */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Database } from '../../core/database';
import { operation } from '../openapi';

type Check = { status: 'up' | 'down'; detail?: string };

export interface HealthDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  workerLivenessSeconds: number;
}

const TIMEOUT_MS = 3000;

// A probe's query is not read: no request schema, nothing to refuse.
const health = operation({
  summary: 'Health: the database, the Temporal connection, a worker polling',
  responses: {
    200: '`{status: "up", checks}`',
    503: { description: '`{status: "down", checks}`: one of the checks is down' },
  },
});

/** For the database; Temporal calls carry a gRPC deadline instead, so no retry outlives the check. */
function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
    ),
  ]);
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function healthRouter({ db, temporal: client, taskQueue, workerLivenessSeconds }: HealthDeps): Router {
  async function database(): Promise<Check> {
    try {
      await withTimeout(db.$queryRaw`SELECT 1`);
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', detail: message(err) };
    }
  }

  async function temporalService(): Promise<Check> {
    try {
      await client.connection.withDeadline(Date.now() + TIMEOUT_MS, () =>
        client.workflowService.getSystemInfo({}),
      );
      return { status: 'up', detail: `namespace ${client.options.namespace}` };
    } catch (err) {
      return { status: 'down', detail: message(err) };
    }
  }

  async function worker(): Promise<Check> {
    try {
      const { pollers } = await client.connection.withDeadline(Date.now() + TIMEOUT_MS, () =>
        client.workflowService.describeTaskQueue({
          namespace: client.options.namespace,
          taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        }),
      );
      const cutoff = Date.now() - workerLivenessSeconds * 1000;
      const live = pollers.filter((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= cutoff);
      return live.length
        ? { status: 'up', detail: `${live.length} poller(s) on task queue ${taskQueue}` }
        : {
            status: 'down',
            detail: `no worker has polled task queue ${taskQueue} in ${workerLivenessSeconds}s`,
          };
    } catch (err) {
      return { status: 'down', detail: message(err) };
    }
  }

  const router = Router();
  router.get('/health', health, async (_req, res) => {
    const [db, tmp, wrk] = await Promise.all([database(), temporalService(), worker()]);
    const checks = { database: db, temporal: tmp, worker: wrk };
    const ok = Object.values(checks).every((c) => c.status === 'up');
    res.status(ok ? 200 : 503).json({ status: ok ? 'up' : 'down', checks });
  });
  return router;
}
