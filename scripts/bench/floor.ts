/**
 * The raw-Temporal floor: what the same dev server, in the same run, does with workflows of a
 * directive's shape (scripts/bench/floor-workflows.ts) and nothing else: no HTTP, no database, no
 * validation beyond a counter. Per directive, 14 calls as Duban's route makes them: 1 start, 6
 * updates on the parent (the 6th starts the 2 children), 3 updates on each child, 1 closing update.
 * Its own task queue and worker, in the bench process as Duban's worker is; the same lanes.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker, type NativeConnection } from '@temporalio/worker';
import {
  figuresOf,
  inPool,
  lanesOf,
  measured,
  thinker,
  type Lanes,
  type PhaseFigures,
  type StepFigures,
} from './figures';
import {
  CHILD_STEPS,
  CHILDREN,
  floorChildId,
  floorCloseUpdate,
  floorParent,
  floorStepUpdate,
  PARENT_STEPS,
  type FloorActivities,
} from './floor-workflows';

export const FLOOR_TASK_QUEUE = 'duban-bench-floor';
/** Calls per directive: the start, the parent's updates, the children's, the closing one. */
export const FLOOR_CALLS = 1 + PARENT_STEPS + CHILDREN * CHILD_STEPS + 1;
const ERRORS_SHOWN = 5;

export interface FloorFigures {
  variant: 'bare' | 'activity';
  description: string;
  directives: number;
  completed: number;
  concurrency: number;
  directivesPerSecond: number;
  /** Every call (start and updates) together, as the floor figures are given. */
  perCall: StepFigures;
  calls: Record<'start' | 'parent update' | 'child update' | 'close', StepFigures>;
  /** Workflow and activity tasks per directive, counted in the histories of the first few. */
  tasksPerDirective: { workflowTasks: number; activityTasks: number; sampled: number };
  phase: PhaseFigures;
  failures: { count: number; first: string[] };
}

const VARIANTS = {
  bare: 'no activities',
  activity: 'one no-op activity awaited in each update handler',
} as const;

/** The floor's worker: bundles floor-workflows.ts (only @temporalio/workflow in it). Not yet running. */
export function createFloorWorker(connection: NativeConnection, namespace: string): Promise<Worker> {
  const activities: FloorActivities = { floorNoop: () => Promise.resolve() };
  return Worker.create({
    connection,
    namespace,
    taskQueue: FLOOR_TASK_QUEUE,
    workflowsPath: require.resolve('./floor-workflows'),
    activities,
  });
}

/** The lanes (and their pauses before a call) are Duban's, so both meet the same load. */
export interface FloorRun extends Lanes {
  client: Client;
  directives: number;
  temporalPid: number | undefined;
  stopped: () => boolean;
}

/** One variant of the floor: N directives' worth of calls, C at a time. */
export async function runFloor(run: FloorRun, variant: keyof typeof VARIANTS): Promise<FloorFigures> {
  const activity = variant === 'activity';
  const latencies = { start: [], 'parent update': [], 'child update': [], close: [] } as Record<
    keyof FloorFigures['calls'],
    number[]
  >;
  const failures: string[] = [];
  const think = thinker(run.thinkMs);
  const timed = async <T>(kind: keyof typeof latencies, call: () => Promise<T>): Promise<T> => {
    await think();
    const started = performance.now();
    const result = await call();
    latencies[kind].push(performance.now() - started);
    return result;
  };
  const tag = `${variant}-${Date.now().toString(36)}`;

  const carry = async (n: number) => {
    const workflowId = `floor-${tag}-${n}`;
    const parent = await timed('start', () =>
      run.client.workflow.start(floorParent, {
        workflowId,
        taskQueue: FLOOR_TASK_QUEUE,
        args: [{ activity }],
      }),
    );
    for (let i = 0; i < PARENT_STEPS; i++)
      await timed('parent update', () => parent.executeUpdate(floorStepUpdate));
    for (let c = 0; c < CHILDREN; c++) {
      const child = run.client.workflow.getHandle(floorChildId(workflowId, c));
      for (let i = 0; i < CHILD_STEPS; i++)
        await timed('child update', () => child.executeUpdate(floorStepUpdate));
    }
    // Answered once both children have completed; the parent then ends, as a directive does at 答复.
    await timed('close', () => parent.executeUpdate(floorCloseUpdate));
  };

  let completed = 0;
  const done: string[] = [];
  const [, phase] = await measured(run.temporalPid, () =>
    inPool(run.directives, run.concurrency, run.stopped, async (i) => {
      try {
        await carry(i + 1);
        completed++;
        done.push(`floor-${tag}-${i + 1}`);
      } catch (err) {
        failures.push(`floor ${variant} ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  const all = Object.values(latencies).flat();
  return {
    variant,
    description: VARIANTS[variant],
    directives: run.directives,
    completed,
    concurrency: run.concurrency,
    directivesPerSecond: Math.round((completed / phase.wallSeconds) * 100) / 100,
    perCall: figuresOf(all),
    calls: {
      start: figuresOf(latencies.start),
      'parent update': figuresOf(latencies['parent update']),
      'child update': figuresOf(latencies['child update']),
      close: figuresOf(latencies.close),
    },
    tasksPerDirective: await tasksPerDirective(run.client, done.slice(0, 5)),
    phase,
    failures: { count: failures.length, first: failures.slice(0, ERRORS_SHOWN) },
  };
}

/** Completed workflow tasks and activity tasks of a directive's three workflows, on average. */
async function tasksPerDirective(
  client: Client,
  parents: string[],
): Promise<FloorFigures['tasksPerDirective']> {
  const { EventType } = temporal.api.enums.v1;
  let workflowTasks = 0;
  let activityTasks = 0;
  for (const parent of parents)
    for (const workflowId of [
      parent,
      ...Array.from({ length: CHILDREN }, (_, i) => floorChildId(parent, i)),
    ]) {
      const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
      for (const e of events ?? []) {
        if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) workflowTasks++;
        if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) activityTasks++;
      }
    }
  const n = parents.length || 1;
  const round = (x: number) => Math.round((x / n) * 10) / 10;
  return {
    workflowTasks: round(workflowTasks),
    activityTasks: round(activityTasks),
    sampled: parents.length,
  };
}

/** Both variants, on the floor's own worker, which runs only meanwhile. */
export async function floorPhase(run: FloorRun, worker: Worker): Promise<FloorFigures[]> {
  const running = worker.run();
  try {
    const figures: FloorFigures[] = [];
    for (const variant of ['bare', 'activity'] as const) {
      if (run.stopped()) break;
      console.log(
        `bench: raw-Temporal floor (${VARIANTS[variant]}): ${run.directives} directives, ${lanesOf(run)}`,
      );
      figures.push(await runFloor(run, variant));
    }
    return figures;
  } finally {
    worker.shutdown();
    await running;
  }
}
