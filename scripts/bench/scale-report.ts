/**
 * The scale loader's report (scripts/bench/scale.ts): memory snapshots, the issue's targets, the
 * summary table on the console and data/bench/scale-<N>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mb, procStatusBytes } from './proc';
import { figuresOf, type PhaseFigures, type StepFigures } from './figures';
import { BURST_TARGET_MS, PREPARED_AHEAD_MINUTES, type BurstFigures } from './scale-burst';
import type { DispatchedCheck, LoadFigures } from './scale-load';
import type { ReadFigures } from './scale-reads';
import type { ReminderFigures } from './scale-histories';

const WORKER_RSS_TARGET_MB = 600;
const READ_P99_TARGET_MS = 50;

export interface MemorySnapshot {
  /** This process's RSS (/proc VmRSS): the API and the loader (and the worker, run in process). */
  rssMb: number | null;
  /** The worker's own process (dist/worker.js), when it runs as one: RSS and peak. */
  workerRssMb: number | null;
  workerHwmMb: number | null;
  /** Its peak RSS so far (VmHWM). */
  hwmMb: number | null;
  /** process.memoryUsage() of the main thread (the workflow thread's isolate is in RSS only). */
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  devServerRssMb: number | null;
}

export function memorySnapshot(temporalPid: number | undefined, workerPid?: number): MemorySnapshot {
  const orNull = (bytes: number | undefined) => (bytes === undefined ? null : mb(bytes));
  const m = process.memoryUsage();
  return {
    rssMb: orNull(procStatusBytes(process.pid, 'VmRSS')) ?? mb(m.rss),
    hwmMb: orNull(procStatusBytes(process.pid, 'VmHWM')),
    workerRssMb: orNull(procStatusBytes(workerPid, 'VmRSS')),
    workerHwmMb: orNull(procStatusBytes(workerPid, 'VmHWM')),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    devServerRssMb: orNull(procStatusBytes(temporalPid, 'VmRSS')),
  };
}

export interface Target {
  what: string;
  measured: string;
  target: string;
  met: boolean;
}

export interface ScaleReport {
  startedAt: string;
  endedAt: string;
  options: Record<string, unknown>;
  environment: { node: string; cpus: number; loadAverage: { start: number; end: number } };
  organisation: { departments: number; users: number; seconds: number };
  load: {
    /** Both phases with the policy save between them: the whole time to put N tasks in place. */
    total: LoadFigures;
    phases: { ordinary: LoadFigures; burst: LoadFigures };
    dispatched: DispatchedCheck;
    /** Pending timers of a sample of task workflows, from their histories. */
    timerSample: { workflowId: string; burst: boolean; pendingTimers: string[]; offsetMs: number | null }[];
  };
  burst:
    | (BurstFigures & {
        policyVersion: string;
        dueDate: string;
        phase: PhaseFigures;
        /** The reminder in a sample of the burst's histories: waits, runs, workflow tasks. */
        reminders: ReminderFigures;
      })
    | null;
  burstSkipped: string | null;
  reads: ReadFigures[];
  /** Each write step's latency during the load (ms), retries included. */
  steps: Record<string, StepFigures>;
  retries: number;
  memory: Record<'idle' | 'afterLoad' | 'afterReads' | 'afterBurst', MemorySnapshot | null>;
  targets: Target[];
  failures: { count: number; first: string[] };
}

export function targetsOf(r: Omit<ScaleReport, 'targets'>): Target[] {
  const targets: Target[] = [];
  const after = r.memory.afterLoad;
  const own = after?.workerRssMb != null;
  const rss = own ? after.workerRssMb : after?.rssMb;
  const peak = (m: MemorySnapshot | null) => (own ? m?.workerHwmMb : m?.hwmMb);
  if (rss != null)
    targets.push({
      what: `RSS after loading ${r.load.dispatched.dispatched} tasks (${own ? 'the worker process' : 'worker + API + loader, one process'})`,
      measured: `${rss} MB (peak ${peak(r.memory.afterBurst) ?? peak(after) ?? '?'} MB)`,
      target: `≤ ${WORKER_RSS_TARGET_MB} MB`,
      met: rss <= WORKER_RSS_TARGET_MB,
    });
  for (const read of r.reads)
    targets.push({
      what: `${read.label} p99, ${read.concurrency} at a time (${read.count} reads, ${read.total ?? '?'} rows)`,
      measured: `${read.p99} ms (p50 ${read.p50} ms)`,
      target: `≤ ${READ_P99_TARGET_MS} ms`,
      met: read.count > 0 && read.p99 <= READ_P99_TARGET_MS,
    });
  if (r.burst)
    targets.push({
      what: `burst: ${r.burst.expected} ${r.burst.rung} notices due at ${r.burst.at}`,
      measured: `${r.burst.withinTarget}/${r.burst.expected} within ${BURST_TARGET_MS / 1000} s; max ${r.burst.lateness.max} ms`,
      target: `all within ${BURST_TARGET_MS / 1000} s`,
      met: r.burst.withinTarget === r.burst.expected && r.burst.expected > 0,
    });
  return targets;
}

/** Columns as a terminal shows them: a Chinese character takes two. */
const width = (text: string) => [...text].reduce((w, ch) => w + (/[\u2e80-\uffef]/.test(ch) ? 2 : 1), 0);

const table = (rows: string[][], align: ('l' | 'r')[]) => {
  const widths = align.map((_, c) => Math.max(...rows.map((row) => width(row[c] ?? ''))));
  const pad = (cell: string, c: number) => {
    const fill = ' '.repeat(widths[c]! - width(cell));
    return align[c] === 'l' ? cell + fill : fill + cell;
  };
  return rows.map((row) => row.map(pad).join('  ').trimEnd()).join('\n');
};

const figureCells = (f: StepFigures) => [f.count, f.p50, f.p95, f.p99, f.max].map(String);

function printLoad(r: ScaleReport): void {
  const { total, phases, dispatched } = r.load;
  console.log(`
load        ${total.tasks} tasks in ${total.directives} directives: ${total.wallSeconds} s wall, ${total.tasksPerSecond} tasks/s
            (ordinary ${phases.ordinary.tasks} tasks in ${phases.ordinary.wallSeconds} s, burst ${phases.burst.tasks} in ${phases.burst.wallSeconds} s; ${r.retries} step(s) sent again after 503)
checked     ${dispatched.dispatched}/${dispatched.expected} task rows DISPATCHED (${dispatched.rows} rows), ${dispatched.runningTaskWorkflows ?? '?'} task workflows running
organisation ${r.organisation.departments} departments, ${r.organisation.users} accounts in ${r.organisation.seconds} s`);
  for (const t of r.load.timerSample.filter((x) => !x.burst))
    console.log(`timers      ${t.workflowId}: pending ${t.pendingTimers.join(', ') || 'none'}`);
  const offsets = r.load.timerSample.flatMap((x) => (x.offsetMs === null ? [] : [x.offsetMs]));
  if (offsets.length) {
    const f = figuresOf(offsets);
    console.log(
      `timers      ${f.count} burst tasks sampled: the first timer fires at H − ${PREPARED_AHEAD_MINUTES} min + p50 ${f.p50} / max ${f.max} ms (TimerStarted + its duration)`,
    );
  }
  const steps = Object.entries(r.steps);
  if (steps.length) {
    console.log('\nwrite steps during the load (ms)');
    console.log(
      table(
        [['step', 'count', 'p50', 'p95', 'p99', 'max'], ...steps.map(([s, f]) => [s, ...figureCells(f)])],
        ['l', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
}

function printReadsAndMemory(r: ScaleReport): void {
  if (r.reads.length) {
    console.log('\nreads after loading (ms)');
    console.log(
      table(
        [
          ['read', 'at a time', 'rows', 'count', 'p50', 'p95', 'p99', 'max', 'load'],
          ...r.reads.map((x) => [
            x.label,
            String(x.concurrency),
            String(x.total ?? '?'),
            ...figureCells(x),
            x.loadAverage.toFixed(1),
          ]),
        ],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  console.log(
    '\nmemory (MB; this process holds the API and the loader, and the worker unless it has its own)',
  );
  const snapshots = Object.entries(r.memory).filter((e): e is [string, MemorySnapshot] => e[1] !== null);
  console.log(
    table(
      [
        [
          'when',
          'worker RSS',
          'peak',
          'RSS',
          'peak',
          'heap used',
          'heap total',
          'external',
          'dev server RSS',
        ],
        ...snapshots.map(([when, m]) => [
          when,
          ...[
            m.workerRssMb,
            m.workerHwmMb,
            m.rssMb,
            m.hwmMb,
            m.heapUsedMb,
            m.heapTotalMb,
            m.externalMb,
            m.devServerRssMb,
          ].map((v) => String(v ?? '–')),
        ]),
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
}

function printBurst(r: ScaleReport): void {
  if (!r.burst) {
    console.log(`\nburst       skipped: ${r.burstSkipped}`);
    return;
  }
  const b = r.burst;
  const ms = (f: StepFigures) => `p50 ${f.p50} / p99 ${f.p99} / max ${f.max} ms`;
  console.log(`
burst       ${b.delivered}/${b.expected} ${b.rung} notices delivered (H = ${b.at}, policy ${b.policyVersion}, 回报期限 ${b.dueDate}), ${b.withinTarget} within ${BURST_TARGET_MS / 1000} s, ${b.early} early, ${b.rowsPerTask} row(s) per task
            lateness (in the inbox − H: the later of the row seen by the 100 ms poll and Notice.at): ${ms(b.lateness)}
            prepared ahead: ${b.prepared.beforeH} written before H; written after H − ${PREPARED_AHEAD_MINUTES} min by ${ms(b.prepared.sincePrepareAt)}
            timer lateness (Notice.at, the workflow's clock − H): ${ms(b.firedLateness)}
            delivered by H + ${Object.entries(b.deliveredBySeconds)
              .map(([sec, n]) => `${sec} s: ${n}`)
              .join(', ')}
            CPU from H − 10 s to the last notice: ${b.phase.benchCpuSeconds} s this process, ${b.phase.workerCpuSeconds ?? '–'} s worker process, ${b.phase.temporalCpuSeconds ?? '?'} s dev server, ${b.phase.otherCpuSeconds ?? '?'} s others, ${b.phase.stealSeconds ?? '?'} s stolen by the host; load ${b.phase.loadAverage.start}→${b.phase.loadAverage.end}
            worker process by thread: ${threadsText(b.phase.workerThreadCpuSeconds ?? {})}
            this process by thread: ${threadsText(b.phase.threadCpuSeconds)}; event loop ${Math.round(b.phase.eventLoopUtilization * 100)}% busy`);
  const h = b.reminders;
  console.log(`reminders   ${h.sampled} burst histories read: timer fired at H − ${PREPARED_AHEAD_MINUTES} min + ${ms(h.timerFired)}
            its workflow tasks waited for the worker ${ms(h.wait)}, the one that sent it ran ${ms(h.run)}
            ${h.workflowTasks} workflow tasks (${(h.workflowTasks / Math.max(1, h.sampled)).toFixed(2)} per reminder): ${h.stickyTimeouts} sticky timed out before the worker took it, ${h.normalQueue} then on the normal queue with the whole history (${h.movedToNormalQueue} tasks), ${h.timedOutOrFailed} timed out or failed while running`);
}

export function printReport(r: ScaleReport, file: string): void {
  printLoad(r);
  printReadsAndMemory(r);
  printBurst(r);
  console.log('\ntargets (issue 11, item 4)');
  console.log(
    table(
      [
        ['', 'measured', 'target', ''],
        ...r.targets.map((t) => [t.what, t.measured, t.target, t.met ? 'met' : 'NOT MET']),
      ],
      ['l', 'l', 'l', 'l'],
    ),
  );
  console.log(
    `\nrun         ${r.startedAt} → ${r.endedAt}; ${r.environment.cpus} CPUs, load average ${r.environment.loadAverage.start} at start, ${r.environment.loadAverage.end} at end`,
  );
  console.log(`written to  ${path.relative(process.cwd(), file)}`);
  if (r.failures.count)
    console.error(`\n${r.failures.count} failure(s):\n  ${r.failures.first.join('\n  ')}`);
}

export function writeReport(r: ScaleReport, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}

/** "node 12.3 s, tokio-runtime-w 4.1 s, …": the busiest thread names first. */
const threadsText = (threads: Record<string, number>) =>
  Object.entries(threads)
    .map(([name, seconds]) => `${name} ${seconds} s`)
    .join(', ') || '?';
