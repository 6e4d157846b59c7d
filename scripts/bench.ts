/**
 * Load benchmark: `node --import tsx scripts/bench.ts [--directives 200] [--concurrency 8] [--reads 300]
 * [--floor-directives N] [--no-floor | --floor-only] [--no-profile] [--stack-frames N] [--worker-process]
 * [--think-ms N]`.
 *
 * Starts its own Duban (Temporal dev server, fresh database, worker and API in this process; see
 * bench/stack.ts). First the raw-Temporal floor (bench/floor.ts): workflows of a directive's shape
 * that do nothing, bare and with one no-op activity per update, on the same dev server, their own
 * task queue and worker, the same lanes. Then it drives the API over HTTP as the demo users would:
 * each directive goes the whole paper route of the seed case, 收文登记 to 答复, with C directives on
 * their way at once; then it reads: the list with filters and directive details (each shape's first
 * call apart, then the measured reads, 8 lanes or C). It reports latency
 * per step, throughput and its share of each floor, CPU and memory per process, the issue's targets,
 * and (unless --no-profile) where each step's time goes: its SQL statements and Temporal calls
 * (bench/profile.ts). Table on the console, JSON in data/bench/last.json. It checks that every
 * directive is closed in the database, and exits non-zero if not or if any request failed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { DEMO_PASSWORD } from './demo-organisation';
import {
  departmentTaskWorkflowId,
  directiveWorkflowId,
  incomingRegisterWorkflowId,
} from '../workflows/definitions';
import { chinaDate } from '../workflows/incoming-document';
import {
  figuresOf,
  inPool,
  lanesOf,
  measured,
  type Lanes,
  thinker,
  type PhaseFigures,
  type StepFigures,
} from './bench/figures';
import { FLOOR_CALLS, floorPhase, type FloorFigures } from './bench/floor';
import { KeptAliveHttp } from './bench/http-client';
import { readInThread, type Read } from './bench/readers';
import { mb, procStatusBytes } from './bench/proc';
import {
  counters,
  profileSteps,
  STEP_HEADER,
  summariseHistory,
  type Profile,
  type SentStep,
  type StepProfile,
} from './bench/profile';
import { startBenchStack, type BenchStack } from './bench/stack';
import { CLERK, officeSteps } from './bench/office-steps';

const OUTPUT = path.resolve(__dirname, '..', 'data', 'bench', 'last.json');
const REQUEST_TIMEOUT_MS = 60_000;
/** How long after the last 回报 is accepted the projection may take to say 办结 (CLOSED). */
const CLOSE_TIMEOUT_MS = 60_000;
const CLOSE_POLL_MS = 25;
const SAMPLE_EVERY_MS = 250;
const ERRORS_SHOWN = 10;

// ---------------------------------------------------------------------------------------------
// The route, with the request bodies of test/api/routing.test.ts

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

/** The office's steps up to 转办, with the seed's 拟办. */
const OFFICE_STEPS = officeSteps({
  leadDepartment: 'GDFGW',
  coDepartments: ['GDCZT'],
  handlingOption: 1,
  leaders: ['u-chunxin'],
  comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
});

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
  /** Run the raw-Temporal floor (both variants) before Duban. */
  floor: boolean;
  /** Run Duban (false with --floor-only). */
  duban: boolean;
  floorDirectives: number;
  /** Count statements and calls per step and read the histories afterwards. */
  profile: boolean;
  /** Frames per stack trace in Duban's workflow code (WORKER_STACK_FRAMES); npm start's otherwise. */
  stackFrames: number | undefined;
  /**
   * Duban's worker as production runs it as a service: built, a process of its own (dist/worker.js),
   * beside the API in this process; otherwise both share this process, as `npm start` runs them.
   */
  workerProcess: boolean;
  /**
   * Each lane's mean pause before an action, in ms (exponential; bench/figures.ts thinker), as a
   * person reads the screen before acting; the floor's lanes pause alike. 0, the default, is the
   * closed loop: every lane sends its next request the moment the last is answered.
   */
  thinkMs: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      directives: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '8' },
      reads: { type: 'string', default: '300' },
      'floor-directives': { type: 'string' },
      'no-floor': { type: 'boolean', default: false },
      'floor-only': { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      'stack-frames': { type: 'string' },
      'worker-process': { type: 'boolean', default: false },
      'think-ms': { type: 'string', default: '0' },
    },
  });
  const whole = (
    name: 'directives' | 'concurrency' | 'reads' | 'floor-directives' | 'stack-frames' | 'think-ms',
    min = 1,
  ) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number from ${min}`);
    return n;
  };
  if (values['no-floor'] && values['floor-only'])
    throw new Error('--no-floor and --floor-only exclude each other');
  // The profile counts the statements of this process's activities; a worker process's go uncounted.
  if (values['worker-process'] && !values['no-profile'] && !values['floor-only'])
    throw new Error(
      '--worker-process needs --no-profile: the profile counts statements in this process only',
    );
  const directives = whole('directives');
  return {
    directives,
    concurrency: whole('concurrency'),
    reads: whole('reads'),
    floor: !values['no-floor'],
    duban: !values['floor-only'],
    floorDirectives: values['floor-directives'] === undefined ? directives : whole('floor-directives'),
    profile: !values['no-profile'] && !values['floor-only'],
    stackFrames: values['stack-frames'] === undefined ? undefined : whole('stack-frames', 0),
    workerProcess: values['worker-process'] === true,
    thinkMs: whole('think-ms', 0),
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
  /** Each step request with its workflow and epoch times, for the profile. */
  readonly sent: SentStep[] = [];
  /** Workflows a step failed on (a refusal, a 503 after STEP_WAIT_SECONDS), to keep their histories. */
  readonly failedWorkflows = new Set<string>();
  /** The lanes' pauses before their actions (--think-ms), all together. */
  thinkingMs = 0;

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

/** Epoch ms with the precision of performance.now(): comparable with the dev server's event times. */
const epochNow = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// HTTP, as the browser would do it

type Json = Record<string, unknown>;

/** The workflow a step's update goes to (and, for a registration, its 文号), for the profile. */
type UpdateTarget = Pick<SentStep, 'workflowId' | 'docNumber'>;

class Api {
  private readonly tokens = new Map<string, string>();
  private readonly http: KeptAliveHttp;
  private readonly think: () => Promise<number>;

  constructor(
    readonly baseUrl: string,
    private readonly recorder: Recorder,
    private readonly stop: Stop,
    thinkMs: number,
  ) {
    this.http = new KeptAliveHttp(baseUrl, REQUEST_TIMEOUT_MS, stop.abortSignal);
    this.think = thinker(thinkMs);
  }

  async signIn(username: string): Promise<void> {
    const body = await this.call('sign-in', undefined, 'POST', '/api/auth/login', 200, {
      username,
      password: DEMO_PASSWORD,
    });
    this.tokens.set(username, body.token as string);
  }

  /** A person's action: after a pause to read and fill in the screen (--think-ms), if any. */
  async post(
    step: string,
    who: string,
    url: string,
    body: object,
    target: UpdateTarget,
    expected = 200,
  ): Promise<Json> {
    const paused = await this.think(); // not `+= await`: the lanes add at once
    this.recorder.thinkingMs += paused;
    return this.call(step, who, 'POST', url, expected, body, target);
  }

  /** The bearer tokens of these signed-in people, for readers in another thread. */
  tokensOf(people: Iterable<string>): Record<string, string> {
    return Object.fromEntries([...people].map((who) => [who, this.tokens.get(who)!]));
  }

  /** One timed request; only answers with the expected status count towards the latencies. */
  private async call(
    step: string,
    who: string | undefined,
    method: string,
    url: string,
    expected: number,
    body?: object,
    target?: UpdateTarget,
  ): Promise<Json> {
    if (this.stop.requested) throw new Interrupted();
    // The step's name lets the profile put the API's statements and Temporal calls down to it.
    const headers: Record<string, string> = { 'content-type': 'application/json', [STEP_HEADER]: step };
    if (who) headers.authorization = `Bearer ${this.tokens.get(who)}`;
    const startEpoch = epochNow();
    const started = performance.now();
    const { status, text } = await this.http
      .send(method, url, headers, body && JSON.stringify(body))
      .catch((err: unknown) => {
        if (target && !this.stop.requested) this.recorder.failedWorkflows.add(target.workflowId);
        throw new StepFailure(step, `${method} ${url}: ${err instanceof Error ? err.message : String(err)}`);
      });
    const ms = performance.now() - started;
    if (status !== expected) {
      if (target) this.recorder.failedWorkflows.add(target.workflowId);
      throw new StepFailure(step, `${method} ${url} → ${status} ${text}`);
    }
    this.recorder.record(step, ms);
    if (target) this.recorder.sent.push({ step, ...target, start: startEpoch, end: startEpoch + ms });
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

const pool = (run: Run, count: number, job: (i: number) => Promise<void>) =>
  inPool(count, run.opts.concurrency, () => run.stop.requested, job);

// ---------------------------------------------------------------------------------------------
// The write phase: N directives, C at a time

/** Directive n from 收文登记 to 答复; returns its 收文编号. */
async function carryDirective({ api, recorder, ...run }: Run, n: number): Promise<string> {
  const form = registrationForm(n);
  const register = { workflowId: incomingRegisterWorkflowId(Number(form.receivedDate.slice(0, 4))) };
  const registered = await api.post(
    'register',
    CLERK,
    '/api/directives',
    form,
    {
      ...register,
      docNumber: form.docNumber,
    },
    201,
  );
  const { receiptNumber } = registered.directive as { receiptNumber: string };
  const directive = `/api/directives/${receiptNumber}`;
  const onDirective = { workflowId: directiveWorkflowId(receiptNumber) };

  for (const { step, who, path: route, body, expect } of OFFICE_STEPS) {
    const res = await api.post(step, who, `${directive}/${route}`, body, onDirective);
    expectStatus(step, res.state, expect);
  }
  let accepted = 0;
  for (const d of DEPARTMENTS) {
    const task = `${directive}/tasks/${d.code}`;
    const onTask = { workflowId: departmentTaskWorkflowId(receiptNumber, d.code) };
    const signed = await api.post('sign-for', d.handler, `${task}/sign-for`, d.signFor, onTask);
    expectStatus('sign-for', signed.task, 'SIGNED_FOR');
    const reported = await api.post('report', d.head, `${task}/report`, d.report, onTask);
    expectStatus('report', reported.task, 'REPORTED');
    const reviewed = await api.post('accept', CLERK, `${task}/review`, { decision: 'ACCEPT' }, onTask);
    expectStatus('accept', reviewed.task, 'ACCEPTED');
    accepted = performance.now();
  }
  await untilClosed(run, receiptNumber);
  recorder.record('closed (projection)', performance.now() - accepted);
  // 答复 to 国务院: the directive's workflow completes and leaves the worker's cache.
  const replied = await api.post(
    'reply',
    CLERK,
    `${directive}/reply`,
    { text: '已按要求办理完毕。', notifyDepartments: [] },
    onDirective,
  );
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
  await pool(run, run.opts.directives, async (i) => {
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
// The read phase: the lists, then the details, each measured on its own

/** A list of the bench's mix (`shape` picks it), recorded under `step`. */
function listRead(step: string, shape: number): Read {
  const { who, query } = LIST_QUERIES[shape % LIST_QUERIES.length]!;
  return { step, who, url: `/api/directives?${query}`, expect: 'page' };
}

/**
 * A directive's detail as the clerk reads it, recorded under `step`. Only the projection must say
 * CLOSED: the workflow itself stays open after 办结, awaiting the 答复 to the sender.
 */
function detailRead(step: string, receiptNumber: string): Read {
  return { step, who: CLERK, url: `/api/directives/${receiptNumber}`, expect: 'closed' };
}

/**
 * Reads sent from the readers' own thread (bench/readers.ts), `concurrency` at a time, their
 * latencies and failures recorded here.
 */
async function readsFromThread(run: Run, reads: Read[], lanes: Lanes): Promise<void> {
  const { latencies, failures } = await readInThread(
    {
      apiUrl: run.api.baseUrl,
      tokens: run.api.tokensOf(new Set(reads.map((r) => r.who))),
      reads,
      concurrency: lanes.concurrency,
      thinkMs: lanes.thinkMs,
      timeoutMs: REQUEST_TIMEOUT_MS,
      stepHeader: STEP_HEADER,
    },
    () => run.stop.requested,
  );
  for (const [step, samples] of Object.entries(latencies))
    for (const ms of samples) run.recorder.record(step, ms);
  run.recorder.failures.push(...failures);
}

/**
 * Each list's shape and the detail read once, one at a time, before the measured reads. The first
 * call of a query shape in a process compiles Prisma's plan for it and prepares SQLite's
 * statements (about 15–20 ms each); at 8 at a time the first eight lists took about 150 ms, which
 * in 300 reads is the list's p99. They are reported apart, as "first call".
 */
async function firstReads(run: Run, receiptNumbers: string[]): Promise<void> {
  const reads = LIST_QUERIES.map((_, shape) => listRead('list, first call', shape));
  if (receiptNumbers[0]) reads.push(detailRead('detail, first call', receiptNumbers[0]));
  await readsFromThread(run, reads, { concurrency: 1, thinkMs: 0 });
}

async function listReads(run: Run): Promise<void> {
  const reads = Array.from({ length: run.opts.reads }, (_, i) => listRead('list', i));
  await readsFromThread(run, reads, run.opts);
}

async function detailReads(run: Run, receiptNumbers: string[]): Promise<void> {
  if (!receiptNumbers.length) return;
  // A spread over the directives, not in order.
  const reads = Array.from({ length: run.opts.reads }, (_, i) =>
    detailRead('detail', receiptNumbers[(i * 7919) % receiptNumbers.length]!),
  );
  await readsFromThread(run, reads, run.opts);
}

// ---------------------------------------------------------------------------------------------
// Memory, per process

interface ProcessMemory {
  /** RSS when the stack had started and nothing ran yet. */
  idleRssMb: number | null;
  rssPeakMb: number | null;
  rssEndMb: number | null;
}

interface MemoryFigures {
  samples: number;
  /** This process: API, Duban's worker, the floor's worker, the load generator. */
  bench: ProcessMemory & { heapUsedPeakMb: number; heapUsedEndMb: number };
  /** The Temporal dev server (its kernel high-water mark, VmHWM, catches peaks between samples). */
  devServer: ProcessMemory & { hwmMb: number | null; pid: number | null };
}

/** Samples this process and the dev server every 250 ms from now until stop(). */
function startMemorySampler(temporalPid: number | undefined) {
  const rssOf = (pid: number | undefined) => procStatusBytes(pid, 'VmRSS');
  const peak = { rss: 0, heapUsed: 0, temporalRss: 0 };
  const idle = { rss: process.memoryUsage().rss, temporalRss: rssOf(temporalPid) };
  let samples = 0;
  let figures: MemoryFigures | undefined;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
    peak.temporalRss = Math.max(peak.temporalRss, rssOf(temporalPid) ?? 0);
    samples++;
  };
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  const orNull = (bytes: number | undefined) => (bytes === undefined ? null : mb(bytes));
  return {
    /** Stops sampling (once); call while the dev server still runs, so its end figures exist. */
    stop(): MemoryFigures {
      if (figures) return figures;
      clearInterval(timer);
      sample();
      const { rss, heapUsed } = process.memoryUsage();
      figures = {
        samples,
        bench: {
          idleRssMb: mb(idle.rss),
          rssPeakMb: mb(peak.rss),
          rssEndMb: mb(rss),
          heapUsedPeakMb: mb(peak.heapUsed),
          heapUsedEndMb: mb(heapUsed),
        },
        devServer: {
          pid: temporalPid ?? null,
          idleRssMb: orNull(idle.temporalRss),
          rssPeakMb: temporalPid === undefined ? null : mb(peak.temporalRss),
          rssEndMb: orNull(rssOf(temporalPid)),
          hwmMb: orNull(procStatusBytes(temporalPid, 'VmHWM')),
        },
      };
      return figures;
    },
  };
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
// The issue's targets (issue 11), as far as this run can tell

interface TargetCheck {
  what: string;
  today: string;
  target: string;
  met: boolean;
}

const WRITE_STEPS = ['register', ...OFFICE_STEPS.map((s) => s.step), 'sign-for', 'report', 'accept', 'reply'];
const pct = (ratio: number) => Math.round(ratio * 1000) / 10;

function targetsOf(r: Omit<Report, 'targets'>): TargetCheck[] {
  const targets: TargetCheck[] = [];
  const bare = r.floor.find((f) => f.variant === 'bare');
  // With pauses the lanes set the pace, not the system: no share of the floor means anything then.
  if (r.throughput && bare?.directivesPerSecond && !r.options.thinkMs) {
    const share = r.throughput.directivesPerSecond / bare.directivesPerSecond;
    targets.push({
      what: `throughput, share of the bare floor at ${r.options.concurrency} concurrent`,
      today: `${pct(share)} % (${r.throughput.directivesPerSecond}/s of ${bare.directivesPerSecond}/s)`,
      target: '≥ 60 %',
      met: share >= 0.6,
    });
  }
  const human = r.humanActions;
  if (human?.count) {
    const wide = r.options.concurrency >= 50;
    const lanes = lanesOf(r.options);
    if (!wide)
      targets.push({
        what: `human action p50, ${lanes}`,
        today: `${human.p50} ms`,
        target: '≤ 60 ms',
        met: human.p50 <= 60,
      });
    const limit = wide ? 500 : 200;
    targets.push({
      what: `human action p99, ${lanes}`,
      today: `${human.p99} ms`,
      target: `≤ ${limit} ms`,
      met: human.p99 <= limit,
    });
  }
  for (const read of ['list', 'detail'])
    if (r.steps[read])
      targets.push({
        what: `${read} p99`,
        // With a handful of reads a p99 says little: the count stands beside it.
        today: `${r.steps[read].p99} ms (p50 ${r.steps[read].p50} ms, ${r.steps[read].count} reads)`,
        target: '≤ 50 ms',
        met: r.steps[read].p99 <= 50,
      });
  if (r.verification)
    targets.push({
      what: 'failed requests; directives verified CLOSED',
      today: `${r.failures.count}; ${r.verification.closed}/${r.options.directives}`,
      target: `0; ${r.options.directives}/${r.options.directives}`,
      met: r.failures.count === 0 && r.verification.closed === r.options.directives,
    });
  return targets;
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
  /** The raw-Temporal floor, bare and with one activity per update; empty with --no-floor. */
  floor: FloorFigures[];
  /** Duban's lanes' pauses before their actions (--think-ms), all together. */
  thinkingSeconds: number;
  /** Duban's throughput, and its share (%) of each floor's. Null with --floor-only. */
  throughput: {
    directivesClosed: number;
    directivesPerSecond: number;
    percentOfFloor: Partial<Record<FloorFigures['variant'], number>>;
  } | null;
  /** The writes, then the list reads, then the detail reads. */
  phases: { write: PhaseFigures; list: PhaseFigures; detail: PhaseFigures } | null;
  /** Each step's latency (ms). */
  steps: Record<string, StepFigures>;
  /** All of a person's write steps together (register … reply): HTTP in to answer. */
  humanActions: StepFigures | null;
  targets: TargetCheck[];
  memory: MemoryFigures;
  /** Where each step's time goes (null with --no-profile). */
  profile: Profile | null;
  verification: Verification | null;
  failures: { count: number; first: string[] };
}

const table = (rows: string[][], align: ('l' | 'r')[]) => {
  const widths = align.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => (align[c] === 'l' ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    )
    .join('\n');
};

/**
 * The load is a closed loop: each lane sends its next request when the last is answered, so the
 * lanes are always waiting (Little's law): lanes × wall = the answers' times + the waits for 办结.
 * The mean answer is then fixed by the rate, and a 60 ms mean at 8 lanes needs 8 ÷ 0.06 s calls/s.
 * With pauses (--think-ms) the lanes set the pace and some idle at the end, so only the rate and
 * the pauses are told.
 */
function closedLoop(r: Report, wallSeconds: number): string {
  const human = r.humanActions;
  if (!human?.count || !wallSeconds) return '';
  const lanes = r.options.concurrency;
  const callsPerSecond = human.count / wallSeconds;
  const rate = `${lanes} lanes, ${callsPerSecond.toFixed(1)} write calls/s: mean answer ${human.mean} ms`;
  if (r.thinkingSeconds)
    return `${rate}; the lanes paused ${((r.thinkingSeconds / human.count) * 1000).toFixed(0)} ms per call on average`;
  const waits = r.steps['closed (projection)'];
  const waitSeconds = waits ? (waits.count * waits.mean) / 1000 : 0;
  const implied = ((lanes * wallSeconds - waitSeconds) / human.count) * 1000;
  const callsPerDirective = human.count / (r.throughput?.directivesClosed || 1);
  const needed = lanes / 0.06;
  return (
    `closed loop ${rate} (lanes × wall less the waits for 办结, per call: ${implied.toFixed(1)} ms); ` +
    `a 60 ms mean needs ${needed.toFixed(0)} calls/s, ${(needed / callsPerDirective).toFixed(2)} directives/s`
  );
}

/**
 * CPU per directive, or per read, of each process; for reads the API's one main thread answers
 * them all, so this bounds their rate.
 */
const cpuPer = (what: 'directive' | 'read', p: PhaseFigures, n: number) => {
  const ms = (seconds: number) => ((seconds / n) * 1000).toFixed(what === 'read' ? 2 : 0);
  return n
    ? `CPU per ${what} ${ms(p.benchCpuSeconds)} ms bench process + ` +
        (p.workerCpuSeconds === null ? '' : `${ms(p.workerCpuSeconds)} ms worker process + `) +
        `${p.temporalCpuSeconds === null ? '?' : ms(p.temporalCpuSeconds)} ms dev server`
    : '';
};

function printFloor(r: Report): void {
  if (!r.floor.length) return;
  const rows = [['floor', 'directives/s', 'calls', 'mean', 'p50', 'p95', 'p99', 'max', 'wall s', 'load']];
  for (const f of r.floor)
    rows.push([
      `${f.variant} (${f.description})`,
      String(f.directivesPerSecond),
      String(f.perCall.count),
      ...(['mean', 'p50', 'p95', 'p99', 'max'] as const).map((c) => String(f.perCall[c])),
      String(f.phase.wallSeconds),
      `${f.phase.loadAverage.start.toFixed(1)}→${f.phase.loadAverage.end.toFixed(1)}`,
    ]);
  console.log(`\nraw-Temporal floor, ${FLOOR_CALLS} calls per directive (latency per call, ms)`);
  console.log(table(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
  for (const f of r.floor) {
    console.log(
      `  ${f.variant}: ${cpuPer('directive', f.phase, f.completed)}; ${f.tasksPerDirective.workflowTasks} workflow tasks and ` +
        `${f.tasksPerDirective.activityTasks} activity tasks per directive; other processes ${f.phase.otherCpuSeconds ?? '?'} CPU s meanwhile, ${f.phase.stealSeconds ?? '?'} s stolen by the host; ${f.failures.count} failure(s)`,
    );
    for (const e of f.failures.first) console.error(`    ${e}`);
  }
}

function printProfile(p: Profile): void {
  const steps = Object.entries(p.steps);
  if (!steps.length) return;
  const n = (x: number) => String(x);
  const kinds = (k: Record<string, number>) =>
    Object.entries(k)
      .map(([name, v]) => `${v}×${name}`)
      .join(' ');
  console.log('\nwhere a step’s time goes (means per request, ms): HTTP = API before + Temporal + API after');
  console.log(
    table(
      [
        ['step', 'HTTP', 'API before', 'Temporal', 'API after', 'WT wait', 'WT run', 'act wait', 'act run'],
        ...steps.map(([step, s]) => [
          step,
          n(s.httpMs),
          n(s.apiBeforeMs),
          n(s.temporalMs),
          n(s.apiAfterMs),
          n(s.wtWaitMs),
          n(s.wtRunMs),
          n(s.activityWaitMs),
          n(s.activityRunMs),
        ]),
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log('\nround trips and statements per request');
  console.log(
    table(
      [
        ['step', 'update', 'API→Temporal', 'WTs', 'activities', 'API SQL (ms)', 'activity SQL (ms)'],
        ...steps.map(([step, s]) => [
          step,
          s.update,
          `${s.apiTemporalCalls} (${kinds(s.apiTemporalCallMethods)})`,
          n(s.workflowTasks),
          `${s.activityTasks} (${kinds(s.activityTypes)})`,
          `${s.apiStatements} (${s.apiStatementMs})`,
          `${s.activityStatements} (${s.activityStatementMs})`,
        ]),
      ],
      ['l', 'l', 'l', 'r', 'l', 'r', 'r'],
    ),
  );
  const total = (f: (s: StepProfile) => number) =>
    Math.round(steps.reduce((a, [step, s]) => a + f(s) * stepsPerDirective(step), 0) * 10) / 10;
  console.log(
    `per directive: ${total((s) => s.apiTemporalCalls)} API→Temporal calls, ` +
      `${total((s) => s.workflowTasks)} workflow tasks and ${total((s) => s.activityTasks)} activities in updates, ` +
      `${total((s) => s.apiStatements)} API SQL statements (${total((s) => s.apiStatementMs)} ms), ` +
      `${total((s) => s.activityStatements)} activity SQL statements (${total((s) => s.activityStatementMs)} ms)`,
  );
  for (const [kind, o] of Object.entries(p.outsideUpdates))
    if (o.workflowTasks || o.activityTasks)
      console.log(
        `  outside updates, ${kind} workflows: ${o.workflowTasks} workflow tasks, ${o.activityTasks} activities (${kinds(o.activityTypes)}) per directive`,
      );
  const outside = Object.values(p.outsideUpdates);
  const sumOutside = (f: (o: (typeof outside)[number]) => number) =>
    outside.reduce((acc, o) => acc + f(o), 0);
  console.log(
    `  in all: ${Math.round((total((s) => s.workflowTasks) + sumOutside((o) => o.workflowTasks)) * 10) / 10} workflow tasks, ` +
      `${Math.round((total((s) => s.activityTasks) + sumOutside((o) => o.activityTasks)) * 10) / 10} activity tasks per directive`,
  );
  for (const [step, s] of Object.entries(p.reads))
    console.log(
      `  ${step}: ${s.apiStatements} SQL statements (${s.apiStatementMs} ms), ` +
        `${s.apiTemporalCalls} Temporal calls (${kinds(s.apiTemporalCallMethods)}) per request`,
    );
  console.log(
    `  the bench's own checks: ${p.otherStatementsPerDirective} SQL statements per directive; ${p.unmatchedRequests} request(s) not matched to an update`,
  );
}

/** How often a step comes in one directive's route. */
function stepsPerDirective(step: string): number {
  if (['sign-for', 'report', 'accept'].includes(step)) return DEPARTMENTS.length;
  return 1;
}

function printReport(r: Report): void {
  printFloor(r);
  const cols = ['count', 'mean', 'p50', 'p95', 'p99', 'max'] as const;
  const rows = [['step', ...cols]];
  for (const [step, f] of Object.entries(r.steps)) rows.push([step, ...cols.map((c) => String(f[c]))]);
  if (r.humanActions) rows.push(['(all write steps)', ...cols.map((c) => String(r.humanActions![c]))]);
  if (Object.keys(r.steps).length) {
    console.log('\nDuban (latency, ms)');
    console.log(table(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']));
  }
  const phase = (name: string, p: PhaseFigures) =>
    `${name}: ${p.wallSeconds} s wall; CPU ${p.benchCpuSeconds} s bench process, ` +
    (p.workerCpuSeconds === null ? '' : `${p.workerCpuSeconds} s worker process, `) +
    `${p.temporalCpuSeconds ?? '?'} s dev server, ${p.otherCpuSeconds ?? '?'} s other processes, ` +
    `${p.stealSeconds ?? '?'} s stolen by the host; ` +
    `event loop ${Math.round(p.eventLoopUtilization * 100)}% busy; ` +
    `load ${p.loadAverage.start.toFixed(1)}→${p.loadAverage.end.toFixed(1)}`;
  if (r.throughput && r.phases) {
    const { write, list, detail } = r.phases;
    // With pauses the lanes set the pace: no share of the floor means anything then.
    const shares = Object.entries(r.options.thinkMs ? {} : r.throughput.percentOfFloor)
      .map(([variant, share]) => `${share} % of the ${variant} floor`)
      .join(', ');
    console.log(`
throughput  ${r.throughput.directivesClosed} directives closed in ${write.wallSeconds} s = ${r.throughput.directivesPerSecond}/s (concurrency ${r.options.concurrency})${shares ? `: ${shares}` : ''}
${phase('writes', write)}
            ${cpuPer('directive', write, r.throughput.directivesClosed)}
${phase('lists ', list)}
            ${cpuPer('read', list, r.options.reads)}
${phase('detail', detail)}
            ${cpuPer('read', detail, r.options.reads)}
${closedLoop(r, write.wallSeconds)}`);
  }
  const m = r.memory;
  const proc = (p: ProcessMemory) =>
    `idle ${p.idleRssMb ?? '?'} MB, peak ${p.rssPeakMb ?? '?'} MB, end ${p.rssEndMb ?? '?'} MB`;
  console.log(`memory (RSS, ${m.samples} samples)
  bench process (API, workers, load generator): ${proc(m.bench)}; heap used peak ${m.bench.heapUsedPeakMb} MB
  dev server (pid ${m.devServer.pid ?? '?'}): ${proc(m.devServer)} (VmHWM ${m.devServer.hwmMb ?? '?'} MB)
machine     ${r.environment.cpus} CPUs, load average ${r.environment.loadAverage.start.toFixed(1)} at start, ${r.environment.loadAverage.end.toFixed(1)} at end`);
  if (r.verification)
    console.log(
      `verified    ${r.verification.closed}/${r.verification.directives} directives CLOSED, ${r.verification.tasksAccepted}/${r.verification.tasks} tasks ACCEPTED; ${r.failures.count} failure(s)`,
    );
  if (r.profile) printProfile(r.profile);
  if (r.targets.length) {
    console.log('\ntargets (issue 11)');
    console.log(
      table(
        [
          ['', 'today', 'target', ''],
          ...r.targets.map((t) => [t.what, t.today, t.target, t.met ? 'met' : 'NOT MET']),
        ],
        ['l', 'l', 'l', 'l'],
      ),
    );
  }
  console.log(`written to  ${path.relative(process.cwd(), OUTPUT)}`);
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
    ...WRITE_STEPS.slice(0, -1),
    'closed (projection)',
    'reply',
    'list, first call',
    'detail, first call',
    'list',
    'detail',
  ];
  const steps = [...recorder.latencies.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return Object.fromEntries(steps.map((s) => [s, figuresOf(recorder.latencies.get(s)!)]));
}

/**
 * The histories of the workflows steps failed on (the first few), into data/bench/failed/, with
 * their longest waits on the console: the stack and its dev server are gone once the bench ends.
 */
async function keepFailedHistories(stack: BenchStack, recorder: Recorder): Promise<void> {
  const dir = path.join(path.dirname(OUTPUT), 'failed');
  for (const workflowId of [...recorder.failedWorkflows].slice(0, 5)) {
    try {
      const summary = await summariseHistory(stack.temporal.client, workflowId);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${workflowId.replace(/[^\w.-]+/g, '_')}.json`);
      fs.writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
      const gaps = summary.longestGaps.map(
        (g) => `${g.ms} ms after ${g.afterEvent}, before ${g.beforeEvent}`,
      );
      console.log(
        `bench: a step failed on ${workflowId}; its history is in ${path.relative(process.cwd(), file)}`,
      );
      console.log(`       longest waits: ${gaps.join('; ')}`);
    } catch (err) {
      console.error(`bench: could not read the history of ${workflowId}:`, err);
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** The workflow kinds of the profile's outside-updates figures. */
const workflowKind = (workflowId: string) =>
  workflowId.startsWith('incoming-register-') ? 'register' : workflowId.includes('/') ? 'task' : 'directive';

async function benchmark(stack: BenchStack, opts: Options, stop: Stop): Promise<Report> {
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const recorder = new Recorder();
  const api = new Api(stack.apiUrl, recorder, stop, opts.thinkMs);
  const run: Run = { api, db: stack.db, opts, recorder, stop };
  const memory = startMemorySampler(stack.temporalPid);
  try {
    const floor =
      opts.floor && stack.floorWorker
        ? await floorPhase(
            {
              client: stack.temporal.client,
              directives: opts.floorDirectives,
              concurrency: opts.concurrency,
              thinkMs: opts.thinkMs,
              temporalPid: stack.temporalPid,
              stopped: () => stop.requested,
            },
            stack.floorWorker,
          )
        : [];

    let duban: Pick<Report, 'throughput' | 'phases' | 'profile' | 'verification'> = {
      throughput: null,
      phases: null,
      profile: null,
      verification: null,
    };
    if (opts.duban && !stop.requested) {
      for (const user of USERS) await run.api.signIn(user);
      counters.reset();
      counters.on = opts.profile;
      console.log(`bench: Duban: ${opts.directives} directives, ${lanesOf(opts)}`);
      const [receiptNumbers, write] = await measured(
        stack.temporalPid,
        () => writePhase(run),
        stack.workerPid,
      );
      console.log(`bench: ${opts.reads} list and ${opts.reads} detail reads`);
      await firstReads(run, receiptNumbers);
      const [, list] = await measured(stack.temporalPid, () => listReads(run), stack.workerPid);
      const [, detail] = await measured(
        stack.temporalPid,
        () => detailReads(run, receiptNumbers),
        stack.workerPid,
      );
      counters.on = false;
      const verification = await verify(stack.db, opts, recorder);
      const closed = receiptNumbers.length;
      const perSecond = Math.round((closed / write.wallSeconds) * 100) / 100;
      const percentOfFloor = Object.fromEntries(
        floor
          .filter((f) => f.directivesPerSecond)
          .map((f) => [f.variant, pct(perSecond / f.directivesPerSecond)]),
      );
      await keepFailedHistories(stack, recorder);
      let profile: Profile | null = null;
      if (opts.profile && !stop.requested) {
        console.log('bench: reading the histories for the profile');
        profile = await profileSteps(stack.temporal.client, recorder.sent, workflowKind, closed);
      }
      duban = {
        throughput: { directivesClosed: closed, directivesPerSecond: perSecond, percentOfFloor },
        phases: { write, list, detail },
        profile,
        verification,
      };
    }

    const writeSamples = WRITE_STEPS.flatMap((s) => recorder.latencies.get(s) ?? []);
    const report: Omit<Report, 'targets'> = {
      startedAt,
      interrupted: stop.requested,
      options: opts,
      environment: {
        node: process.version,
        cpus: os.cpus().length,
        platform: process.platform,
        loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
      },
      floor,
      thinkingSeconds: Math.round(recorder.thinkingMs) / 1000,
      ...duban,
      steps: stepFigures(recorder),
      humanActions: writeSamples.length ? figuresOf(writeSamples) : null,
      memory: memory.stop(),
      failures: {
        count: recorder.failures.length + floor.reduce((a, f) => a + f.failures.count, 0),
        first: [...recorder.failures, ...floor.flatMap((f) => f.failures.first)].slice(0, ERRORS_SHOWN),
      },
    };
    return { ...report, targets: targetsOf(report) };
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

  const stackOptions = {
    floor: opts.floor,
    profile: opts.profile,
    tuning: opts.stackFrames === undefined ? {} : { stackFrames: opts.stackFrames },
    workerProcess: opts.workerProcess,
  };
  const stack = await startBenchStack(stackOptions, (err) => {
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
