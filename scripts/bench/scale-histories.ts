/**
 * What a reminder of the burst cost the server and the worker, read from a sample of the burst's
 * task histories afterwards: when its timer fired, how long the workflow task it woke waited for
 * the worker and ran, and how many workflow tasks it took. A task on the normal queue rather than
 * the worker's sticky one is a replay from history (the workflow was evicted, or its sticky task
 * waited past the worker's stickyQueueScheduleToStartTimeout, 10 s and timed out); a timed-out or failed
 * workflow task is work done again.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { figuresOf, type StepFigures } from './figures';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { TaskQueueKind, TimeoutType } = temporal.api.enums.v1;

/** One task's reminder at H: from its timer firing to the workflow task that sent the notice. */
export interface ReminderTrace {
  /** TimerFired − H. */
  timerFiredMs: number;
  /** Workflow tasks scheduled from the timer's firing to the first completed one. */
  workflowTasks: number;
  /** Of them, scheduled on the normal queue (after a sticky timeout), with the whole history. */
  normalQueue: number;
  /** Sticky tasks that waited for the worker past the sticky schedule-to-start timeout. */
  stickyTimeouts: number;
  /** Started but timed out (start-to-close) or failed. */
  timedOutOrFailed: number;
  /** Scheduled → started, summed over those workflow tasks: waiting for the worker. */
  waitMs: number;
  /** Started → completed of the one that completed: the worker's run, the local activity in it. */
  runMs: number;
}

export interface ReminderFigures {
  sampled: number;
  timerFired: StepFigures;
  wait: StepFigures;
  run: StepFigures;
  workflowTasks: number;
  normalQueue: number;
  stickyTimeouts: number;
  timedOutOrFailed: number;
  /** Sampled tasks with at least one normal-queue workflow task. */
  movedToNormalQueue: number;
}

const at = (e: HistoryEvent) => tsToMs(e.eventTime);

/** The reminder at H in one history, or undefined if no timer fired at or after H − 1 s. */
export function traceReminder(events: HistoryEvent[], h: number): ReminderTrace | undefined {
  const fired = events.findIndex((e) => e.timerFiredEventAttributes && at(e) >= h - 1_000);
  if (fired < 0) return undefined;
  const trace: ReminderTrace = {
    timerFiredMs: at(events[fired]!) - h,
    workflowTasks: 0,
    normalQueue: 0,
    stickyTimeouts: 0,
    timedOutOrFailed: 0,
    waitMs: 0,
    runMs: 0,
  };
  let scheduledAt = 0;
  let startedAt = 0;
  for (const e of events.slice(fired + 1)) {
    if (e.workflowTaskScheduledEventAttributes) {
      trace.workflowTasks++;
      if (e.workflowTaskScheduledEventAttributes.taskQueue?.kind === TaskQueueKind.TASK_QUEUE_KIND_NORMAL)
        trace.normalQueue++;
      scheduledAt = at(e);
    } else if (e.workflowTaskStartedEventAttributes) {
      startedAt = at(e);
      trace.waitMs += startedAt - scheduledAt;
    } else if (e.workflowTaskTimedOutEventAttributes) {
      const type = e.workflowTaskTimedOutEventAttributes.timeoutType;
      if (type === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        trace.stickyTimeouts++;
        trace.waitMs += at(e) - scheduledAt;
      } else trace.timedOutOrFailed++;
    } else if (e.workflowTaskFailedEventAttributes) {
      trace.timedOutOrFailed++;
    } else if (e.workflowTaskCompletedEventAttributes) {
      trace.runMs = at(e) - startedAt;
      return trace;
    }
  }
  return trace;
}

/** The reminders at H of the sampled tasks, summed up. */
export async function traceReminders(
  client: Client,
  workflowIds: string[],
  h: number,
): Promise<ReminderFigures> {
  const traces: ReminderTrace[] = [];
  for (const id of workflowIds) {
    const { events } = await client.workflow.getHandle(id).fetchHistory();
    const trace = traceReminder(events ?? [], h);
    if (trace) traces.push(trace);
  }
  const sum = (key: keyof ReminderTrace) => traces.reduce((n, t) => n + t[key], 0);
  return {
    sampled: traces.length,
    timerFired: figuresOf(traces.map((t) => t.timerFiredMs)),
    wait: figuresOf(traces.map((t) => t.waitMs)),
    run: figuresOf(traces.map((t) => t.runMs)),
    workflowTasks: sum('workflowTasks'),
    normalQueue: sum('normalQueue'),
    stickyTimeouts: sum('stickyTimeouts'),
    timedOutOrFailed: sum('timedOutOrFailed'),
    movedToNormalQueue: traces.filter((t) => t.normalQueue > 0).length,
  };
}
