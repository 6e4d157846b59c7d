/**
 * `npm start`: the whole system on one machine. Applies database migrations, starts the
 * Temporal dev server (SQLite file + Web UI) unless TEMPORAL_ADDRESS names a cluster, then the
 * worker and the API; waits until each is ready, prints the URLs, and on Ctrl-C / SIGTERM stops
 * them in reverse order so no dev server is left behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadConfigOrExit, type Config } from '../core/config';
import { openDatabase } from '../core/database';
import { connectClient } from '../core/temporal';
import { seedDemoOrganisation } from './demo-organisation';
import { printDemoAccounts } from './seed';

const ROOT = path.resolve(__dirname, '..');
/** With the embedded server, pollers re-poll this often, so /health sees a stopped worker quickly. */
const DEV_POLL_EXPIRATION_SECONDS = 10;

interface Part {
  name: string;
  child: ChildProcess;
  stopTimeoutMs: number;
}

const parts: Part[] = [];
let stopping = false;

const say = (msg: string) => console.log(`duban: ${msg}`);

/** A start-up step that cannot go on: main() reports it and stops what already runs. */
class StartupError extends Error {}

function fail(msg: string): never {
  throw new StartupError(msg);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal})`);
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

async function waitFor(what: string, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) fail(`stopped while waiting for ${what}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${what} was not ready within ${timeoutMs / 1000}s; see its log in ${logDir}`);
}

let logDir = '';

/** Each part runs in its own process group, so Ctrl-C reaches only us and we stop them in order. */
function startPart(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stopTimeoutMs: number,
): Part {
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const part = { name, child, stopTimeoutMs };
  parts.push(part);
  child.once('exit', (code, signal) => {
    if (!stopping)
      fail(
        `${name} exited unexpectedly (${signal ?? `exit ${code}`}); see ${path.join(logDir, `${name}.log`)}`,
      );
  });
  return part;
}

function stopPart({ name, child, stopTimeoutMs }: Part): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      say(`${name} did not stop within ${stopTimeoutMs / 1000}s; killing it`);
      kill(child.pid!, 'SIGKILL');
    }, stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    kill(child.pid!, 'SIGTERM');
  });
}

function kill(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal); // the whole group: a part's own children go too
  } catch {
    /* already gone */
  }
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (parts.length) say('stopping...');
  for (const part of [...parts].reverse()) await stopPart(part);
  if (parts.length) say('stopped');
  process.exit(code);
}

/** Last resort if we die without shutdown(): take the parts with us. */
process.on('exit', () => {
  for (const { child } of parts) if (child.pid && child.exitCode === null) kill(child.pid, 'SIGKILL');
});

async function temporalReachable(config: Config): Promise<boolean> {
  const client = await connectClient(config.temporal);
  try {
    await client.workflowService.getSystemInfo({});
    return true;
  } finally {
    await client.connection.close();
  }
}

async function workerPolling(config: Config): Promise<boolean> {
  const client = await connectClient(config.temporal);
  try {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: config.temporal.taskQueue },
    });
    return pollers.length > 0;
  } finally {
    await client.connection.close();
  }
}

async function main() {
  const config = loadConfigOrExit();
  const embedded = !config.temporal.externalAddress;
  logDir = path.join(config.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: config.databaseUrl };
  if (embedded && !process.env.WORKER_LIVENESS_SECONDS) {
    env.WORKER_LIVENESS_SECONDS = String(DEV_POLL_EXPIRATION_SECONDS * 2 + 5);
  }

  for (const [port, variable] of [
    [config.api.port, 'API_PORT'],
    ...(embedded
      ? [
          [config.temporal.devPort, 'TEMPORAL_DEV_PORT'],
          [config.temporal.uiPort, 'TEMPORAL_UI_PORT'],
        ]
      : []),
  ] as [number, string][]) {
    if (!(await portFree(port, embedded || variable === 'API_PORT' ? '127.0.0.1' : '0.0.0.0'))) {
      fail(`port ${port} is already in use: stop what holds it, or set ${variable} to another port`);
    }
  }

  say(`database ${config.databaseUrl}: applying migrations`);
  run('sh', ['scripts/prisma.sh', 'migrate', 'deploy'], env, 'applying database migrations');

  if (embedded) {
    run('bash', ['scripts/install-temporal-cli.sh'], env, 'installing the Temporal CLI');
    say(`starting the Temporal dev server on 127.0.0.1:${config.temporal.devPort}`);
    const devArgs = [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(config.temporal.devPort),
      '--ui-port',
      String(config.temporal.uiPort),
      '--db-filename',
      path.join(config.dataDir, 'temporal.db'),
      '--namespace',
      config.temporal.namespace,
      '--log-format',
      'json',
      '--log-level',
      'warn',
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=NORMAL',
      '--dynamic-config-value',
      `matching.longPollExpirationInterval="${DEV_POLL_EXPIRATION_SECONDS}s"`,
    ];
    startPart('temporal', path.join(ROOT, 'tools', 'temporal'), devArgs, env, 15_000);
    await waitFor('the Temporal dev server', 60_000, () => temporalReachable(config));
  } else {
    say(`using the Temporal cluster at ${config.temporal.address}, namespace ${config.temporal.namespace}`);
    await waitFor(`the Temporal cluster at ${config.temporal.address}`, 15_000, () =>
      temporalReachable(config),
    );
  }

  const db = openDatabase(config.databaseUrl);
  if (embedded && (await db.user.count()) === 0) {
    await seedDemoOrganisation(db);
    say('first start: loaded the demo organisation (npm run seed reloads it)');
    printDemoAccounts();
  }
  await db.$disconnect();

  const tsx = ['--import', 'tsx'];
  say('starting the worker');
  startPart('worker', process.execPath, [...tsx, 'worker/index.ts'], env, 30_000);
  if (embedded) await waitFor('the worker', 120_000, () => workerPolling(config));

  say('starting the API');
  startPart('api', process.execPath, [...tsx, 'api/index.ts'], env, 10_000);
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  await waitFor('the API', 60_000, async () => (await fetch(`${apiUrl}/health`)).status === 200);

  // One write, so whoever watches for "ready" sees the addresses with it.
  const lines = [
    'duban: ready',
    `  Duban UI       ${apiUrl}/   (demo password duban-demo-2017)`,
    `  API            ${apiUrl}/api   (health: ${apiUrl}/health)`,
    embedded && `  Temporal UI    http://127.0.0.1:${config.temporal.uiPort}`,
    `  Temporal gRPC  ${config.temporal.address}  namespace ${config.temporal.namespace}`,
    `  Logs           ${logDir}`,
    'Press Ctrl-C to stop.',
  ];
  console.log(lines.filter(Boolean).join('\n'));
}

main().catch((err) => {
  if (!stopping) console.error(err instanceof StartupError ? `duban: ${err.message}` : err);
  void shutdown(1);
});
