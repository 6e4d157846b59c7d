/**
 * The steps a person may take on a directive now, for the detail API and so for the UI: the step
 * tables (workflows/steps.ts) by role and status, narrowed by what the projection shows cheaply
 * (初审 done, a 督办人 named, a 答复 recorded, a 延期 pending, who has signed). The workflow's
 * validators still have the last word; what needs its live state (whose turn to 审核 or 批示
 * under the policy and the 拟办's leaders) is left to them.
 */
import {
  DIRECTIVE_STEPS,
  TASK_STEPS,
  openSteps,
  type DirectiveStepKey,
  type TaskStepKey,
} from '../workflows/steps';
import type { DepartmentTaskStatus, DirectiveStatus } from '../workflows/types';

/** What of the directive's projection the answer reads (the detail API's row has all of it). */
export interface DirectiveProjection {
  status: string;
  urgerId: string | null;
  replyText: string | null;
  /** The leaders the 拟办 under way asks for 批示, as ,id,id, (null before a 拟办). */
  leaderIds: string | null;
  /** 阅件: filed after the 批示, never dispatched. */
  forReading: boolean;
  tasks: { departmentCode: string; status: string; extensionDueDate: string | null }[];
  /** In order; directive entries have no departmentCode. */
  timeline: {
    departmentCode: string | null;
    action: string;
    actorId: string | null;
    onBehalfOfId: string | null;
  }[];
  circulation: { circulationId: number; readAt: Date | null; recalledAt: Date | null }[];
}

/**
 * The task steps a 延期 governs, each open only while one is pending (true) or only while none is
 * (false): asked for while none is, decided while one is. The other task steps go by role and
 * status alone. 待办 asks the database by the same rule (api/todo.ts).
 */
export const WHILE_EXTENSION_PENDING: Partial<Record<TaskStepKey, boolean>> = {
  requestExtension: false,
  decideExtension: true,
};

export interface AvailableSteps {
  directive: DirectiveStepKey[];
  /** Per department code, for each task the person can see. */
  tasks: Record<string, TaskStepKey[]>;
}

export function availableSteps(
  d: DirectiveProjection,
  user: { id: string; roles: readonly string[]; departmentCode: string },
): AvailableSteps {
  const entries = d.timeline.filter((e) => e.departmentCode === null);
  // 审核 and 批示 start over with each 拟办; under a 委托 the one who signs is the principal.
  const sinceProposal = entries.slice(entries.map((e) => e.action).lastIndexOf('拟办') + 1);
  const signedNow = (action: string) =>
    sinceProposal.some((e) => e.action === action && (e.onBehalfOfId ?? e.actorId) === user.id);
  const reviewed = entries.some((e) => e.action === '初审');
  const recallable = d.circulation.some((c) => !c.recalledAt && !c.readAt);

  const directiveAllows: Record<DirectiveStepKey, boolean> = {
    initialReview: !reviewed,
    propose: d.status !== 'REGISTERED' || reviewed,
    review: !signedNow('审核'),
    // Only a leader the 拟办 asks (请…同志批示), and once.
    instruct: (d.leaderIds ?? '').includes(`,${user.id},`) && !signedNow('批示'),
    dispatch: !d.forReading,
    withdraw: true,
    assignUrger: !d.urgerId,
    circulate: !d.replyText,
    recallCirculation: recallable,
    reply: !d.replyText,
    // Kept for reference straight after 初审; a 阅件, once its leaders have read it.
    file: d.status !== 'REGISTERED' || reviewed,
  };
  const directive = openSteps(DIRECTIVE_STEPS, user.roles, d.status as DirectiveStatus).filter(
    (k) => directiveAllows[k],
  );

  const tasks: Record<string, TaskStepKey[]> = {};
  for (const t of d.tasks) {
    const ours = t.departmentCode === user.departmentCode;
    const pending = t.extensionDueDate !== null;
    tasks[t.departmentCode] = openSteps(TASK_STEPS, user.roles, t.status as DepartmentTaskStatus).filter(
      (k) => (ours || !TASK_STEPS[k].ownDepartment) && (WHILE_EXTENSION_PENDING[k] ?? pending) === pending,
    );
  }
  return { directive, tasks };
}
