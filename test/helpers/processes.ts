/** Spawning the project's own commands in tests, and watching what they print. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
export { freePort } from '../../scripts/free-port';

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output contains text; rejects if the process exits or time runs out first. */
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
  exited(timeoutMs: number): Promise<number | null>;
}

export function spawnCommand(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Spawned {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitForOutput: (text, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`no "${text}" within ${timeoutMs} ms; output:\n${out}`)),
          timeoutMs,
        );
        const poll = setInterval(() => out.includes(text) && done(), 100);
        void exit.then((code) => done(new Error(`exited (${code}) before "${text}"; output:\n${out}`)));
        let settled = false;
        function done(err?: Error) {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearInterval(poll);
          if (err && !out.includes(text)) reject(err);
          else resolve();
        }
      }),
    exited: (timeoutMs) =>
      Promise.race([
        exit,
        new Promise<null>((_, reject) =>
          setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs).unref(),
        ),
      ]),
  };
}

/** Processes whose command line mentions text (e.g. a test's own data directory). */
export function processesMentioning(text: string): string[] {
  const r = spawnSync('pgrep', ['-af', text], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((line) => line.trim() && !line.includes('pgrep'));
}

/** The parts `npm start` runs and supervises; each one's pid is in `<data>/run/<part>.pid`. */
/** The parts `npm start` runs: the dev server, and the worker with the API (scripts/app.ts). */
export type StartedPart = 'temporal' | 'app';

/** The pid `npm start` recorded for a part, or undefined before it was started. */
export function recordedPid(dataDir: string, part: StartedPart): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(dataDir, 'run', `${part}.pid`), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
