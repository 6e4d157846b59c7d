/**
 * Determinism guard: today's workflow code replays the recorded histories of the seed scenarios
 * (test/history_files, written by `npm run record-histories`). A change that would make running
 * directives fail on their next step fails here; such a change needs patched() or a new version.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { HISTORY_DIR } from '../helpers/histories';
import { workflowBundle } from '../helpers/temporal';

const files = fs.readdirSync(HISTORY_DIR).filter((f) => f.endsWith('.binpb'));

test('the recorded histories cover the register, directives, department tasks, breach records and cases', () => {
  const types = new Set(files.map((f) => f.split('.')[1]));
  expect([...types].sort()).toEqual([
    'accountabilityCaseWorkflow',
    'breachRecordWorkflow',
    'departmentTaskWorkflow',
    'directiveWorkflow',
    'incomingRegisterWorkflow',
  ]);
});

test('every recorded history replays without non-determinism', async () => {
  const histories = files.map((file) => ({
    workflowId: file,
    history: temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORY_DIR, file))),
  }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle() },
    histories,
  )) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
  expect(replayed).toBeGreaterThanOrEqual(10);
});
