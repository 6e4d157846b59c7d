/**
 * Scale loader (issue 11, item 4): `node --import tsx scripts/bench/scale.ts --tasks N
 * [--departments D] [--per-directive K] [--concurrency C] [--burst B] [--burst-hour h]
 * [--burst-lead MIN] [--burst-timeout S] [--max-wait MIN] [--reads R] [--cached-workflows W]
 * [--sticky-timeout S] [--workflow-threads T]
 * [--worker-node-flag F]… [--profile]`.
 *
 * Puts N open department tasks (承办单位任务) in place, each with its pending reminders, then
 * measures what the issue asks of a system holding them: the worker's RSS, the read latency of the
 * lists people open (收文, a department's tasks, 待办), and a burst of B reminders falling due at
 * the same instant H (09:00, or the next whole minute), delivered within 5 s of it. Table on the console, JSON in
 * data/bench/scale-<N>.json; exits non-zero on any failure (a target not met is not a failure).
 *
 * Method, and why:
 * - **The real path.** It starts its own Duban (bench/stack.ts: a Temporal dev server on a temp
 *   SQLite file, a fresh migrated and seeded database, the real worker and API in this process) and
 *   drives the API over HTTP as the office's people would, from 收文登记 to 转办. A task is only
 *   "open with its reminders pending" if it is a DepartmentTask workflow whose deadline ladder
 *   (workflows/deadline-ladder.ts) waits on its timer: rows written behind Temporal's back would have
 *   no timers, no history and no cache entry, and measure nothing the issue is about.
 * - **The organisation** is made through the administrator's API (bench/scale-org.ts): D 承办单位
 *   (default 50), each with a head (部门负责人) and a handler (承办人).
 * - **Departments per directive.** A 拟办 names one 主办 and at most 20 会办 (api/routes/routing.ts),
 *   so a directive reaches at most K = 21 departments: N tasks take ceil(N / K) directives (the last
 *   fewer), task j going to department j mod D, so each department holds about N / D tasks.
 * - **The burst at a whole minute.** The dev server runs on the wall clock, so a reminder cannot be
 *   brought forward: it has to fall due at a real instant H. The policy's notice time is a whole
 *   minute (noticeHour and noticeMinute, China Standard Time), so H is the next whole minute at
 *   least --burst-lead minutes after the burst's load is expected to end, and the 10 minutes a
 *   reminder is prepared ahead after that (NOTICES_PREPARED_AHEAD_MS), or --burst-hour's next
 *   hh:00, the seed's 09:00 being one). The
 *   ordinary tasks are loaded first, under the policy in force, with the 办理提示's default
 *   回报期限 (10 days: their first reminder is a week away); then the office director saves a
 *   policy version with its notice time at H (PUT /api/policy; a directive keeps the policy it was
 *   registered under), and the burst's B tasks are loaded last with a 回报期限 set by hand in the
 *   拟办, H's CST date + 3 calendar days, so their remind-3 falls exactly at H
 *   (activities/deadline-clock.ts). Loading them last lets H be chosen from the rate measured on
 *   the ordinary tasks, and the burst fire on an otherwise idle system holding all N tasks. If H
 *   is more than --max-wait minutes away the burst is skipped (its tasks are loaded as ordinary).
 * - **Lateness.** A reminder is prepared 10 minutes before its instant (预备提醒,
 *   NOTICES_PREPARED_AHEAD_MS): written then, shown from H. From 10 s before the preparation is
 *   due the Notice table is polled every 100 ms for the rung's notices of the burst's tasks; each
 *   task's first row is timed when the poll sees it (so the figure is up to ~100 ms pessimistic),
 *   counted per task (a reminder goes to the department's 承办人: one row), and reaches the inbox
 *   at the later of that and its Notice.at (the inbox's own rule): its lateness is that minus H.
 *   When the rows were written, from H − 10 min, is reported beside it: the preparation's pace.
 * - **Memory and CPU.** The worker runs as production runs it, built (`npm run build`) and in a
 *   process of its own (dist/worker.js, WORKER_CACHED_WORKFLOWS or --cached-workflows, and
 *   WORKER_STICKY_TIMEOUT_SECONDS or --sticky-timeout): its RSS is
 *   the issue's figure. The API and the loader share this process.
 * - **Reads** come after the load (before H, stopped a minute before it), R of each kind one at a
 *   time, then R of each 8 at a time (bench/scale-reads.ts).
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { figuresOf, measured } from './figures';
import { traceReminders } from './scale-histories';
import { MIN_CACHED_WORKFLOWS, type WorkerTuning } from '../../core/config';
import { startBenchStack, type BenchStack } from './stack';
import {
  chooseBurstInstant,
  cstText,
  preparedAt,
  saveBurstPolicy,
  untilWatch,
  watchBurst,
  type BurstPolicy,
} from './scale-burst';
import { Recorder, ScaleApi } from './scale-http';
import {
  CLERK,
  MAX_DEPARTMENTS_PER_DIRECTIVE,
  OFFICE_DIRECTOR,
  OFFICE_PEOPLE,
  URGENCY,
  checkDispatched,
  loadDirectives,
  pendingTimers,
  planDirectives,
  type LoadFigures,
} from './scale-load';
import { CHOSEN_PASSWORD, makeDepartments, type ScaleDepartment } from './scale-org';
import { readPhase } from './scale-reads';
import { memorySnapshot, printReport, targetsOf, writeReport, type ScaleReport } from './scale-report';
import { officeSteps } from './office-steps';

const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'data', 'bench');
/** Tasks/s assumed for the burst's load when too few ordinary tasks were loaded to measure it. */
const ASSUMED_TASKS_PER_SECOND = 15;
/** The measured rate is taken with this much slack when H is chosen. */
const LOAD_ESTIMATE_SLACK = 1.3;
/** Reads stop this long before H, so they never overlap the burst. */
const READS_STOP_BEFORE_H_MS = 60_000;
/** How long after the load the task rows may take to appear. */
const DISPATCHED_TIMEOUT_MS = 120_000;
const FAILURES_SHOWN = 20;
/** Burst tasks whose pending timer is read from their history. */
const BURST_TIMER_SAMPLE = 20;
/** Burst tasks whose histories are read after the burst (bench/scale-histories.ts). */
const BURST_HISTORY_SAMPLE = 100;
const MINUTE_MS = 60_000;

interface Options {
  tasks: number;
  departments: number;
  perDirective: number;
  concurrency: number;
  burst: number;
  burstHour: number | undefined;
  burstLeadMinutes: number;
  burstTimeoutSeconds: number;
  maxWaitMinutes: number;
  reads: number;
  /**
   * The WORKER_* settings tried (--cached-workflows, --sticky-timeout, --workflow-threads); npm
   * start's defaults for the rest.
   */
  tuning: Partial<WorkerTuning>;
  /** Node options for the worker's process (e.g. a heap limit), tried as production would set them. */
  workerNodeFlags: string[];
  /**
   * CPU profiles in data/bench/cpu (bench/cpu-top.ts reads them): this process's main thread (the
   * API) during the reads and during the burst, and the worker process's threads over its life.
   */
  profile: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      tasks: { type: 'string' },
      departments: { type: 'string', default: '50' },
      'per-directive': { type: 'string' },
      concurrency: { type: 'string', default: '8' },
      burst: { type: 'string' },
      'burst-hour': { type: 'string' },
      'burst-lead': { type: 'string', default: '3' },
      'burst-timeout': { type: 'string', default: '300' },
      'max-wait': { type: 'string', default: '65' },
      reads: { type: 'string', default: '300' },
      'cached-workflows': { type: 'string' },
      'sticky-timeout': { type: 'string' },
      'workflow-threads': { type: 'string' },
      'worker-node-flag': { type: 'string', multiple: true },
      profile: { type: 'boolean', default: false },
    },
  });
  const whole = (name: keyof typeof values, min: number, max = Infinity) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be a whole number from ${min}${max < Infinity ? ` to ${max}` : ''}`);
    return n;
  };
  /** A WORKER_* setting given on the command line, or nothing (npm start's default stays). */
  const tried = (name: keyof typeof values, key: keyof WorkerTuning, min: number, max: number) =>
    values[name] === undefined ? {} : { [key]: whole(name, min, max) };
  if (values.tasks === undefined) throw new Error('--tasks N is required');
  const tasks = whole('tasks', 1);
  const departments = whole('departments', 1);
  const perDirectiveMax = Math.min(MAX_DEPARTMENTS_PER_DIRECTIVE, departments);
  return {
    tasks,
    departments,
    perDirective:
      values['per-directive'] === undefined ? perDirectiveMax : whole('per-directive', 1, perDirectiveMax),
    concurrency: whole('concurrency', 1),
    burst: values.burst === undefined ? Math.min(1000, tasks) : whole('burst', 0, tasks),
    burstHour: values['burst-hour'] === undefined ? undefined : whole('burst-hour', 0, 23),
    burstLeadMinutes: whole('burst-lead', 0),
    burstTimeoutSeconds: whole('burst-timeout', 1),
    maxWaitMinutes: whole('max-wait', 0),
    reads: whole('reads', 0),
    tuning: {
      ...tried('cached-workflows', 'cachedWorkflows', MIN_CACHED_WORKFLOWS, 100_000),
      ...tried('sticky-timeout', 'stickyTimeoutSeconds', 1, 3600),
      ...tried('workflow-threads', 'workflowThreads', 1, 16),
    },
    workerNodeFlags: values['worker-node-flag'] ?? [],
    profile: values.profile === true,
  };
}

/** What every phase works with. */
interface Run {
  opts: Options;
  stack: BenchStack;
  api: ScaleApi;
  recorder: Recorder;
  /** Idempotency keys of this run's steps start with it. */
  runId: string;
  stopped: () => boolean;
}

/** The burst's plan once H is chosen, or why there is none. */
type BurstPlan = { policy: BurstPolicy; at: number } | { skipped: string };

/**
 * Chooses H from the rate measured so far and saves the policy that puts the rung there; skips
 * the burst when H is further away than --max-wait.
 */
async function planBurst(run: Run, burstTasks: number, ordinary: LoadFigures): Promise<BurstPlan> {
  const { opts } = run;
  if (!burstTasks) return { skipped: '--burst 0' };
  const measuredRate = ordinary.tasks >= 100 && ordinary.tasksPerSecond > 0;
  const rate = measuredRate ? ordinary.tasksPerSecond : ASSUMED_TASKS_PER_SECOND;
  const expectedMs = ((burstTasks / rate) * 1000 + 30_000) * LOAD_ESTIMATE_SLACK;
  const now = Date.now();
  const at = chooseBurstInstant(now, expectedMs, opts.burstLeadMinutes * MINUTE_MS, opts.burstHour);
  const wait = Math.round((at - now) / MINUTE_MS);
  console.log(
    `scale: the burst's ${burstTasks} tasks should load in ~${Math.round(expectedMs / 1000)} s ` +
      `(${rate} tasks/s, ${measuredRate ? 'measured' : 'assumed'}); H = ${cstText(at)}, ${wait} min from now`,
  );
  if (at - now > opts.maxWaitMinutes * MINUTE_MS)
    return { skipped: `H = ${cstText(at)} is ${wait} min away, more than --max-wait ${opts.maxWaitMinutes}` };
  if (at - now < expectedMs)
    console.warn('scale: the burst may not be loaded before H (--burst-hour too soon?)');
  const policy = await saveBurstPolicy(run.api, OFFICE_DIRECTOR, at, URGENCY);
  console.log(
    `scale: policy ${policy.version} saved: notices at ${policy.noticeHour}:${String(policy.noticeMinute).padStart(2, '0')} CST; the burst's 回报期限 ${policy.dueDate}, ` +
      `its ${policy.rung.key} at ${cstText(at)}`,
  );
  return { policy, at };
}

/** The ordinary directives, then H and its policy, then the burst's directives. */
async function loadPhase(run: Run, departments: ScaleDepartment[]) {
  const { opts } = run;
  const plans = planDirectives(
    opts.tasks,
    opts.perDirective,
    departments.map((d) => d.code),
    opts.burst,
  );
  const ordinaryPlans = plans.filter((p) => !p.burst.length);
  const burstPlans = plans.filter((p) => p.burst.length);
  const ids = { taskIds: [] as string[], burstIds: new Set<string>() };
  const pool = { concurrency: opts.concurrency, stopped: run.stopped };
  console.log(
    `scale: ${opts.tasks} tasks in ${plans.length} directives (${opts.perDirective} departments each), ` +
      `${opts.concurrency} at a time; the burst's ${opts.burst} tasks last`,
  );
  const started = performance.now();
  const ordinary = await loadDirectives(run.api, run.runId, ordinaryPlans, pool, ids);
  const ordinaryIds = [...ids.taskIds];
  const burstTasks = burstPlans.reduce((sum, p) => sum + p.burst.length, 0);
  const burst = run.stopped()
    ? ({ skipped: 'stopped' } as const)
    : await planBurst(run, burstTasks, ordinary);
  const burstDueDate = 'policy' in burst ? burst.policy.dueDate : undefined;
  const burstLoad = await loadDirectives(run.api, run.runId, burstPlans, { ...pool, burstDueDate }, ids);
  const wallSeconds = (performance.now() - started) / 1000;
  const tasks = ordinary.tasks + burstLoad.tasks;
  const total: LoadFigures = {
    directives: plans.length,
    tasks,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    tasksPerSecond: Math.round((tasks / wallSeconds) * 100) / 100,
  };
  console.log(`scale: loaded ${tasks} tasks in ${total.wallSeconds} s (${total.tasksPerSecond} tasks/s)`);
  return { total, phases: { ordinary, burst: burstLoad }, burst, ordinaryIds, burstIds: ids.burstIds };
}

/** Up to `count` items spread evenly over the list, first and last included. */
const spread = <T>(items: T[], count: number): T[] =>
  items.length <= count
    ? items
    : Array.from(
        { length: count },
        (_, i) => items[Math.round((i * (items.length - 1)) / Math.max(1, count - 1))]!,
      );

/**
 * The pending timers of a few ordinary tasks and of a sample of the burst's, from their histories:
 * a burst task's first timer must fire when its reminder is to be prepared, 10 minutes before H
 * (预备提醒). The server starts a timer when the workflow task that asked for it completes, and the
 * ladder asks for `nextAt − now` with now the task's start, so a timer fires after that instant by
 * about that workflow task's run time: `offsetMs`.
 */
async function sampleTimers(run: Run, load: Awaited<ReturnType<typeof loadPhase>>) {
  const at = 'at' in load.burst ? preparedAt(load.burst.at) : undefined;
  const sample = [
    ...spread(load.ordinaryIds, 2).map((id) => ({ id, burst: false })),
    ...spread([...load.burstIds], BURST_TIMER_SAMPLE).map((id) => ({ id, burst: true })),
  ];
  const timerSample: ScaleReport['load']['timerSample'] = [];
  for (const { id, burst } of sample) {
    const timers = await pendingTimers(run.stack.temporal.client, id);
    const first = Math.min(...timers.map((t) => Date.parse(t)));
    const offsetMs = burst && at !== undefined && timers.length ? first - at : null;
    timerSample.push({ workflowId: id, burst, pendingTimers: timers, offsetMs });
    if (burst && (offsetMs === null || Math.abs(offsetMs) > 2_000))
      run.recorder.fail('check', `${id}: first timer at ${timers.join(', ') || 'none'}, not at H − 10 min`);
  }
  return timerSample;
}

/** The task rows and open workflows; the timers; the burst's load over before H. */
async function checkLoad(run: Run, load: Awaited<ReturnType<typeof loadPhase>>) {
  const { stack, recorder, opts } = run;
  const dispatched = await checkDispatched(
    stack.db,
    stack.temporal.client,
    opts.tasks,
    DISPATCHED_TIMEOUT_MS,
  );
  if (dispatched.dispatched !== opts.tasks || dispatched.rows !== opts.tasks)
    recorder.fail(
      'check',
      `${dispatched.dispatched} of ${opts.tasks} task rows DISPATCHED (${dispatched.rows} rows)`,
    );
  if (dispatched.runningTaskWorkflows !== null && dispatched.runningTaskWorkflows !== opts.tasks)
    recorder.fail(
      'check',
      `${dispatched.runningTaskWorkflows} task workflows running, expected ${opts.tasks}`,
    );
  const timerSample = await sampleTimers(run, load);
  if ('at' in load.burst && Date.now() >= load.burst.at)
    recorder.fail('burst', `the load ended after H (${cstText(load.burst.at)}): the burst is not a burst`);
  return { dispatched, timerSample };
}

function readKinds(first: ScaleDepartment, tasksOfFirst: number) {
  return [
    { label: '收文 list (clerk)', who: CLERK, url: '/api/directives' },
    { label: '承办单位 tasks (head)', who: first.head, url: '/api/tasks', expectedTotal: tasksOfFirst },
    { label: '待办 (clerk)', who: CLERK, url: '/api/todo' },
    { label: '待办 (承办人)', who: first.handler, url: '/api/todo' },
  ];
}

async function scale(run: Run): Promise<ScaleReport> {
  const { opts, stack, api, recorder } = run;
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  for (const who of OFFICE_PEOPLE) await api.signIn(who);
  const idle = memorySnapshot(stack.temporalPid, stack.workerPid);

  const orgStarted = performance.now();
  console.log(`scale: ${opts.departments} departments with a head and a handler each, through the API`);
  const departments = await makeDepartments(api, opts.departments, run.stopped);
  const orgSeconds = Math.round((performance.now() - orgStarted) / 100) / 10;

  const load = await loadPhase(run, departments);
  const checked = await checkLoad(run, load);
  const afterLoad = memorySnapshot(stack.temporalPid, stack.workerPid);
  const burstAt = 'at' in load.burst ? load.burst.at : undefined;

  console.log(`scale: reads, ${opts.reads} of each kind`);
  // Everyone signs in again for the reading: a session idle for 30 minutes (the department's people
  // were, while 100 000 tasks loaded) has lapsed.
  for (const who of OFFICE_PEOPLE) await api.signIn(who);
  for (const who of [departments[0]!.head, departments[0]!.handler]) await api.signIn(who, CHOSEN_PASSWORD);
  const readsStopped = () =>
    run.stopped() || (burstAt !== undefined && Date.now() > preparedAt(burstAt) - READS_STOP_BEFORE_H_MS);
  const tasksOfFirst = Math.ceil(opts.tasks / opts.departments);
  const reads = opts.reads
    ? await profiled(opts.profile ? 'reads' : undefined, () =>
        readPhase(api, readKinds(departments[0]!, tasksOfFirst), opts.reads, readsStopped),
      )
    : [];
  const afterReads = memorySnapshot(stack.temporalPid, stack.workerPid);

  let burst: ScaleReport['burst'] = null;
  if ('policy' in load.burst && !run.stopped()) {
    const { policy, at } = load.burst;
    console.log(`scale: waiting for H = ${cstText(at)} (${Math.round((at - Date.now()) / 1000)} s)`);
    await untilWatch(at, run.stopped);
    const [figures, phase] = await profiled(opts.profile ? 'burst' : undefined, () =>
      measured(
        stack.temporalPid,
        () =>
          watchBurst(
            stack.db,
            load.burstIds,
            policy.rung.key,
            at,
            opts.burstTimeoutSeconds * 1000,
            run.stopped,
          ),
        stack.workerPid,
      ),
    );
    const sample = spread([...load.burstIds], BURST_HISTORY_SAMPLE);
    // The timers fire when the notices are to be prepared, before H.
    const reminders = await traceReminders(stack.temporal.client, sample, preparedAt(at));
    burst = { ...figures, policyVersion: policy.version, dueDate: policy.dueDate, phase, reminders };
    if (figures.delivered < figures.expected)
      recorder.fail(
        'burst',
        `${figures.delivered} of ${figures.expected} notices delivered within ${opts.burstTimeoutSeconds} s of H`,
      );
    if (figures.early) recorder.fail('burst', `${figures.early} notice(s) sent before H`);
  }

  const report: Omit<ScaleReport, 'targets'> = {
    startedAt,
    endedAt: new Date().toISOString(),
    options: { ...opts },
    environment: {
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: {
        start: Math.round(loadAtStart * 100) / 100,
        end: Math.round(os.loadavg()[0]! * 100) / 100,
      },
    },
    organisation: { departments: departments.length, users: departments.length * 2, seconds: orgSeconds },
    load: { total: load.total, phases: load.phases, ...checked },
    burst,
    burstSkipped: 'skipped' in load.burst ? load.burst.skipped : null,
    reads,
    steps: Object.fromEntries(
      ['register', ...officeSteps({}).map((s) => s.step)]
        .filter((s) => recorder.latencies.has(s))
        .map((s) => [s, figuresOf(recorder.latencies.get(s)!)]),
    ),
    retries: recorder.retries,
    memory: {
      idle,
      afterLoad,
      afterReads,
      afterBurst: burst ? memorySnapshot(stack.temporalPid, stack.workerPid) : null,
    },
    failures: { count: recorder.failures.length, first: recorder.failures.slice(0, FAILURES_SHOWN) },
  };
  return { ...report, targets: targetsOf(report) };
}

/** Runs `phase` under the inspector's CPU profiler when named, writing data/bench/cpu/<name>-<time>.cpuprofile. */
async function profiled<T>(name: string | undefined, phase: () => Promise<T>): Promise<T> {
  if (!name) return phase();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const dir = path.join(OUTPUT_DIR, 'cpu');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}-${Date.now()}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(`scale: CPU profile of the ${name} in ${path.relative(process.cwd(), file)}`);
    session.disconnect();
  }
}

async function main(): Promise<number> {
  const opts = readOptions();
  // Temporal's INFO logs would drown the report; the loader stops the worker itself on Ctrl-C.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const stop = new AbortController();
  const onSignal = (why: string) => () => {
    console.log(`scale: ${why}; stopping`);
    stop.abort(new Error(why));
  };
  process.on('SIGINT', onSignal('interrupted'));
  process.on('SIGTERM', onSignal('terminated'));

  const stack = await startBenchStack(
    {
      floor: false,
      profile: false,
      tuning: opts.tuning,
      workerProcess: true,
      workerNodeFlags: [
        ...opts.workerNodeFlags,
        ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(OUTPUT_DIR, 'cpu')}`] : []),
      ],
    },
    (err) => {
      console.error('scale: the worker failed:', err);
      stop.abort(new Error('the worker failed'));
    },
  );
  try {
    const recorder = new Recorder();
    const run: Run = {
      opts,
      stack,
      recorder,
      api: new ScaleApi(stack.apiUrl, recorder, stop.signal),
      runId: Date.now().toString(36),
      stopped: () => stop.signal.aborted,
    };
    const report = await scale(run);
    const file = path.join(OUTPUT_DIR, `scale-${opts.tasks}.json`);
    writeReport(report, file);
    printReport(report, file);
    return report.failures.count || stop.signal.aborted ? 1 : 0;
  } finally {
    console.log('scale: stopping');
    await stack.stop();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error('scale:', err);
    process.exitCode = 1;
  },
);
