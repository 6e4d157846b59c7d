/**
 * Determinism guard: today's workflow code replays the recorded histories of the seed scenarios
 * (test/history_files, written by `npm run record-histories`). A change that would make running
 * directives fail on their next step fails here; such a change needs patched() or a new version.
 */
import { Worker } from '@temporalio/worker';
import { readRecordedHistories } from '../helpers/histories';
import { workflowBundle } from '../helpers/temporal';

const recorded = readRecordedHistories();
const files = recorded.map(({ file }) => file);

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
  const histories = recorded.map(({ file, history }) => ({ workflowId: file, history }));
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
