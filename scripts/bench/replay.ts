/**
 * The workflow side alone: `node [--stack-trace-limit=N] [--cpu-prof] --import tsx
 * scripts/bench/replay.ts [--rounds 60] [--histories w,x]`.
 *
 * Replays the recorded histories of the named scenarios (test/history_files, the newest code's
 * shape: `w.*`, `x.*` by default) R times each in this process, after 5 rounds of warm-up, and
 * prints the CPU per replay: the sandbox, the SDK's promise hook and Duban's workflow code, with
 * no server, database or network in the figure. V8's --stack-trace-limit is the frames the SDK's
 * promise hook takes (WORKER_STACK_FRAMES in a worker); --cpu-prof with bench/cpu-top.ts
 * `--within init@vm-shared.js` shows the hook's part.
 */
import { parseArgs } from 'node:util';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { readRecordedHistories } from '../../test/helpers/histories';

const WARM_UP_ROUNDS = 5;

type History = temporal.api.history.v1.History;

async function replay(
  histories: { file: string; history: History }[],
  rounds: number,
  bundle: Parameters<typeof Worker.runReplayHistories>[0]['workflowBundle'],
) {
  const all = Array.from({ length: rounds }, (_, round) =>
    histories.map(({ file, history }) => ({ workflowId: `${file}-${round}`, history })),
  ).flat();
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, all))
    if (result.error) failed++;
  return { replays: all.length, failed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '60' }, histories: { type: 'string', default: 'w,x' } },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number from 1');
  const scenarios = new Set(values.histories.split(','));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const histories = readRecordedHistories((file) => scenarios.has(file.split('.')[0]!));
  if (!histories.length) throw new Error(`no recorded histories for ${values.histories}`);
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });

  await replay(histories, WARM_UP_ROUNDS, bundle);
  const before = process.cpuUsage();
  const started = performance.now();
  const { replays, failed } = await replay(histories, rounds, bundle);
  const cpu = process.cpuUsage(before);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `replay: ${replays} replays of ${histories.length} histories (${[...scenarios].join(', ')}), ` +
      `stack frames ${Error.stackTraceLimit}: ${cpuMs.toFixed(0)} ms CPU, ` +
      `${(performance.now() - started).toFixed(0)} ms wall, ${(cpuMs / replays).toFixed(2)} ms CPU per replay` +
      (failed ? `; ${failed} FAILED` : ''),
  );
  if (failed) process.exitCode = 1;
}

void main();
