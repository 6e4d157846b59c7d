/** Real Temporal servers for tests, from the project's own tools/ (see scripts/install-*.sh). */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { dynamicConfigArgs } from '../../core/dev-server';
import { TOOLS } from './paths';

/**
 * Temporal's Java test server: timers fire as soon as nothing else can happen, so days pass in
 * seconds. startAt (an ISO instant) sets the server's clock, so a test can live through the
 * seed's own dates; otherwise the clock starts now.
 */
export function startTimeSkippingServer(opts: { startAt?: string } = {}): Promise<TestWorkflowEnvironment> {
  const startAt = opts.startAt && new Date(opts.startAt).toISOString().replace(/\.\d+Z$/, 'Z');
  return startingAgain(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: {
        executable: { type: 'existing-path', path: path.join(TOOLS, 'temporal-test-server') },
        // Understood by tools/temporal-test-server, which passes the rest to the Java server.
        extraArgs: startAt ? ['--start-at', startAt] : [],
      },
    }),
  );
}

/**
 * The SDK gives an ephemeral server 5 seconds to listen, which a JVM starting while both cores
 * are busy (two test files starting theirs at once) can miss; it is then started again, on a new
 * port. Any other failure is the test's.
 */
async function startingAgain(start: () => Promise<TestWorkflowEnvironment>, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test(String(err))) throw err;
    }
  }
}

/**
 * The Temporal CLI's dev server (the real server, in memory), for what the Java test server lacks,
 * such as task-queue pollers. Pollers re-poll every pollSeconds, so liveness shows quickly.
 */
export function startDevServer(opts: { pollSeconds?: number } = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: path.join(TOOLS, 'temporal') },
      extraArgs: dynamicConfigArgs({
        'matching.longPollExpirationInterval': `${opts.pollSeconds ?? 2}s`,
      }),
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
