/**
 * The scale loader's directives (scripts/bench/scale.ts): each one goes the office's HTTP route up
 * to 转办 as the demo office's people would take it (收文登记, 初审, 拟办 naming a 主办 and 会办,
 * 审核 twice, 批示, 转办), so every department task is an open DepartmentTask workflow whose deadline
 * ladder waits on its timers. Then the checks: the task rows in the database, the open task
 * workflows in Temporal, and the pending timer of a few tasks read from their histories.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { Database } from '../../core/database';
import { departmentTaskWorkflowId } from '../../workflows/definitions';
import { chinaDate } from '../../workflows/incoming-document';
import { inPool } from './figures';
import { CLERK, OFFICE_DIRECTOR, officeSteps } from './office-steps';
import type { ScaleApi } from './scale-http';

export { CLERK, OFFICE_DIRECTOR };
/** Everyone in the office who takes a step up to 转办. */
export const OFFICE_PEOPLE = [CLERK, 'chenweiyan', OFFICE_DIRECTOR, 'chunxin'];
export const URGENCY = '平急';
/** 拟办 names one 主办 and at most 20 会办 (api/routes/routing.ts, departmentCodes … max(20)). */
export const MAX_DEPARTMENTS_PER_DIRECTIVE = 21;
const DISPATCHED_POLL_MS = 500;

/** One directive of the load: its number, its departments (the first leads) and the burst's among them. */
export interface DirectivePlan {
  n: number;
  departments: string[];
  burst: string[];
}

/**
 * Task j (0 … tasks-1) goes to department j mod D, so every department holds about tasks / D;
 * directive i takes tasks i·K … i·K+K-1 (the last fewer), K consecutive departments, none twice.
 * The last `burst` tasks are the burst's: their directives come last, after the policy is saved.
 */
export function planDirectives(
  tasks: number,
  perDirective: number,
  departments: string[],
  burst: number,
): DirectivePlan[] {
  const plans: DirectivePlan[] = [];
  for (let first = 0; first < tasks; first += perDirective) {
    const indexes = Array.from({ length: Math.min(perDirective, tasks - first) }, (_, t) => first + t);
    const code = (j: number) => departments[j % departments.length]!;
    plans.push({
      n: plans.length + 1,
      departments: indexes.map(code),
      burst: indexes.filter((j) => j >= tasks - burst).map(code),
    });
  }
  return plans;
}

/** The seed's registration form (as scripts/bench.ts sends it), numbered so no 文号 repeats. */
const registrationForm = (n: number) => ({
  sourceOrg: '国务院',
  docNumber: `国发〔2016〕${n}号`,
  title: `国务院关于加强政务诚信建设的指导意见（压测第${n}件）`,
  receivedDate: chinaDate(Date.now()),
  urgency: URGENCY,
  secrecy: '非密',
});

/** The 拟办: the first department leads, the rest 会办; the burst's tasks get the 回报期限 by hand. */
function proposal(plan: DirectivePlan, burstDueDate: string | undefined) {
  const [lead, ...co] = plan.departments;
  const dueDates = burstDueDate ? Object.fromEntries(plan.burst.map((code) => [code, burstDueDate])) : {};
  return {
    leadDepartment: lead,
    coDepartments: co,
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请有关单位研究办理。',
    ...(Object.keys(dueDates).length ? { departmentDueDates: dueDates } : {}),
  };
}

/** Directive `plan.n` from 收文登记 to 转办; returns its 收文编号. */
export async function carryToDispatch(
  api: ScaleApi,
  runId: string,
  plan: DirectivePlan,
  burstDueDate: string | undefined,
): Promise<string> {
  const key = (step: number) => `${runId}-${plan.n}-${step}`;
  const registered = await api.write({
    label: 'register',
    who: CLERK,
    url: '/api/directives',
    body: registrationForm(plan.n),
    expected: 201,
    idempotencyKey: key(0),
  });
  const { receiptNumber } = registered.directive as { receiptNumber: string };
  for (const [i, s] of officeSteps(proposal(plan, burstDueDate)).entries()) {
    const answer = await api.write({
      label: s.step,
      who: s.who,
      url: `/api/directives/${receiptNumber}/${s.path}`,
      body: s.body,
      idempotencyKey: key(i + 1),
    });
    const status = (answer.state as { status?: string } | undefined)?.status;
    if (status !== s.expect) throw new Error(`${s.step}: status ${status}, expected ${s.expect}`);
  }
  return receiptNumber;
}

export interface LoadFigures {
  directives: number;
  tasks: number;
  wallSeconds: number;
  tasksPerSecond: number;
}

/**
 * The plans' directives, `concurrency` at a time; each task workflow id goes into `taskIds` (the
 * burst's into `burstIds` as well). Failures are the recorder's.
 */
export async function loadDirectives(
  api: ScaleApi,
  runId: string,
  plans: DirectivePlan[],
  opts: { concurrency: number; burstDueDate?: string; stopped: () => boolean },
  out: { taskIds: string[]; burstIds: Set<string> },
): Promise<LoadFigures> {
  const started = performance.now();
  let tasks = 0;
  await inPool(plans.length, opts.concurrency, opts.stopped, async (i) => {
    const plan = plans[i]!;
    try {
      const receiptNumber = await carryToDispatch(api, runId, plan, opts.burstDueDate);
      for (const code of plan.departments) out.taskIds.push(departmentTaskWorkflowId(receiptNumber, code));
      if (opts.burstDueDate)
        for (const code of plan.burst) out.burstIds.add(departmentTaskWorkflowId(receiptNumber, code));
      tasks += plan.departments.length;
    } catch (err) {
      api.recorder.fail(`directive ${plan.n}`, err);
    }
  });
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    directives: plans.length,
    tasks,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    tasksPerSecond: wallSeconds ? Math.round((tasks / wallSeconds) * 100) / 100 : 0,
  };
}

export interface DispatchedCheck {
  expected: number;
  rows: number;
  dispatched: number;
  /** How long after the last 转办 answered the last task row appeared (ms). */
  waitedMs: number;
  /** Open DepartmentTask workflows, from Temporal's visibility (null if it could not count). */
  runningTaskWorkflows: number | null;
}

/**
 * The task rows: a child writes its row once its deadline is computed, a moment after the 转办
 * answers, so the count is polled until it reaches `expected` or `timeoutMs` passes.
 */
export async function checkDispatched(
  db: Database,
  client: Client,
  expected: number,
  timeoutMs: number,
): Promise<DispatchedCheck> {
  const started = Date.now();
  let dispatched = 0;
  for (;;) {
    dispatched = await db.departmentTask.count({ where: { status: 'DISPATCHED' } });
    if (dispatched >= expected || Date.now() - started > timeoutMs) break;
    await new Promise((r) => setTimeout(r, DISPATCHED_POLL_MS));
  }
  const rows = await db.departmentTask.count();
  const running = await client.workflow
    .count('WorkflowType = "departmentTaskWorkflow" AND ExecutionStatus = "Running"')
    .then((c) => c.count)
    .catch(() => null);
  return { expected, rows, dispatched, waitedMs: Date.now() - started, runningTaskWorkflows: running };
}

/** When a task workflow's pending timers fire (ISO instants), read from its history. */
export async function pendingTimers(client: Client, workflowId: string): Promise<string[]> {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  const pending = new Map<string, number>();
  for (const e of events ?? []) {
    const started = e.timerStartedEventAttributes;
    if (started?.timerId)
      pending.set(started.timerId, tsToMs(e.eventTime) + tsToMs(started.startToFireTimeout));
    const ended = e.timerFiredEventAttributes ?? e.timerCanceledEventAttributes;
    if (ended?.timerId) pending.delete(ended.timerId);
  }
  return [...pending.values()].map((ms) => new Date(ms).toISOString());
}
