/**
 * Recorded workflow histories: the replay test runs today's workflow code against them, so a
 * change that would break directives already running fails CI instead of production.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORY_DIR = path.join(__dirname, '..', 'history_files');

/** Writes the history of every workflow the scenario ran (closed or still open). */
export async function recordHistories(env: { client: Client }, scenario: string): Promise<void> {
  const slug = scenario.replace(/^\((\w)\).*$/, '$1').replace(/\W+/g, '-');
  const { executions } = await env.client.workflowService.listClosedWorkflowExecutions({
    namespace: env.client.options.namespace,
    maximumPageSize: 1000,
  });
  const open = await env.client.workflowService.listOpenWorkflowExecutions({
    namespace: env.client.options.namespace,
    maximumPageSize: 1000,
  });
  fs.mkdirSync(HISTORY_DIR, { recursive: true });
  for (const info of [...executions, ...open.executions]) {
    const workflowId = info.execution!.workflowId!;
    const type = info.type!.name!;
    const history = await env.client.workflow.getHandle(workflowId, info.execution!.runId!).fetchHistory();
    // Binary protobuf: exactly what the server sent, independent of JSON mapping details.
    const file = `${slug}.${type}.${workflowId.replace(/[^\w-]+/g, '_')}.binpb`;
    // A fixture is never overwritten: the old histories are what running workflows look like.
    const target = path.join(HISTORY_DIR, file);
    if (!fs.existsSync(target))
      fs.writeFileSync(target, temporal.api.history.v1.History.encode(history).finish());
  }
}

/** The recorded histories whose file names pass `wanted` (all by default), read back. */
export function readRecordedHistories(wanted: (file: string) => boolean = () => true) {
  return fs
    .readdirSync(HISTORY_DIR)
    .filter((file) => file.endsWith('.binpb') && wanted(file))
    .map((file) => ({
      file,
      history: temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORY_DIR, file))),
    }));
}
