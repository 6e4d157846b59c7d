/**
 * The memory of the whole `npm start` stack at rest: `node --import tsx scripts/bench/idle-rss.ts
 * [--settle 20] [--from-sources]` (--from-sources: `node --import tsx scripts/start.ts` instead).
 *
 * Runs `npm start` as a person would, on a fresh data directory in a temp folder and free ports,
 * waits for "duban: ready", lets it settle (20 s), then reads every process of the tree from /proc:
 * npm, the shell it runs the script in, the supervisor (scripts/start.ts), the dev server, the
 * worker, the API and whatever they started (esbuild's service for tsx). Prints each one's RSS and
 * PSS (RSS counts shared pages once per process; PSS splits them, so PSS adds up) and their sums,
 * writes data/bench/idle-rss.json (idle-rss-sources.json), and stops the stack with SIGTERM to the supervisor, as Ctrl-C
 * would. Exits non-zero if the stack did not start or stop.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mb, procCommand, procPssBytes, procStatusBytes, processTree } from './proc';
import { freePort } from '../free-port';

const ROOT = path.resolve(__dirname, '..', '..');
const outputFile = (fromSources: boolean) =>
  path.join(ROOT, 'data', 'bench', fromSources ? 'idle-rss-sources.json' : 'idle-rss.json');
const READY_TIMEOUT_MS = 600_000; // a first start may build the Temporal CLI
const STOP_TIMEOUT_MS = 60_000;
const TARGET_MB = 500;

/** What a process of the stack is, from its command line (run from the sources or built). */
function roleOf(command: string): string {
  if (/^(\/bin\/)?sh -c/.test(command)) return 'sh (npm script)';
  if (/^npm\b|npm-cli/.test(command)) return 'npm';
  if (/\b(scripts|dist)\/start\b/.test(command)) return 'supervisor (start)';
  if (/\b(scripts|dist)\/setup\b/.test(command)) return 'setup (organisation)';
  if (/server start-dev/.test(command)) return 'Temporal dev server';
  if (/\b(scripts|dist)\/app\b/.test(command)) return 'worker and API (app)';
  if (/\bworker(\/index)?\.[jt]s\b/.test(command)) return 'worker';
  if (/\bapi(\/main)?\.[jt]s\b/.test(command)) return 'API';
  if (/esbuild/.test(command)) return 'esbuild service (tsx)';
  return 'other';
}

interface Row {
  pid: number;
  role: string;
  rssMb: number;
  pssMb: number;
  command: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      settle: { type: 'string', default: '20' },
      // The development start, compiled as it loads, instead of `npm start`.
      'from-sources': { type: 'boolean', default: false },
    },
  });
  const settleSeconds = Number(values.settle);
  if (!Number.isFinite(settleSeconds) || settleSeconds < 0) throw new Error('--settle must be seconds');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-idle-rss-'));
  const [apiPort, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const [cmd, args] = values['from-sources']
    ? [process.execPath, ['--import', 'tsx', 'scripts/start.ts']]
    : ['npm', ['start']];
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DUBAN_DATA_DIR: dataDir,
      API_PORT: String(apiPort),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const rootPid = child.pid!;
  console.log(`idle-rss: ${[cmd, ...args].join(' ')} (pid ${rootPid}) on ${dataDir}, API port ${apiPort}`);

  let tree: number[] = [];
  try {
    const started = Date.now();
    while (!output.includes('duban: ready')) {
      if (gone) throw new Error(`npm start exited before it was ready:\n${output}`);
      if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`not ready in time:\n${output}`);
      await sleep(200);
    }
    const readySeconds = Math.round((Date.now() - started) / 100) / 10;
    console.log(`idle-rss: ready after ${readySeconds} s; settling ${settleSeconds} s`);
    await sleep(settleSeconds * 1000);

    tree = processTree(rootPid);
    const rows: Row[] = tree.flatMap((pid) => {
      const command = procCommand(pid);
      const rss = procStatusBytes(pid, 'VmRSS');
      if (command === undefined || rss === undefined) return [];
      return [{ pid, role: roleOf(command), rssMb: mb(rss), pssMb: mb(procPssBytes(pid) ?? 0), command }];
    });
    const sum = (f: (r: Row) => number) => Math.round(rows.reduce((a, r) => a + f(r), 0) * 10) / 10;
    const totals = { rssMb: sum((r) => r.rssMb), pssMb: sum((r) => r.pssMb) };
    const load = os.loadavg().map((l) => Math.round(l * 100) / 100);

    const width = Math.max(...rows.map((r) => r.role.length));
    console.log(`\n${'process'.padEnd(width)}    pid   RSS MB   PSS MB`);
    for (const r of rows)
      console.log(
        `${r.role.padEnd(width)} ${String(r.pid).padStart(6)} ${r.rssMb.toFixed(1).padStart(8)} ${r.pssMb.toFixed(1).padStart(8)}`,
      );
    console.log(
      `${'total'.padEnd(width)} ${''.padStart(6)} ${totals.rssMb.toFixed(1).padStart(8)} ${totals.pssMb.toFixed(1).padStart(8)}`,
    );
    console.log(
      `target ≤ ${TARGET_MB} MB RSS for the whole stack: ${totals.rssMb <= TARGET_MB ? 'met' : 'NOT MET'} ` +
        `(PSS ${totals.pssMb} MB); load average ${load.join(' ')}`,
    );
    const file = outputFile(values['from-sources']);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      `${JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          command: [cmd, ...args].join(' '),
          settleSeconds,
          readySeconds,
          loadAverage: load,
          cpus: os.cpus().length,
          processes: rows,
          totals,
          targetMb: TARGET_MB,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await stopStack(rootPid, () => gone, exited);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return 0;
}

/**
 * SIGTERM to the supervisor, as Ctrl-C would: it stops the API, the worker and the dev server and
 * exits, and npm with it. Whatever of the tree is left after a minute is killed, by pid.
 */
async function stopStack(rootPid: number, gone: () => boolean, exited: Promise<void>): Promise<void> {
  const tree = processTree(rootPid);
  const supervisor = tree.find((pid) => roleOf(procCommand(pid) ?? '').startsWith('supervisor'));
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal(supervisor ?? rootPid, 'SIGTERM');
  await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
  if (gone()) {
    console.log('idle-rss: stopped');
    return;
  }
  console.error('idle-rss: the stack did not stop within a minute; killing what is left of it');
  for (const pid of tree.reverse()) signal(pid, 'SIGKILL');
  process.exitCode = 1;
}

main().then(
  (code) => (process.exitCode ||= code),
  (err: unknown) => {
    console.error('idle-rss:', err);
    process.exitCode = 1;
  },
);
