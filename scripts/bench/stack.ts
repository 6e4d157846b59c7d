/**
 * The benchmark's own Duban, wired like `npm start` but in one process: a Temporal dev server
 * (tools/temporal, SQLite file in a temp dir), a fresh migrated and seeded database, the real
 * worker and the real API listening on an ephemeral port; and the raw-Temporal floor's worker
 * (bench/floor.ts), bundled but not yet running. With `profile`, every SQL statement and every
 * Temporal call of the API is counted (bench/profile.ts). stop() leaves nothing behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { openDatabase, useWriteAheadLog, type Database } from '../../core/database';
import { dynamicConfigArgs } from '../../core/dev-server';
import { createLogger } from '../../core/logger';
import { createDubanWorker } from '../../worker/worker';
import {
  DEFAULT_WORKER_TUNING,
  WORKER_HEAP_LIMIT_MB,
  workerTuningEnv,
  type WorkerTuning,
} from '../../core/config';
import { BUILT_WORKFLOWS } from '../../core/paths';
import { seedDemoOrganisation } from '../demo-organisation';
import { createFloorWorker } from './floor';
import { countDatabaseStatements, countTemporalCalls, withStepScope } from './profile';

const ROOT = path.resolve(__dirname, '..', '..');
const TEMPORAL_CLI = path.join(ROOT, 'tools', 'temporal');
const TASK_QUEUE = 'duban-bench';

export interface BenchStack {
  apiUrl: string;
  /** A connection of the benchmark's own, for checking the projection (API and worker have theirs). */
  db: Database;
  /** The dev server's process id, for its memory; undefined where /proc cannot tell. */
  temporalPid: number | undefined;
  /** The worker's own process, when it runs as one (workerProcess). */
  workerPid: number | undefined;
  /** The dev server, as the API's client and the workers reach it. */
  temporal: { client: Client; connection: NativeConnection; namespace: string };
  /** The raw-Temporal floor's worker (bundled, not running), unless asked for none. */
  floorWorker: Worker | undefined;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** Bundle the floor's worker too. */
  floor: boolean;
  /** Count SQL statements and the API's Temporal calls (bench/profile.ts). */
  profile: boolean;
  /** The WORKER_* settings tried; npm start's defaults for the rest. */
  tuning?: Partial<WorkerTuning>;
  /**
   * The worker as production runs it: built JavaScript (`npm run build`), a process of its own
   * (dist/worker.js), so its memory and CPU are its own; otherwise it runs in this process.
   */
  workerProcess?: boolean;
  /** Node flags for the worker's process (e.g. --cpu-prof). */
  workerNodeFlags?: string[];
}

const say = (msg: string) => console.log(`bench: ${msg}`);

/**
 * Starts everything; onWorkerFailure hears of a worker that dies mid-run (requests would hang).
 * What started before a failure is stopped again before the error propagates.
 */
export async function startBenchStack(
  opts: BenchStackOptions,
  onWorkerFailure: (err: unknown) => void,
): Promise<BenchStack> {
  if (opts.profile) countDatabaseStatements(); // before any connection opens
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-bench-'));
  const stops: (() => Promise<void>)[] = [() => fs.promises.rm(dir, { recursive: true, force: true })];
  const stop = () => stopAll(stops);
  try {
    ensureTemporalCli();
    const databaseUrl = migratedDatabase(dir);
    // Separate connections, as the API and worker processes of `npm start` have (a worker process
    // opens its own).
    const connect = async () => {
      const connection = openDatabase(databaseUrl);
      stops.push(() => connection.$disconnect());
      await useWriteAheadLog(connection);
      return connection;
    };
    const [apiDb, db] = [await connect(), await connect()];
    await seedDemoOrganisation(db);

    say('starting the Temporal dev server');
    const env = await startDevServer(dir);
    stops.push(() => env.teardown());
    const temporalPid = childPidRunning(fs.realpathSync(TEMPORAL_CLI));
    const namespace = env.namespace ?? 'default';
    if (opts.profile) countTemporalCalls(env.client);

    let workerPid: number | undefined;
    const tuning: WorkerTuning = { ...DEFAULT_WORKER_TUNING, ...opts.tuning };
    if (opts.workerProcess) {
      say('building and starting the worker as a process of its own (dist/worker.js)');
      const worker = await startWorkerProcess(
        {
          databaseUrl,
          address: env.address,
          namespace,
          tuning,
          // As production starts it; a later flag of the same name (workerNodeFlags) overrides.
          nodeFlags: [`--max-old-space-size=${WORKER_HEAP_LIMIT_MB}`, ...(opts.workerNodeFlags ?? [])],
        },
        onWorkerFailure,
      );
      workerPid = worker.pid;
      stops.push(worker.stop);
    } else {
      say('bundling workflows and starting the worker');
      const worker = await createDubanWorker({
        connection: env.nativeConnection,
        namespace,
        taskQueue: TASK_QUEUE,
        db: await connect(),
        tuning,
      });
      const running = worker.run();
      running.catch(onWorkerFailure);
      stops.push(() => stopWorker(worker, running));
    }
    // Bundled now, so no phase's figures include webpack; it runs only during the floor phase.
    const floorWorker = opts.floor ? await createFloorWorker(env.nativeConnection, namespace) : undefined;
    if (floorWorker) stops.push(() => retire(floorWorker));

    const app = createApp({
      db: apiDb,
      temporal: env.client,
      taskQueue: TASK_QUEUE,
      log: createLogger('bench-api', 'warn'),
      sessionTtlHours: 12,
      workerLivenessSeconds: 90,
    });
    const { url, close } = await listen(opts.profile ? withStepScope(app) : app);
    stops.push(close);
    return {
      apiUrl: url,
      db,
      temporalPid,
      workerPid,
      temporal: { client: env.client, connection: env.nativeConnection, namespace },
      floorWorker,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Stops in reverse order of starting; one part failing to stop does not keep the rest running. */
async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  while (stops.length) {
    const stopPart = stops.pop()!;
    await stopPart().catch((err: unknown) => console.error('bench: stopping a part failed:', err));
  }
}

function ensureTemporalCli(): void {
  if (fs.existsSync(TEMPORAL_CLI)) return;
  const r = spawnSync('bash', ['scripts/install-temporal-cli.sh'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`installing the Temporal CLI failed (exit ${r.status ?? r.signal})`);
}

/** A new SQLite file with the project's migrations, applied the way `npm start` applies them. */
export function migratedDatabase(dir: string): string {
  const url = `file:${path.join(dir, 'duban.db')}`;
  const r = spawnSync('sh', ['scripts/prisma.sh', 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`applying the migrations failed:\n${r.stdout}\n${r.stderr}`);
  return url;
}

/**
 * Like test/helpers/temporal.ts startDevServer, but persisting to a SQLite file with the pragmas and
 * the dynamic configuration `npm start` uses, so the server does the disk work it does in production
 * and admits what it admits there. Ports are free ones.
 */
function startDevServer(dir: string): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      ip: '127.0.0.1',
      dbFilename: path.join(dir, 'temporal.db'),
      log: { format: 'json', level: 'warn' },
      extraArgs: [
        '--sqlite-pragma',
        'journal_mode=WAL',
        '--sqlite-pragma',
        'synchronous=NORMAL',
        ...dynamicConfigArgs(),
      ],
    },
  });
}

/** The SDK starts the dev server as our child but does not say its pid; /proc does. */
function childPidRunning(executable: string): number | undefined {
  if (!fs.existsSync('/proc')) return undefined;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && fs.readlinkSync(`/proc/${entry}/exe`) === executable) return Number(entry);
    } catch {
      /* the process ended while we looked, or is not ours to read */
    }
  }
  return undefined;
}

/** How long the worker process may take to start polling, and to stop on SIGTERM. */
const WORKER_START_MS = 120_000;
const WORKER_STOP_MS = 20_000;

/**
 * dist/worker.js started as `npm start`'s production services run it: the built bundle, the
 * configuration from the environment. Resolves once it says it polls; a later exit that was not
 * asked for goes to onFailure.
 */
async function startWorkerProcess(
  opts: {
    databaseUrl: string;
    address: string;
    namespace: string;
    tuning: WorkerTuning;
    nodeFlags: string[];
  },
  onFailure: (err: unknown) => void,
): Promise<{ pid: number; stop: () => Promise<void> }> {
  const built = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'build.ts')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status ?? built.signal})`);
  const args = [...opts.nodeFlags, '--enable-source-maps', path.join(ROOT, 'dist', 'worker.js')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      TEMPORAL_ADDRESS: opts.address,
      TEMPORAL_NAMESPACE: opts.namespace,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      DUBAN_WORKFLOW_BUNDLE: BUILT_WORKFLOWS,
      ...workerTuningEnv(opts.tuning),
      LOG_LEVEL: 'info',
    },
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the worker did not start polling in time')),
      WORKER_START_MS,
    );
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.includes('"worker polling"')) {
        clearTimeout(timer);
        resolve();
      } else if (/"level":(50|60)/.test(line)) console.error(`worker: ${line}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const err = new Error(`the worker process exited (${code ?? signal})`);
      if (stopping) return;
      reject(err);
      onFailure(err);
    });
  });
  return {
    pid: child.pid!,
    stop: async () => {
      stopping = true;
      child.kill('SIGTERM');
      const killLater = setTimeout(() => child.kill('SIGKILL'), WORKER_STOP_MS);
      await exited;
      clearTimeout(killLater);
    },
  };
}

async function stopWorker(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running.catch(() => undefined); // a failure was already reported through onWorkerFailure
}

/** A worker that never ran (the bench stopped before its phase) still holds its native part. */
async function retire(worker: Worker): Promise<void> {
  if (worker.getState() !== 'INITIALIZED') return;
  const running = worker.run();
  worker.shutdown();
  await running;
}

function listen(app: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
        });
      resolve({ url: `http://127.0.0.1:${port}`, close });
    });
  });
}
