/**
 * Load benchmark: `node --import tsx scripts/bench.ts [--directives 200] [--concurrency 8] [--reads 300]`.
 *
 * Starts its own Duban (Temporal dev server, fresh database, worker and API in this process; see
 * bench/stack.ts) and drives the API over HTTP as the demo users would: each directive goes the
 * whole paper route of the seed case, 收文登记 to 办结, with C directives on their way at once.
 * Then it reads: the list with filters and directive details. It reports latency per step,
 * throughput, CPU and memory (table, and JSON in data/bench/last.json), checks that every
 * directive is closed in the database, and exits non-zero if not or if any request failed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { DEMO_PASSWORD } from './demo-organisation';
import { chinaDate } from '../workflows/incoming-document';
import { startBenchStack, type BenchStack } from './bench/stack';

const OUTPUT = path.resolve(__dirname, '..', 'data', 'bench', 'last.json');
const REQUEST_TIMEOUT_MS = 60_000;
/** How long after the last 回报 is accepted the projection may take to say 办结 (CLOSED). */
const CLOSE_TIMEOUT_MS = 60_000;
const CLOSE_POLL_MS = 25;
const SAMPLE_EVERY_MS = 250;
const ERRORS_SHOWN = 10;

// ---------------------------------------------------------------------------------------------
// The route, with the request bodies of test/api/routing.test.ts

const CLERK = 'huangweiyan';

/**
 * The seed document's registration form (test/helpers/stack.ts SEED_DIRECTIVE), with only the
 * fields every version of the form has had: new optional fields then cannot break the benchmark.
 */
const registrationForm = (n: number) => ({
  sourceOrg: '国务院',
  docNumber: `国发〔2016〕${n}号`,
  title: `国务院关于加强政务诚信建设的指导意见（第${n}件）`,
  receivedDate: chinaDate(Date.now()), // today in China: the register refuses a future date
  urgency: '平急',
  secrecy: '非密',
});

/** The office's steps up to 转办; each answers with the directive's state. */
const OFFICE_STEPS = [
  // 初审 (the document belongs here) comes before 拟办; the status stays REGISTERED.
  {
    step: 'initial review',
    who: CLERK,
    path: 'initial-review',
    body: { decision: 'ACCEPT' },
    expect: 'REGISTERED',
  },
  {
    step: 'proposal',
    who: CLERK,
    path: 'proposal',
    body: {
      leadDepartment: 'GDFGW',
      coDepartments: ['GDCZT'],
      handlingOption: 1,
      leaders: ['u-chunxin'],
      comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
    },
    expect: 'REVIEWING',
  },
  {
    step: 'review (reviewer)',
    who: 'chenweiyan',
    path: 'review',
    body: { decision: 'APPROVE' },
    expect: 'REVIEWING',
  },
  {
    step: 'review (director)',
    who: 'zh1-director',
    path: 'review',
    body: { decision: 'APPROVE' },
    expect: 'AWAITING_INSTRUCTION',
  },
  {
    step: 'instruction',
    who: 'chunxin',
    path: 'instruction',
    body: { decision: 'APPROVE', text: '同意。' },
    expect: 'INSTRUCTED',
  },
  { step: 'dispatch', who: CLERK, path: 'dispatch', body: {}, expect: 'IN_PROGRESS' },
] as const;

/** The lead and the co-department of the proposal above, with who signs for and who reports. */
const DEPARTMENTS = [
  {
    code: 'GDFGW',
    handler: 'fgw-mishu',
    head: 'fgw-head',
    signFor: { deptReceiptNumber: '319号' },
    report: { options: [1], text: '已原文翻印发至各市、县，省府直属各部门。' },
  },
  {
    code: 'GDCZT',
    handler: 'czt-handler',
    head: 'czt-head',
    signFor: { deptReceiptNumber: '财办收〔2017〕5号' },
    report: { options: [3], text: '已翻印发至有关市、县。' },
  },
] as const;

/** Everyone who acts, each signed in once, as a person would be for a day's work. */
const USERS = [
  ...new Set([CLERK, ...OFFICE_STEPS.map((s) => s.who), ...DEPARTMENTS.flatMap((d) => [d.handler, d.head])]),
];

/** Filters a clerk or reviewer would use; the last is a department's own (scoped) list. */
const LIST_QUERIES: { who: string; query: string }[] = [
  { who: 'chenweiyan', query: 'status=CLOSED' },
  { who: 'chenweiyan', query: 'status=REVIEWING,CLOSED&sort=receiptNumber' },
  { who: 'chenweiyan', query: 'department=GDCZT' },
  { who: 'chenweiyan', query: `urgency=${encodeURIComponent('平急')}` },
  { who: 'chenweiyan', query: `q=${encodeURIComponent('政务诚信')}` },
  { who: 'chenweiyan', query: 'overdue=false&sort=dueDate' },
  { who: 'chenweiyan', query: 'pageSize=20&page=3&sort=-receiptNumber' },
  { who: 'chenweiyan', query: 'pageSize=100' },
  { who: 'czt-handler', query: 'sort=dueDate' },
];

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  directives: number;
  concurrency: number;
  reads: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      directives: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '8' },
      reads: { type: 'string', default: '300' },
    },
  });
  const positive = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number from 1`);
    return n;
  };
  return {
    directives: positive('directives'),
    concurrency: positive('concurrency'),
    reads: positive('reads'),
  };
}

// ---------------------------------------------------------------------------------------------
// Timing and failures

class StepFailure extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

/** A request not sent because the benchmark is stopping: not a failure of the system. */
class Interrupted extends Error {}

/**
 * Stopping early. The first Ctrl-C sends no new requests but lets those in flight finish: their
 * API handlers still talk to Temporal, whose connection must outlive them. A second aborts them.
 */
class Stop {
  private readonly draining = new AbortController();
  private readonly aborting = new AbortController();

  get requested(): boolean {
    return this.draining.signal.aborted;
  }

  /** Aborts requests in flight. */
  get abortSignal(): AbortSignal {
    return this.aborting.signal;
  }

  request(why: string): void {
    if (this.requested) {
      this.aborting.abort(new Error(why));
      return;
    }
    this.draining.abort(new Error(why));
    console.log(`bench: ${why}; finishing the requests in flight (again to abort them)`);
  }

  now(why: string): void {
    this.draining.abort(new Error(why));
    this.aborting.abort(new Error(why));
  }
}

class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly failures: string[] = [];

  record(step: string, ms: number): void {
    const list = this.latencies.get(step) ?? [];
    list.push(ms);
    this.latencies.set(step, list);
  }

  fail(what: string, err: unknown): void {
    if (err instanceof Interrupted) return;
    const step = err instanceof StepFailure ? `${err.step}: ` : '';
    this.failures.push(`${what} ${step}${err instanceof Error ? err.message : String(err)}`);
  }
}

interface StepFigures {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles, in ms with one decimal. */
function figuresOf(samples: number[]): StepFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    count: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(at(100)),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP, as the browser would do it

type Json = Record<string, unknown>;

class Api {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    private readonly recorder: Recorder,
    private readonly stop: Stop,
  ) {}

  async signIn(username: string): Promise<void> {
    const body = await this.call('sign-in', undefined, 'POST', '/api/auth/login', 200, {
      username,
      password: DEMO_PASSWORD,
    });
    this.tokens.set(username, body.token as string);
  }

  post(step: string, who: string, url: string, body: object, expected = 200): Promise<Json> {
    return this.call(step, who, 'POST', url, expected, body);
  }

  get(step: string, who: string, url: string): Promise<Json> {
    return this.call(step, who, 'GET', url, 200);
  }

  /** One timed request; only answers with the expected status count towards the latencies. */
  private async call(
    step: string,
    who: string | undefined,
    method: string,
    url: string,
    expected: number,
    body?: object,
  ): Promise<Json> {
    if (this.stop.requested) throw new Interrupted();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (who) headers.authorization = `Bearer ${this.tokens.get(who)}`;
    const started = performance.now();
    const res = await fetch(this.baseUrl + url, {
      method,
      headers,
      body: body && JSON.stringify(body),
      signal: AbortSignal.any([this.stop.abortSignal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    }).catch((err: unknown) => {
      throw new StepFailure(step, `${method} ${url}: ${err instanceof Error ? err.message : String(err)}`);
    });
    const text = await res.text();
    const ms = performance.now() - started;
    if (res.status !== expected) throw new StepFailure(step, `${method} ${url} → ${res.status} ${text}`);
    this.recorder.record(step, ms);
    return JSON.parse(text) as Json;
  }
}

/** A state the step should have led to; anything else is a failure of the step. */
function expectStatus(step: string, got: unknown, want: string): void {
  const status = (got as { status?: unknown } | undefined)?.status;
  if (status !== want) throw new StepFailure(step, `status is ${String(status)}, expected ${want}`);
}

/** What every phase works with. */
interface Run {
  api: Api;
  /** The benchmark's own connection to the project database, for the projection's state. */
  db: BenchStack['db'];
  opts: Options;
  recorder: Recorder;
  stop: Stop;
}

/** Runs job(0 … count-1), at most `concurrency` at once, until stopped; job reports its own failures. */
async function inPool(run: Run, count: number, job: (i: number) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < count && !run.stop.requested) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(run.opts.concurrency, count) }, lane));
}

// ---------------------------------------------------------------------------------------------
// The write phase: N directives, C at a time

/** Directive n from 收文登记 to 办结; returns its 收文编号. */
async function carryDirective({ api, recorder, ...run }: Run, n: number): Promise<string> {
  const registered = await api.post('register', CLERK, '/api/directives', registrationForm(n), 201);
  const { receiptNumber } = registered.directive as { receiptNumber: string };
  const directive = `/api/directives/${receiptNumber}`;

  for (const { step, who, path: route, body, expect } of OFFICE_STEPS) {
    const res = await api.post(step, who, `${directive}/${route}`, body);
    expectStatus(step, res.state, expect);
  }
  let accepted = 0;
  for (const d of DEPARTMENTS) {
    const task = `${directive}/tasks/${d.code}`;
    const signed = await api.post('sign-for', d.handler, `${task}/sign-for`, d.signFor);
    expectStatus('sign-for', signed.task, 'SIGNED_FOR');
    const reported = await api.post('report', d.head, `${task}/report`, d.report);
    expectStatus('report', reported.task, 'REPORTED');
    const reviewed = await api.post('accept', CLERK, `${task}/review`, { decision: 'ACCEPT' });
    expectStatus('accept', reviewed.task, 'ACCEPTED');
    accepted = performance.now();
  }
  await untilClosed(run, receiptNumber);
  recorder.record('closed (projection)', performance.now() - accepted);
  // 答复 to 国务院: the directive's workflow completes and leaves the worker's cache.
  const replied = await api.post('reply', CLERK, `${directive}/reply`, {
    text: '已按要求办理完毕。',
    notifyDepartments: [],
  });
  expectStatus('reply', replied.state, 'CLOSED');
  return receiptNumber;
}

/**
 * The directive workflow closes (办结) a moment after the last task's report is accepted: it hears
 * that the task workflow completed, then projects CLOSED. Polled in the database, as a list would see it.
 */
async function untilClosed({ db, stop }: Pick<Run, 'db' | 'stop'>, receiptNumber: string): Promise<void> {
  const deadline = Date.now() + CLOSE_TIMEOUT_MS;
  for (;;) {
    const row = await db.directive.findUnique({ where: { receiptNumber }, select: { status: true } });
    if (row?.status === 'CLOSED') return;
    if (stop.requested) throw new Interrupted();
    if (Date.now() > deadline)
      throw new StepFailure('closed (projection)', `still ${row?.status} after ${CLOSE_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, CLOSE_POLL_MS));
  }
}

async function writePhase(run: Run): Promise<string[]> {
  const receiptNumbers: string[] = [];
  await inPool(run, run.opts.directives, async (i) => {
    const n = i + 1;
    try {
      receiptNumbers.push(await carryDirective(run, n));
    } catch (err) {
      run.recorder.fail(`directive 国发〔2016〕${n}号`, err);
    }
  });
  return receiptNumbers;
}

// ---------------------------------------------------------------------------------------------
// The read phase

async function readPhase(run: Run, receiptNumbers: string[]): Promise<void> {
  const { api, recorder } = run;
  await inPool(run, run.opts.reads, async (i) => {
    const { who, query } = LIST_QUERIES[i % LIST_QUERIES.length]!;
    try {
      const list = await api.get('list', who, `/api/directives?${query}`);
      if (typeof list.total !== 'number' || !Array.isArray(list.items))
        throw new StepFailure('list', `unexpected answer ${JSON.stringify(list).slice(0, 200)}`);
    } catch (err) {
      recorder.fail(`list ?${query}`, err);
    }
  });
  if (!receiptNumbers.length) return;
  await inPool(run, run.opts.reads, async (i) => {
    const receiptNumber = receiptNumbers[(i * 7919) % receiptNumbers.length]!; // a spread, not in order
    try {
      const res = await api.get('detail', CLERK, `/api/directives/${receiptNumber}`);
      // Only the projection: the workflow itself stays open after 办结, awaiting the 答复 to the sender.
      expectStatus('detail', res.directive, 'CLOSED');
    } catch (err) {
      recorder.fail(`detail ${receiptNumber}`, err);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// CPU and memory

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/** A field of /proc/<pid>/status in bytes (e.g. VmRSS, VmHWM), or undefined once it is gone. */
function procStatusBytes(pid: number | undefined, field: string): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used (user + system), from /proc/<pid>/stat. */
function procCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the name), in clock ticks:
    // USER_HZ is 100 on every Linux build Node runs on.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface MemoryFigures {
  samples: number;
  rssPeakMb: number;
  rssEndMb: number;
  heapUsedPeakMb: number;
  heapUsedEndMb: number;
  temporalRssPeakMb: number | null;
  temporalRssEndMb: number | null;
  /** The kernel's own high-water mark of the dev server's RSS (VmHWM), between samples too. */
  temporalHwmMb: number | null;
}

/** Samples this process and the dev server every 250 ms while the benchmark runs. */
function startMemorySampler(temporalPid: number | undefined) {
  const peak = { rss: 0, heapUsed: 0, temporalRss: 0 };
  let samples = 0;
  let figures: MemoryFigures | undefined;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
    peak.temporalRss = Math.max(peak.temporalRss, procStatusBytes(temporalPid, 'VmRSS') ?? 0);
    samples++;
  };
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  return {
    /** Stops sampling (once); call while the dev server still runs, so its end figures exist. */
    stop(): MemoryFigures {
      if (figures) return figures;
      clearInterval(timer);
      sample();
      const { rss, heapUsed } = process.memoryUsage();
      const temporal = (bytes: number | undefined) => (bytes === undefined ? null : mb(bytes));
      figures = {
        samples,
        rssPeakMb: mb(peak.rss),
        rssEndMb: mb(rss),
        heapUsedPeakMb: mb(peak.heapUsed),
        heapUsedEndMb: mb(heapUsed),
        temporalRssPeakMb: temporalPid === undefined ? null : mb(peak.temporalRss),
        temporalRssEndMb: temporal(procStatusBytes(temporalPid, 'VmRSS')),
        temporalHwmMb: temporal(procStatusBytes(temporalPid, 'VmHWM')),
      };
      return figures;
    },
  };
}

interface PhaseFigures {
  wallSeconds: number;
  /** CPU of this process: API, worker (with its workflow threads and Rust core) and the load generator. */
  benchCpuSeconds: number;
  temporalCpuSeconds: number | null;
  /** Share of the wall time the main event loop was busy (API, activities and client share it). */
  eventLoopUtilization: number;
}

/** Wall time, CPU split and event-loop load of one phase. */
async function measured<T>(
  temporalPid: number | undefined,
  run: () => Promise<T>,
): Promise<[T, PhaseFigures]> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const temporalCpu = procCpuSeconds(temporalPid);
  const elu = performance.eventLoopUtilization();
  const result = await run();
  const { user, system } = process.cpuUsage(cpu);
  const temporalNow = procCpuSeconds(temporalPid);
  const round = (n: number) => Math.round(n * 100) / 100;
  return [
    result,
    {
      wallSeconds: round((performance.now() - wall) / 1000),
      benchCpuSeconds: round((user + system) / 1e6),
      temporalCpuSeconds:
        temporalCpu === undefined || temporalNow === undefined ? null : round(temporalNow - temporalCpu),
      eventLoopUtilization: round(performance.eventLoopUtilization(elu).utilization),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Checking the outcome in the database

interface Verification {
  directives: number;
  closed: number;
  tasks: number;
  tasksAccepted: number;
}

async function verify(db: BenchStack['db'], opts: Options, recorder: Recorder): Promise<Verification> {
  const directives = await db.directive.findMany({ select: { receiptNumber: true, status: true } });
  const tasks = await db.departmentTask.groupBy({ by: ['status'], _count: true });
  const closed = directives.filter((d) => d.status === 'CLOSED').length;
  const tasksAccepted = tasks.find((t) => t.status === 'ACCEPTED')?._count ?? 0;
  const result = {
    directives: directives.length,
    closed,
    tasks: tasks.reduce((sum, t) => sum + t._count, 0),
    tasksAccepted,
  };
  if (directives.length !== opts.directives || closed !== opts.directives)
    recorder.fail(
      'verification:',
      `${closed} of ${opts.directives} directives CLOSED (${directives.length} in the database)`,
    );
  for (const d of directives.filter((x) => x.status !== 'CLOSED').slice(0, ERRORS_SHOWN))
    recorder.fail('verification:', `directive ${d.receiptNumber} is ${d.status}`);
  if (tasksAccepted !== opts.directives * DEPARTMENTS.length || result.tasks !== tasksAccepted)
    recorder.fail('verification:', `${tasksAccepted} of ${result.tasks} department tasks ACCEPTED`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

interface Report {
  startedAt: string;
  /** Stopped early (Ctrl-C): the figures cover only what ran. */
  interrupted: boolean;
  options: Options;
  /** Load average (1 min) around the run: other work on the machine skews the figures. */
  environment: { node: string; cpus: number; platform: string; loadAverage: { start: number; end: number } };
  throughput: { directivesClosed: number; directivesPerSecond: number };
  phases: { write: PhaseFigures; read: PhaseFigures };
  steps: Record<string, StepFigures>;
  memory: MemoryFigures;
  verification: Verification;
  failures: { count: number; first: string[] };
}

function printReport(r: Report): void {
  const cols = ['count', 'p50', 'p95', 'p99', 'max'] as const;
  const width = Math.max(...Object.keys(r.steps).map((s) => s.length), 4) + 2;
  console.log(`\n${'step'.padEnd(width)}${cols.map((c) => c.padStart(9)).join('')}   (latency, ms)`);
  for (const [step, f] of Object.entries(r.steps))
    console.log(`${step.padEnd(width)}${cols.map((c) => String(f[c]).padStart(9)).join('')}`);

  const { write, read } = r.phases;
  const phase = (name: string, p: PhaseFigures) =>
    `${name}: ${p.wallSeconds} s wall; CPU ${p.benchCpuSeconds} s this process, ` +
    `${p.temporalCpuSeconds ?? '?'} s dev server; event loop ${Math.round(p.eventLoopUtilization * 100)}% busy`;
  const m = r.memory;
  console.log(`
throughput  ${r.throughput.directivesClosed} directives closed in ${write.wallSeconds} s = ${r.throughput.directivesPerSecond}/s (concurrency ${r.options.concurrency})
${phase('writes', write)}
${phase('reads ', read)}
memory      this process RSS peak ${m.rssPeakMb} MB, end ${m.rssEndMb} MB; heap used peak ${m.heapUsedPeakMb} MB, end ${m.heapUsedEndMb} MB (${m.samples} samples)
            dev server RSS peak ${m.temporalRssPeakMb ?? '?'} MB (VmHWM ${m.temporalHwmMb ?? '?'} MB), end ${m.temporalRssEndMb ?? '?'} MB
machine     ${r.environment.cpus} CPUs, load average ${r.environment.loadAverage.start.toFixed(1)} at start, ${r.environment.loadAverage.end.toFixed(1)} at end
verified    ${r.verification.closed}/${r.verification.directives} directives CLOSED, ${r.verification.tasksAccepted}/${r.verification.tasks} tasks ACCEPTED; ${r.failures.count} failure(s)
written to  ${path.relative(process.cwd(), OUTPUT)}`);
  if (r.interrupted) console.log('interrupted: the figures cover only what ran before Ctrl-C');
  if (r.failures.count) console.error(`\nfirst errors:\n  ${r.failures.first.join('\n  ')}`);
}

function writeReport(r: Report): void {
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, `${JSON.stringify(r, null, 2)}\n`);
}

/** Steps in the order of the route, then reads. */
function stepFigures(recorder: Recorder): Record<string, StepFigures> {
  const order = [
    'sign-in',
    'register',
    ...OFFICE_STEPS.map((s) => s.step),
    'sign-for',
    'report',
    'accept',
    'closed (projection)',
    'reply',
    'list',
    'detail',
  ];
  const steps = [...recorder.latencies.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return Object.fromEntries(steps.map((s) => [s, figuresOf(recorder.latencies.get(s)!)]));
}

// ---------------------------------------------------------------------------------------------

async function benchmark(stack: BenchStack, opts: Options, stop: Stop): Promise<Report> {
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const recorder = new Recorder();
  const run: Run = { api: new Api(stack.apiUrl, recorder, stop), db: stack.db, opts, recorder, stop };
  const memory = startMemorySampler(stack.temporalPid);
  try {
    for (const user of USERS) await run.api.signIn(user);

    console.log(`bench: ${opts.directives} directives, ${opts.concurrency} at a time`);
    const [receiptNumbers, write] = await measured(stack.temporalPid, () => writePhase(run));
    console.log(`bench: ${opts.reads} list and ${opts.reads} detail reads`);
    const [, read] = await measured(stack.temporalPid, () => readPhase(run, receiptNumbers));

    const verification = await verify(stack.db, opts, recorder);
    return {
      startedAt,
      interrupted: stop.requested,
      options: opts,
      environment: {
        node: process.version,
        cpus: os.cpus().length,
        platform: process.platform,
        loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
      },
      throughput: {
        directivesClosed: receiptNumbers.length,
        directivesPerSecond: Math.round((receiptNumbers.length / write.wallSeconds) * 100) / 100,
      },
      phases: { write, read },
      steps: stepFigures(recorder),
      memory: memory.stop(),
      verification,
      failures: { count: recorder.failures.length, first: recorder.failures.slice(0, ERRORS_SHOWN) },
    };
  } finally {
    memory.stop(); // also when a phase throws: the timer must not keep the process alive
  }
}

async function main(): Promise<number> {
  const opts = readOptions();
  // Temporal's INFO logs would drown the report; the benchmark stops the worker itself on Ctrl-C.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const stop = new Stop();
  process.on('SIGINT', () => stop.request('interrupted'));
  process.on('SIGTERM', () => stop.request('terminated'));

  const stack = await startBenchStack((err) => {
    console.error('bench: the worker failed:', err);
    stop.now('the worker failed'); // requests waiting on it would never finish
  });
  try {
    const report = await benchmark(stack, opts, stop);
    writeReport(report);
    printReport(report);
    return report.failures.count || stop.requested ? 1 : 0;
  } finally {
    console.log('bench: stopping');
    await stack.stop();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error('bench:', err);
    process.exitCode = 1;
  },
);
