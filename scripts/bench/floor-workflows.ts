/**
 * The raw-Temporal floor of the benchmark (scripts/bench/floor.ts): workflows of the same shape as
 * a directive's route, doing nothing but take their updates. A parent takes 6 updates (初审 … 转办);
 * the 6th starts 2 children (the departments' tasks), each of which takes 3 updates (签收, 回报,
 * 审核) and completes; then 1 closing update (答复), answered once both children have completed,
 * ends the parent. With `activity`, every update handler awaits one no-op activity first (Duban's
 * handlers await their projection writes). Bundled by the floor worker's webpack: only
 * @temporalio/workflow may be imported here.
 */
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';

export interface FloorInput {
  /** Await one no-op activity in each update handler. */
  activity: boolean;
}

/** Updates on the parent before the closing one; the last of them starts the children. */
export const PARENT_STEPS = 6;
/** Children per parent, and updates each child takes before it completes. */
export const CHILDREN = 2;
export const CHILD_STEPS = 3;

/** One step: answers how many steps the workflow has taken. */
export const floorStepUpdate = defineUpdate<number>('floorStep');
/** The parent's last update, once its children have completed. */
export const floorCloseUpdate = defineUpdate<number>('floorClose');

export const floorChildId = (parentId: string, i: number) => `${parentId}/child-${i}`;

export interface FloorActivities {
  floorNoop(): Promise<void>;
}

const { floorNoop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30 seconds' });

export async function floorParent({ activity }: FloorInput): Promise<number> {
  let steps = 0;
  let childrenDone = 0;
  let closed = false;
  setHandler(
    floorStepUpdate,
    async () => {
      steps++;
      if (activity) await floorNoop();
      if (steps === PARENT_STEPS) {
        const { workflowId } = workflowInfo();
        const children = await Promise.all(
          Array.from({ length: CHILDREN }, (_, i) =>
            startChild(floorChild, {
              workflowId: floorChildId(workflowId, i),
              args: [{ activity }],
              parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
            }),
          ),
        );
        for (const child of children) void child.result().then(() => childrenDone++);
      }
      return steps;
    },
    {
      validator: () => {
        if (steps >= PARENT_STEPS) throw new Error('no more steps');
      },
    },
  );
  setHandler(
    floorCloseUpdate,
    async () => {
      await condition(() => childrenDone === CHILDREN);
      if (activity) await floorNoop();
      closed = true;
      return steps;
    },
    {
      validator: () => {
        if (steps < PARENT_STEPS || closed) throw new Error('not now');
      },
    },
  );
  await condition(() => closed);
  await condition(allHandlersFinished);
  return steps;
}

export async function floorChild({ activity }: FloorInput): Promise<number> {
  let steps = 0;
  setHandler(
    floorStepUpdate,
    async () => {
      steps++;
      if (activity) await floorNoop();
      return steps;
    },
    {
      validator: () => {
        if (steps >= CHILD_STEPS) throw new Error('no more steps');
      },
    },
  );
  await condition(() => steps >= CHILD_STEPS);
  await condition(allHandlersFinished);
  return steps;
}
