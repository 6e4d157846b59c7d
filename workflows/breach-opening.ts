/**
 * 督办事项逾期未办 → 政务失信记录: a department task the policy says is too long overdue opens a
 * breach record on its own, once, as the last rung of its deadline ladder. The record is a
 * workflow of its own (it outlives the task and the directive), named by the task's business key,
 * so it can be opened once only; it gathers its evidence from the task's timeline.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  startChild,
} from '@temporalio/workflow';
import { activities } from './activities';
import { breachRecordWorkflow } from './breach-record';
import type { LadderRung } from './deadline-ladder';
import { patched } from './patches';
import { breachRecordIdForTask, breachRecordWorkflowId } from './definitions';
import { addDays } from './integrity-rules';
import type { NoticeRule, RoutingPolicy } from './policy';
import { classifiedName, isClassified } from './secrecy';
import type { IncomingDocument } from './types';

/** The rung of a task's ladder on which it opens a breach record. */
export interface BreachRung extends LadderRung {
  key: 'breach-record';
}

export const isBreachRung = (rung: LadderRung): rung is BreachRung => rung.key === 'breach-record';

/** So many days overdue, or the day a named rung of the ladder fires; none if that rung is missing. */
export function breachRung(
  opening: NonNullable<RoutingPolicy['breachOpening']>,
  ladder: readonly NoticeRule[],
): BreachRung | undefined {
  const offsetDays =
    'afterDaysOverdue' in opening
      ? opening.afterDaysOverdue
      : ladder.find((r) => r.key === opening.afterEscalation)?.offsetDays;
  return offsetDays === undefined ? undefined : { key: 'breach-record', offsetDays };
}

export interface OverdueTask {
  receiptNumber: string;
  departmentCode: string;
  taskWorkflowId: string;
  document: IncomingDocument;
  dueDate: string;
  daysOverdue: number;
}

/** Starts the record for an overdue task (once: a second start finds it there); returns its id. */
export async function openBreachRecordForTask(task: OverdueTask): Promise<string> {
  const recordId = breachRecordIdForTask(task.receiptNumber, task.departmentCode);
  const policy = await activities.currentIntegrityPolicy();
  const { document: doc } = task;
  // A record is read by the 督查室 and the department, cleared or not: a 涉密 document is named
  // by its 密级 and 收文编号 only.
  const classified = isClassified(doc.secrecy) && patched('classified-breach-facts');
  const named = classified ? classifiedName(doc.secrecy, task.receiptNumber) : `《${doc.title}》`;
  try {
    await startChild(breachRecordWorkflow, {
      workflowId: breachRecordWorkflowId(recordId),
      // The record outlives the task and the directive: not even 撤办 ends it, and a record once
      // closed is never opened again under the same id.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [
        {
          recordId,
          facts: {
            subject: { kind: 'BODY', departmentCode: task.departmentCode },
            source: 'OVERDUE_TASK',
            sourceRef: classified ? named : `${doc.docNumber}（收文编号 ${task.receiptNumber}）`,
            facts: `未按期回报${named}：回报期限 ${task.dueDate}，逾期 ${task.daysOverdue} 日仍未回报`,
            severity: {
              level: policy.automaticRecord.severity,
              loss: '督办事项未按期落实',
              socialImpact: '影响政令畅通和政府公信力',
            },
            published: policy.automaticRecord.published,
            occurredOn: addDays(task.dueDate, 1),
          },
          origin: {
            receiptNumber: task.receiptNumber,
            departmentCode: task.departmentCode,
            taskWorkflowId: task.taskWorkflowId,
          },
          policy,
        },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return recordId;
}
