/**
 * Where a step's time goes, measured inside the bench process only (the app's code is unchanged):
 *
 * - database statements: better-sqlite3's Statement and exec are wrapped, so every SQL statement
 *   Prisma runs is counted and timed (it runs synchronously, on the thread that asked). Each is
 *   put down to the HTTP step whose request it served (the bench names the step in a header and
 *   the server runs the request in an AsyncLocalStorage scope), or to the activity that ran it;
 * - the API's Temporal calls: each method of the client's WorkflowService, counted and timed per
 *   step the same way;
 * - the worker's side: read afterwards from the workflows' histories. For each update, the
 *   workflow tasks and activity tasks between the task that accepted it and its completion, with
 *   their queue waits and run times.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { asyncLocalStorage as activityContext } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { localActivityMarker } from '../../core/local-activity-marker';

/** The request header naming the bench step a request belongs to. */
export const STEP_HEADER = 'x-bench-step';
const requestStep = new AsyncLocalStorage<string>();

/** The API's request listener, each request in the scope of the step its header names. */
export function withStepScope(app: http.RequestListener): http.RequestListener {
  return (req, res) => {
    const step = req.headers[STEP_HEADER];
    if (typeof step !== 'string') return app(req, res);
    counters.request(step);
    requestStep.run(step, () => app(req, res));
  };
}

// ---------------------------------------------------------------------------------------------
// Counting

export interface Tally {
  count: number;
  ms: number;
  /** By kind: the statement's first word (SELECT, INSERT, BEGIN …) or the RPC's method. */
  kinds: Record<string, number>;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

const emptyTally = (): Tally => ({ count: 0, ms: 0, kinds: {} });

function add(tally: Tally, kind: string, ms: number): void {
  tally.count++;
  tally.ms += ms;
  tally.kinds[kind] = (tally.kinds[kind] ?? 0) + 1;
}

function tallyIn<K>(map: Map<K, Tally>, key: K): Tally {
  let t = map.get(key);
  if (!t) map.set(key, (t = emptyTally()));
  return t;
}

/** What the counters saw since the last reset. */
export class Counters {
  /** Statements run for API requests, by step. */
  readonly apiStatements = new Map<string, Tally>();
  /** Statements run by activities, by `<workflowId>#<activityId>`. */
  readonly activityStatements = new Map<string, Tally & { type: string }>();
  /** Statements run for no request and no activity (the bench's own checks, start-up). */
  readonly otherStatements = emptyTally();
  /** The API's Temporal calls, by step. */
  readonly apiRpcs = new Map<string, Tally>();
  readonly otherRpcs = emptyTally();
  /** Requests served per step (to divide by). */
  readonly requests = new Map<string, number>();
  /** The SQL texts: the API's by step, the activities' by activity type. */
  readonly apiSql = new Map<string, Map<string, number>>();
  readonly activitySql = new Map<string, Map<string, number>>();
  on = false;

  reset(): void {
    this.apiStatements.clear();
    this.activityStatements.clear();
    Object.assign(this.otherStatements, emptyTally());
    this.apiRpcs.clear();
    Object.assign(this.otherRpcs, emptyTally());
    this.requests.clear();
    this.apiSql.clear();
    this.activitySql.clear();
  }

  request(step: string): void {
    if (this.on) this.requests.set(step, (this.requests.get(step) ?? 0) + 1);
  }

  statement(sql: string, ms: number): void {
    if (!this.on) return;
    const kind = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
    const step = requestStep.getStore();
    if (step !== undefined) {
      countSql(this.apiSql, step, sql);
      return add(tallyIn(this.apiStatements, step), kind, ms);
    }
    const info = activityContext.getStore()?.info;
    if (info) {
      countSql(this.activitySql, info.activityType, sql);
      const key = `${info.workflowExecution?.workflowId}#${info.activityId}`;
      let t = this.activityStatements.get(key);
      if (!t) this.activityStatements.set(key, (t = { ...emptyTally(), type: info.activityType }));
      return add(t, kind, ms);
    }
    add(this.otherStatements, kind, ms);
  }

  rpc(method: string, ms: number): void {
    if (!this.on) return;
    const step = requestStep.getStore();
    add(step === undefined ? this.otherRpcs : tallyIn(this.apiRpcs, step), method, ms);
  }
}

export const counters = new Counters();

function countSql(map: Map<string, Map<string, number>>, key: string, sql: string): void {
  let texts = map.get(key);
  if (!texts) map.set(key, (texts = new Map<string, number>()));
  texts.set(sql, (texts.get(sql) ?? 0) + 1);
}

/** The most frequent SQL texts per key, each shortened (texts alike so far add up), with how often per request. */
function topSql(
  map: Map<string, Map<string, number>>,
  per: (key: string) => number,
): Record<string, Record<string, number>> {
  return Object.fromEntries(
    [...map].map(([key, texts]) => {
      const short = new Map<string, number>();
      for (const [sql, n] of texts) {
        const text = sql.replace(/\s+/g, ' ').trim().slice(0, 200);
        short.set(text, (short.get(text) ?? 0) + n);
      }
      const top = [...short].sort((a, b) => b[1] - a[1]).slice(0, 25);
      return [key, Object.fromEntries(top.map(([sql, n]) => [sql, r2(n / per(key))]))];
    }),
  );
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Times a synchronous call and hands its duration on. */
function timedSync(fn: Method, done: (self: unknown, ms: number) => void): Method {
  return function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      done(this, performance.now() - started);
    }
  };
}

let installed = false;

/** Wraps better-sqlite3 (every connection of this process) once; counting starts with counters.on. */
export function countDatabaseStatements(): void {
  if (installed) return;
  installed = true;
  const probe = new BetterSqlite3(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, Method>;
  probe.close();
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const original = statementProto[name]!;
    statementProto[name] = timedSync(original, (stmt, ms) =>
      counters.statement((stmt as { source: string }).source, ms),
    );
  }
  const dbProto = BetterSqlite3.prototype as unknown as Record<string, Method>;
  const exec = dbProto.exec!;
  dbProto.exec = function (this: unknown, sql: unknown) {
    const started = performance.now();
    try {
      return exec.call(this, sql);
    } finally {
      counters.statement(String(sql), performance.now() - started);
    }
  };
}

/** Wraps the client's WorkflowService methods, so each call the API makes is counted per step. */
export function countTemporalCalls(client: Client): void {
  const service = client.connection.workflowService as unknown as Record<string, Method>;
  for (const [name, fn] of Object.entries(service)) {
    if (typeof fn !== 'function') continue;
    service[name] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await fn.apply(service, args);
      } finally {
        counters.rpc(name, performance.now() - started);
      }
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The histories

/** One HTTP step as the bench sent it; times are epoch ms (the dev server's clock is this machine's). */
export interface SentStep {
  step: string;
  /** The workflow the step's update goes to. */
  workflowId: string;
  /** For a registration: the document's 文号, to find its update among the register's. */
  docNumber?: string;
  start: number;
  end: number;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

interface UpdateWindow {
  name: string;
  /** The registration's 文号, read from the update's input. */
  docNumber?: string;
  /** When the workflow task that accepted it was scheduled (for an update that opened it: started). */
  begin: number;
  completed: number;
  workflowTasks: number;
  wtWaitMs: number;
  wtRunMs: number;
  activities: { type: string; id: string; waitMs: number; runMs: number }[];
  childStarts: number;
  childStartMs: number;
}

const time = (e: HistoryEvent | undefined) => (e ? tsToMs(e.eventTime) : NaN);
/** An event id (a Long in the protos) as a number. */
const id = (n: unknown) => Number(n);

/** The updates of one history, each with what ran between its acceptance and completion. */
function updateWindows(events: HistoryEvent[]): { windows: UpdateWindow[]; outside: UpdateWindow } {
  const byId = new Map(events.map((e) => [id(e.eventId), e]));
  const accepted = new Map<number, HistoryEvent>();
  const windows: UpdateWindow[] = [];
  const covered = new Set<number>();
  const blank = (name: string, begin: number, completed: number): UpdateWindow => ({
    name,
    begin,
    completed,
    workflowTasks: 0,
    wtWaitMs: 0,
    wtRunMs: 0,
    activities: [],
    childStarts: 0,
    childStartMs: 0,
  });
  /**
   * Adds what the events from..to (ids) did to a window. Updates that overlap (the register's,
   * under load) each count the workflow tasks they went through; an activity or a child's start
   * counts once, for the first update whose window holds it.
   */
  const collect = (w: UpdateWindow, from: number, to: number) => {
    for (let i = from; i <= to; i++) {
      const e = byId.get(i);
      if (!e) continue;
      const task = e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
      if (task || !covered.has(i)) tally(w, e);
      covered.add(i);
    }
  };
  const tally = (w: UpdateWindow, e: HistoryEvent) => {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        const started = byId.get(id(e.workflowTaskCompletedEventAttributes?.startedEventId));
        const scheduled = byId.get(id(started?.workflowTaskStartedEventAttributes?.scheduledEventId));
        w.workflowTasks++;
        w.wtWaitMs += time(started) - time(scheduled);
        w.wtRunMs += time(e) - time(started);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const a = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
        const scheduled = byId.get(id(a?.scheduledEventId));
        const started = byId.get(id(a?.startedEventId));
        const s = scheduled?.activityTaskScheduledEventAttributes;
        w.activities.push({
          type: s?.activityType?.name ?? '?',
          id: s?.activityId ?? '?',
          waitMs: time(started) - time(scheduled),
          runMs: time(e) - time(started),
        });
        break;
      }
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        // A local activity (workflows/activities.ts): run inside the workflow task, no queue wait.
        // Its run time is not in the history (the marker's complete_time is the workflow task's
        // time, not a clock reading): it is part of the workflow task's run.
        const local = localActivityMarker(e);
        if (local) w.activities.push({ type: `local:${local.type}`, id: local.id, waitMs: 0, runMs: 0 });
        break;
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const initiated = byId.get(id(e.childWorkflowExecutionStartedEventAttributes?.initiatedEventId));
        w.childStarts++;
        w.childStartMs += time(e) - time(initiated);
        break;
      }
    }
  };
  for (const e of events) {
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
      accepted.set(id(e.eventId), e);
      continue;
    }
    if (e.eventType !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) continue;
    const a = accepted.get(id(e.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId));
    const attrs = a?.workflowExecutionUpdateAcceptedEventAttributes;
    if (!a || !attrs) continue;
    const seq = id(attrs.acceptedRequestSequencingEventId);
    const input = attrs.acceptedRequest?.input;
    const w = blank(input?.name ?? '?', time(byId.get(seq)), time(e));
    w.docNumber = docNumberOf(input?.args?.payloads?.[0]);
    collect(w, seq, id(e.eventId));
    windows.push(w);
  }
  const outside = blank('', NaN, NaN);
  for (const e of events) if (!covered.has(id(e.eventId))) tally(outside, e);
  return { windows, outside };
}

function docNumberOf(payload: Payload | null | undefined): string | undefined {
  if (!payload) return undefined;
  try {
    const value = defaultPayloadConverter.fromPayload<{ document?: { docNumber?: string } }>(payload);
    return value?.document?.docNumber;
  } catch {
    return undefined;
  }
}

/** Every run's events of a workflow (the register continues as new). */
async function historiesOf(client: Client, workflowId: string): Promise<HistoryEvent[][]> {
  const runs: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
    runs.push(execution.runId);
  if (!runs.length) runs.push('');
  const histories: HistoryEvent[][] = [];
  for (const runId of runs) {
    const history = await client.workflow.getHandle(workflowId, runId || undefined).fetchHistory();
    histories.push(history.events ?? []);
  }
  return histories;
}

// ---------------------------------------------------------------------------------------------
// Per step

export interface StepProfile {
  /** Requests of the step matched to their update in a history. */
  matched: number;
  update: string;
  /** Mean ms of the HTTP call, split: API before the update's workflow task, inside Temporal, after. */
  httpMs: number;
  apiBeforeMs: number;
  temporalMs: number;
  apiAfterMs: number;
  /** Per request: workflow tasks and their queue wait and run time (ms, summed). */
  workflowTasks: number;
  wtWaitMs: number;
  wtRunMs: number;
  /** Per request: activity tasks by type, their queue wait and run time (ms, summed). */
  activityTasks: number;
  activityTypes: Record<string, number>;
  activityWaitMs: number;
  activityRunMs: number;
  childStarts: number;
  /** Per request: the API's calls to Temporal, by method, and their time. */
  apiTemporalCalls: number;
  apiTemporalCallMethods: Record<string, number>;
  apiTemporalCallMs: number;
  /** Per request: SQL statements the API ran, by kind, and their time on the thread. */
  apiStatements: number;
  apiStatementKinds: Record<string, number>;
  apiStatementMs: number;
  /** Per request: SQL statements its activities ran, and their time. */
  activityStatements: number;
  activityStatementKinds: Record<string, number>;
  activityStatementMs: number;
}

/** A step that only reads (sign-in, list, detail): what the API did per request. */
export interface ApiOnlyProfile {
  requests: number;
  apiTemporalCalls: number;
  apiTemporalCallMethods: Record<string, number>;
  apiStatements: number;
  apiStatementKinds: Record<string, number>;
  apiStatementMs: number;
}

export interface Profile {
  steps: Record<string, StepProfile>;
  /** Steps with no update: the reads. */
  reads: Record<string, ApiOnlyProfile>;
  /** The SQL the API ran per request of each step, the most frequent first. */
  apiSql: Record<string, Record<string, number>>;
  /** The SQL each activity type ran, per run of it that ran any. */
  activitySql: Record<string, Record<string, number>>;
  /** Per directive, what ran outside any update (the directive closing when its tasks end, timers). */
  outsideUpdates: Record<
    string,
    { workflowTasks: number; activityTasks: number; activityTypes: Record<string, number> }
  >;
  /** Per directive: statements of the bench's own checks (polling for CLOSED) and unattributed ones. */
  otherStatementsPerDirective: number;
  unmatchedRequests: number;
}

const perRequest = (record: Record<string, number>, n: number) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, r2(v / n)]));

/**
 * Reads the histories of the workflows the sent steps went to, matches each request to its
 * update (in order per workflow; registrations by 文号) and puts it together with the counters.
 * `kinds` names each workflow's kind for the outside-updates figures (directive, task, register).
 */
export async function profileSteps(
  client: Client,
  sent: SentStep[],
  kindOf: (workflowId: string) => string,
  directives: number,
): Promise<Profile> {
  const byWorkflow = new Map<string, SentStep[]>();
  for (const s of sent) byWorkflow.set(s.workflowId, [...(byWorkflow.get(s.workflowId) ?? []), s]);

  interface Matched {
    sent: SentStep;
    window: UpdateWindow;
    workflowId: string;
  }
  const matched: Matched[] = [];
  const outside = new Map<string, UpdateWindow[]>();
  for (const [workflowId, requests] of byWorkflow) {
    const windows: UpdateWindow[] = [];
    for (const events of await historiesOf(client, workflowId)) {
      const found = updateWindows(events);
      windows.push(...found.windows);
      const kind = kindOf(workflowId);
      outside.set(kind, [...(outside.get(kind) ?? []), found.outside]);
    }
    if (requests.some((s) => s.docNumber !== undefined)) {
      const byDoc = new Map(windows.map((w) => [w.docNumber, w]));
      for (const s of requests) {
        const w = byDoc.get(s.docNumber);
        if (w) matched.push({ sent: s, window: w, workflowId });
      }
    } else {
      // One lane carries a directive, so its requests reach the workflow in the order sent.
      requests.forEach((s, i) => windows[i] && matched.push({ sent: s, window: windows[i], workflowId }));
    }
  }

  const steps: Record<string, StepProfile> = {};
  const order = [...new Set(sent.map((s) => s.step))];
  for (const step of order) {
    const mine = matched.filter((m) => m.sent.step === step);
    const n = mine.length;
    if (!n) continue;
    const sum = (f: (m: Matched) => number) => mine.reduce((acc, m) => acc + f(m), 0);
    const mean = (f: (m: Matched) => number) => r1(sum(f) / n);
    const activityTypes: Record<string, number> = {};
    const statementKinds: Record<string, number> = {};
    let statements = 0;
    let statementMs = 0;
    for (const m of mine)
      for (const a of m.window.activities) {
        activityTypes[a.type] = (activityTypes[a.type] ?? 0) + 1;
        const t = counters.activityStatements.get(`${m.workflowId}#${a.id}`);
        if (!t) continue;
        statements += t.count;
        statementMs += t.ms;
        for (const [k, v] of Object.entries(t.kinds)) statementKinds[k] = (statementKinds[k] ?? 0) + v;
      }
    const requests = counters.requests.get(step) ?? n;
    const api = counters.apiStatements.get(step);
    const rpcs = counters.apiRpcs.get(step);
    steps[step] = {
      matched: n,
      update: mine[0]!.window.name,
      httpMs: mean((m) => m.sent.end - m.sent.start),
      apiBeforeMs: mean((m) => m.window.begin - m.sent.start),
      temporalMs: mean((m) => m.window.completed - m.window.begin),
      apiAfterMs: mean((m) => m.sent.end - m.window.completed),
      workflowTasks: r2(sum((m) => m.window.workflowTasks) / n),
      wtWaitMs: mean((m) => m.window.wtWaitMs),
      wtRunMs: mean((m) => m.window.wtRunMs),
      activityTasks: r2(sum((m) => m.window.activities.length) / n),
      activityTypes: perRequest(activityTypes, n),
      activityWaitMs: mean((m) => m.window.activities.reduce((a, x) => a + x.waitMs, 0)),
      activityRunMs: mean((m) => m.window.activities.reduce((a, x) => a + x.runMs, 0)),
      childStarts: r2(sum((m) => m.window.childStarts) / n),
      apiTemporalCalls: r2((rpcs?.count ?? 0) / requests),
      apiTemporalCallMethods: perRequest(rpcs?.kinds ?? {}, requests),
      apiTemporalCallMs: r1((rpcs?.ms ?? 0) / requests),
      apiStatements: r2((api?.count ?? 0) / requests),
      apiStatementKinds: perRequest(api?.kinds ?? {}, requests),
      apiStatementMs: r2((api?.ms ?? 0) / requests),
      activityStatements: r2(statements / n),
      activityStatementKinds: perRequest(statementKinds, n),
      activityStatementMs: r2(statementMs / n),
    };
  }

  const outsideUpdates: Profile['outsideUpdates'] = {};
  for (const [kind, windows] of outside) {
    const activityTypes: Record<string, number> = {};
    for (const w of windows)
      for (const a of w.activities) activityTypes[a.type] = (activityTypes[a.type] ?? 0) + 1;
    outsideUpdates[kind] = {
      workflowTasks: r2(windows.reduce((a, w) => a + w.workflowTasks, 0) / directives),
      activityTasks: r2(windows.reduce((a, w) => a + w.activities.length, 0) / directives),
      activityTypes: perRequest(activityTypes, directives),
    };
  }
  const reads: Record<string, ApiOnlyProfile> = {};
  for (const [step, requests] of counters.requests) {
    if (steps[step]) continue;
    const api = counters.apiStatements.get(step);
    const rpcs = counters.apiRpcs.get(step);
    reads[step] = {
      requests,
      apiTemporalCalls: r2((rpcs?.count ?? 0) / requests),
      apiTemporalCallMethods: perRequest(rpcs?.kinds ?? {}, requests),
      apiStatements: r2((api?.count ?? 0) / requests),
      apiStatementKinds: perRequest(api?.kinds ?? {}, requests),
      apiStatementMs: r2((api?.ms ?? 0) / requests),
    };
  }
  const activityRuns = new Map<string, number>();
  for (const t of counters.activityStatements.values())
    activityRuns.set(t.type, (activityRuns.get(t.type) ?? 0) + 1);
  return {
    steps,
    reads,
    apiSql: topSql(counters.apiSql, (step) => counters.requests.get(step) ?? 1),
    activitySql: topSql(counters.activitySql, (type) => activityRuns.get(type) ?? 1),
    outsideUpdates,
    otherStatementsPerDirective: r2(counters.otherStatements.count / directives),
    unmatchedRequests: sent.length - matched.length,
  };
}

// ---------------------------------------------------------------------------------------------
// A failed step's workflow, kept for a look afterwards

export interface HistorySummary {
  workflowId: string;
  /** Every event: id, type, ms since the first event, and what names it (activity type, update). */
  events: { id: number; type: string; atMs: number; note?: string }[];
  /** The longest waits between consecutive events, longest first. */
  longestGaps: { afterEvent: string; beforeEvent: string; ms: number }[];
}

/** The events of a workflow's latest run, with its longest waits: where a slow step stood still. */
export async function summariseHistory(client: Client, workflowId: string): Promise<HistorySummary> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const t0 = time(events[0]);
  const typeName = (e: HistoryEvent) =>
    (EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '');
  const note = (e: HistoryEvent): string | undefined => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) return `${scheduled.activityType?.name} #${scheduled.activityId}`;
    const started = e.activityTaskStartedEventAttributes;
    if (started)
      return `attempt ${started.attempt}${started.lastFailure ? `, after: ${started.lastFailure.message}` : ''}`;
    const timedOut = e.activityTaskTimedOutEventAttributes ?? e.workflowTaskTimedOutEventAttributes;
    if (timedOut) return JSON.stringify(timedOut).slice(0, 200);
    const failed = e.workflowTaskFailedEventAttributes ?? e.activityTaskFailedEventAttributes;
    if (failed) return failed.failure?.message ?? undefined;
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) return accepted.acceptedRequest?.input?.name ?? undefined;
    return undefined;
  };
  const rows = events.map((e) => ({
    id: id(e.eventId),
    type: typeName(e),
    atMs: Math.round(time(e) - t0),
    ...(note(e) ? { note: note(e) } : {}),
  }));
  const gaps = rows.slice(1).map((r, i) => ({
    afterEvent: `${rows[i]!.id} ${rows[i]!.type}`,
    beforeEvent: `${r.id} ${r.type}`,
    ms: r.atMs - rows[i]!.atMs,
  }));
  return { workflowId, events: rows, longestGaps: gaps.sort((a, b) => b.ms - a.ms).slice(0, 3) };
}
