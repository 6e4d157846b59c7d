/**
 * A fresh time-skipping server whose clock starts on the seed's day, 2017-01-03 09:00 CST, with
 * the worker and API on it; optionally records the scenario's histories for the replay test.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEED_MORNING, directiveSteps, untilChinaTime } from './seed-case';
import { startStack, type Stack } from './stack';
import { recordHistories } from './histories';
import { startTimeSkippingServer } from './temporal';

export interface SeedDay {
  env: TestWorkflowEnvironment;
  stack: Stack;
  steps: ReturnType<typeof directiveSteps>;
  /** Lets workflow time run until a China Standard Time moment, e.g. '2017-01-04T09:00'. */
  until(cst: string): Promise<void>;
}

export async function onSeedDay(scenario: (day: SeedDay) => Promise<void>): Promise<void> {
  const env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  const stack = await startStack(env);
  try {
    await scenario({
      env,
      stack,
      steps: directiveSteps(env.client, stack.taskQueue),
      until: async (cst) => env.sleep(await untilChinaTime(env, cst)),
    });
    // `npm run record-histories` keeps these runs' histories as fixtures for the replay test.
    if (process.env.DUBAN_RECORD_HISTORIES) await recordHistories(env, expect.getState().currentTestName!);
  } finally {
    await stack.stop();
    await env.teardown();
  }
}
