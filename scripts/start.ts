/**
 * `npm start`: the whole system on one machine. Applies database migrations, starts the
 * Temporal dev server (SQLite file + Web UI) unless TEMPORAL_ADDRESS names a cluster, then the
 * worker and the API (one process, scripts/app.ts); waits until each is ready, prints the URLs, and
 * on Ctrl-C / SIGTERM stops them in reverse order so no dev server is left behind.
 *
 * Once ready it supervises them: a part that dies is started again after a back-off (1 s doubling
 * to 30 s, back to 1 s once it has run a minute), and a restarted dev server is given its clients
 * back (they reconnect by themselves; one that has not within a minute is restarted). Each part's
 * pid is in `<data>/run/<part>.pid`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { loadConfigOrExit, type Config } from '../core/config';
import { dynamicConfigArgs } from '../core/dev-server';
import { BUILT_WORKFLOWS, ROOT } from '../core/paths';

/** With the embedded server, pollers re-poll this often, so /health sees a stopped worker quickly. */
const DEV_POLL_EXPIRATION_SECONDS = 10;
/** A crashed part waits this long before its first restart; each crash in a row doubles it... */
const FIRST_RESTART_DELAY_MS = 1_000;
/** ...up to this, so a part that cannot start (a full disk, a bad file) does not spin. */
const MAX_RESTART_DELAY_MS = 30_000;
/** A part that ran this long before it died was healthy: its back-off starts again from 1 s. */
const HEALTHY_RUN_MS = 60_000;
/** How long the worker and the API get to reconnect to a restarted dev server before a restart. */
const RECONNECT_GRACE_MS = 60_000;
/** How long a killed dev server's port and SQLite lock may take to be free again. */
const RELEASE_TIMEOUT_MS = 30_000;

interface Part {
  name: string;
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  stopTimeoutMs: number;
  child: ChildProcess;
  startedAt: number;
  /** Restarts so far, for the log. */
  restarts: number;
  nextDelayMs: number;
  restartTimer?: NodeJS.Timeout;
  /** Set while the supervisor itself stops the part to start it again: that exit is expected. */
  replacing: boolean;
}

const parts: Part[] = [];
let stopping = false;
/** Set once everything is up: from then on a part that dies is restarted, not fatal. */
let supervising = false;

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
let runDir = '';

const pidFile = (name: string) => path.join(runDir, `${name}.pid`);

function startPart(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stopTimeoutMs: number,
): Part {
  const spec = { name, cmd, args, env, stopTimeoutMs };
  const part: Part = {
    ...spec,
    child: spawnLogged(spec),
    startedAt: Date.now(),
    restarts: 0,
    nextDelayMs: FIRST_RESTART_DELAY_MS,
    replacing: false,
  };
  watch(part);
  parts.push(part);
  return part;
}

/** Starts a part (again), its output appended to its log. */
function launch(part: Part): void {
  part.child = spawnLogged(part);
  part.startedAt = Date.now();
  watch(part);
}

/** Each part runs in its own process group, so Ctrl-C reaches only us and we stop them in order. */
function spawnLogged({ name, cmd, args, env }: Pick<Part, 'name' | 'cmd' | 'args' | 'env'>): ChildProcess {
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return child;
}

function watch(part: Part): void {
  const { child } = part;
  if (child.pid) fs.writeFileSync(pidFile(part.name), `${child.pid}\n`);
  child.once('exit', (code, signal) => exited(part, child, signal ?? `exit ${code}`));
  // Only a failed spawn (no pid) gets no 'exit' event.
  child.once('error', (err) => child.pid === undefined && exited(part, child, err.message));
}

function exited(part: Part, child: ChildProcess, how: string): void {
  if (stopping || part.replacing || part.child !== child) return;
  if (!supervising) {
    // Before everything is up, a part that dies is a broken setup: say so at once.
    say(`${part.name} exited unexpectedly (${how}); see ${path.join(logDir, `${part.name}.log`)}`);
    void shutdown(1);
    return;
  }
  // Whatever the dead part left running in its process group goes with it, so nothing holds its
  // ports or files when it starts again.
  if (child.pid) kill(child.pid, 'SIGKILL');
  if (Date.now() - part.startedAt >= HEALTHY_RUN_MS) part.nextDelayMs = FIRST_RESTART_DELAY_MS;
  const delay = part.nextDelayMs;
  part.nextDelayMs = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
  part.restarts++;
  say(`${part.name} exited (${how}); restarting in ${delay / 1000} s (restart ${part.restarts})`);
  part.restartTimer = setTimeout(() => {
    part.restartTimer = undefined;
    restart(part).catch((err) => say(`restarting ${part.name} failed: ${String(err)}`));
  }, delay);
}

/** What restarting the embedded dev server needs beyond starting it again (set by main). */
interface DevServerSupervision {
  part: Part;
  /** Its listening ports and its SQLite file's lock are free again. */
  released: () => Promise<boolean>;
  /** Once it answers: the worker and the API are connected to it again, or restarted. */
  reconnectClients: () => Promise<void>;
}
let devServer: DevServerSupervision | undefined;

async function restart(part: Part): Promise<void> {
  if (stopping) return;
  const isDevServer = part === devServer?.part;
  if (isDevServer && !(await poll(RELEASE_TIMEOUT_MS, devServer!.released))) {
    say(
      `the dev server's port or database is still held after ${RELEASE_TIMEOUT_MS / 1000} s; starting it anyway`,
    );
  }
  if (stopping) return;
  launch(part);
  say(`${part.name} restarted (pid ${part.child.pid})`);
  if (isDevServer) await devServer!.reconnectClients();
}

/** The supervisor's own restart of a part that runs but does not work (it did not reconnect). */
async function replace(part: Part, why: string): Promise<void> {
  if (stopping || part.restartTimer || !running(part)) return; // stopping, or restarting anyway
  say(`${part.name} ${why}; restarting it`);
  part.replacing = true;
  try {
    await stopPart(part);
  } finally {
    part.replacing = false;
  }
  if (stopping) return;
  part.restarts++;
  launch(part);
  say(`${part.name} restarted (pid ${part.child.pid})`);
}

const running = ({ child }: Part) => child.exitCode === null && child.signalCode === null && !!child.pid;

/** Like waitFor, but says whether it happened in time instead of failing; false once stopping. */
async function poll(timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!stopping && Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** True when no process holds the SQLite file's write lock (so a new server can take it). */
function sqliteUnlocked(file: string): boolean {
  if (!fs.existsSync(file)) return true;
  try {
    const db = new Sqlite(file, { fileMustExist: true, timeout: 0 });
    try {
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
      return true;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

function stopPart(part: Part): Promise<void> {
  const { name, child, stopTimeoutMs } = part;
  if (!running(part)) return Promise.resolve();
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
  for (const part of parts) clearTimeout(part.restartTimer);
  if (parts.length) say('stopping...');
  for (const part of [...parts].reverse()) await stopPart(part);
  for (const part of parts) fs.rmSync(pidFile(part.name), { force: true });
  if (parts.length) say('stopped');
  process.exit(code);
}

/** Last resort if we die without shutdown(): take the parts with us. */
process.on('exit', () => {
  for (const { child } of parts) if (child.pid && child.exitCode === null) kill(child.pid, 'SIGKILL');
});

/**
 * A GET answered with JSON, its status and body. By node:http rather than fetch: fetch's HTTP parser
 * is WebAssembly, tens of MB in a process that otherwise does little (README "Performance", memory).
 */
function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
  });
}

/**
 * The embedded dev server as its Web UI's HTTP API shows it (the same answers as gRPC): the
 * supervisor stays lean, without a Temporal client of its own.
 */
async function devServerApi(config: Config, apiPath: string): Promise<Record<string, unknown>> {
  const { uiPort, namespace } = config.temporal;
  const { status, body } = await getJson(
    `http://127.0.0.1:${uiPort}/api/v1/namespaces/${encodeURIComponent(namespace)}${apiPath}`,
  );
  if (status !== 200) throw new Error(`the dev server answered ${status}`);
  return body;
}

/** The dev server answers for Duban's namespace. */
const temporalReachable = async (config: Config) => !!(await devServerApi(config, '')).namespaceInfo;

/** A worker polls Duban's task queue for workflow tasks. */
async function workerPolling(config: Config): Promise<boolean> {
  const queue = await devServerApi(
    config,
    `/task-queues/${encodeURIComponent(config.temporal.taskQueue)}?taskQueueType=TASK_QUEUE_TYPE_WORKFLOW`,
  );
  return Array.isArray(queue.pollers) && queue.pollers.length > 0;
}

/**
 * After a dev server restart. The worker (the SDK's native connection) and the API (grpc-js)
 * reconnect by themselves, retrying with back-off while the server is away (seen after outages of
 * 5 s and 60 s: both polled again within about 4 s of the server answering). If either has not
 * reconnected within RECONNECT_GRACE_MS, their process is restarted all the same: it is cheap, and
 * a stuck connection would otherwise go unnoticed until someone reads /health.
 */
async function reconnectClients(config: Config): Promise<void> {
  if (!(await poll(RECONNECT_GRACE_MS, () => temporalReachable(config)))) return;
  say('the Temporal dev server answers again');
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  const reconnected = async () => {
    const health = (await getJson(`${apiUrl}/health`)).body as {
      checks?: { temporal?: { status?: string } };
    };
    return health.checks?.temporal?.status === 'up' && (await workerPolling(config));
  };
  const app = parts.find((p) => p.name === 'app');
  if (app && !(await poll(RECONNECT_GRACE_MS, reconnected)))
    await replace(app, `did not reconnect within ${RECONNECT_GRACE_MS / 1000} s`);
}

/** Built (npm start): plain JavaScript. From the sources (node --import tsx scripts/start.ts): compiled as they load. */
const built = path.basename(__filename) === 'start.js';
const SOURCES = { app: 'scripts/app.ts', setup: 'scripts/setup.ts' };
const partArgs = (part: keyof typeof SOURCES) =>
  built ? [path.join(ROOT, 'dist', `${part}.js`)] : ['--import', 'tsx', SOURCES[part]];

async function main() {
  const config = loadConfigOrExit();
  const embedded = !config.temporal.externalAddress;
  logDir = path.join(config.dataDir, 'logs');
  runDir = path.join(config.dataDir, 'run');
  fs.mkdirSync(logDir, { recursive: true });
  fs.mkdirSync(runDir, { recursive: true });
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

  // 打印: the forms' PDFs are printed by Chromium with Debian's fonts, installed here on a Debian
  // machine run as root, except on a production server, whose packages are its operator's to choose
  // (README, "Printed forms"). Without them the print views still work; only PDFs answer 503.
  if (!config.production) {
    const browser = spawnSync('bash', ['scripts/install-browser.sh'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (browser.status !== 0)
      say(
        'note: no Chromium or fonts for the forms’ PDFs; the print views work, PDF downloads answer 503 until they are installed',
      );
  }

  if (embedded) {
    run('bash', ['scripts/install-temporal-cli.sh'], env, 'installing the Temporal CLI');
    say(`starting the Temporal dev server on 127.0.0.1:${config.temporal.devPort}`);
    const temporalDb = path.join(config.dataDir, 'temporal.db');
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
      temporalDb,
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
      ...dynamicConfigArgs({
        'matching.longPollExpirationInterval': `${DEV_POLL_EXPIRATION_SECONDS}s`,
      }),
      // Encrypted payloads: the Temporal UI decodes them through Duban's codec endpoint.
      ...(config.temporal.payloadEncryption
        ? ['--ui-codec-endpoint', `http://${config.api.host}:${config.api.port}/codec`]
        : []),
    ];
    devServer = {
      part: startPart('temporal', path.join(ROOT, 'tools', 'temporal'), devArgs, env, 15_000),
      released: async () =>
        (await portFree(config.temporal.devPort, '127.0.0.1')) &&
        (await portFree(config.temporal.uiPort, '127.0.0.1')) &&
        sqliteUnlocked(temporalDb),
      reconnectClients: () => reconnectClients(config),
    };
    await waitFor('the Temporal dev server', 60_000, () => temporalReachable(config));
  } else {
    say(`using the Temporal cluster at ${config.temporal.address}, namespace ${config.temporal.namespace}`);
  }

  // Temporal reached (a cluster) and the embedded server's history retention set; the first
  // administrator, or the demo organisation: in a process of its own (scripts/setup.ts), so this
  // one, which stays up supervising, carries neither the database nor the Temporal client.
  run(
    process.execPath,
    [...partArgs('setup'), ...(embedded ? ['--embedded'] : [])],
    env,
    'setting up Temporal and the organisation',
  );

  if (built) env.DUBAN_WORKFLOW_BUNDLE = BUILT_WORKFLOWS;
  // The worker and the API, in one process (scripts/app.ts): one Node runtime for both.
  say('starting the worker and the API');
  startPart('app', process.execPath, partArgs('app'), env, 30_000);
  if (embedded) await waitFor('the worker', 120_000, () => workerPolling(config));
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  await waitFor('the API', 60_000, async () => (await getJson(`${apiUrl}/health`)).status === 200);

  // One write, so whoever watches for "ready" sees the addresses with it.
  const lines = [
    'duban: ready',
    `  Duban UI       ${apiUrl}/${config.production ? '' : '   (demo password duban-demo-2017)'}`,
    `  API            ${apiUrl}/api   (health: ${apiUrl}/health)`,
    embedded && `  Temporal UI    http://127.0.0.1:${config.temporal.uiPort}`,
    `  Temporal gRPC  ${config.temporal.address}  namespace ${config.temporal.namespace}`,
    `  Logs           ${logDir}`,
    'Press Ctrl-C to stop.',
  ];
  console.log(lines.filter(Boolean).join('\n'));
  supervising = true;
}

main().catch((err) => {
  if (!stopping) console.error(err instanceof StartupError ? `duban: ${err.message}` : err);
  void shutdown(1);
});
