/**
 * The year's 收文登记簿 (a workflow), as the API starts it: the first update of a year that needs it
 * starts it. Should it ever have to start again (terminated by an operator), it continues from the
 * numbers already in the database: those issued, or the paper register's where 启用编号 set them
 * further on.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Database } from '../core/database';
import { RECEIPT_SERIES } from '../activities/register';
import { incomingRegisterWorkflowId } from '../workflows/definitions';
import { incomingRegisterWorkflow } from '../workflows/incoming-register';
import type { RegisterNumbering } from '../workflows/types';

/** The last numbers used in a year, per the projection: issued here or set as the paper's last. */
export async function lastNumbers(db: Database, year: number): Promise<RegisterNumbering> {
  const [last, series, paper] = await Promise.all([
    db.directive.aggregate({ where: { receiptYear: year }, _max: { receiptSequence: true } }),
    db.directive.groupBy({
      by: ['handlingPrefix'],
      where: { receiptYear: year, handlingPrefix: { not: null } },
      _max: { handlingSequence: true },
    }),
    db.registerNumbering.findMany({ where: { year } }),
  ]);
  const handling: Record<string, number> = {};
  for (const s of series) handling[s.handlingPrefix!] = s._max.handlingSequence ?? 0;
  let lastSequence = last._max.receiptSequence ?? 0;
  for (const p of paper) {
    if (p.series === RECEIPT_SERIES) lastSequence = Math.max(lastSequence, p.lastSequence);
    else handling[p.series] = Math.max(handling[p.series] ?? 0, p.lastSequence);
  }
  return { year, lastSequence, lastHandlingSequences: handling };
}

/** The start of the year's register, for an update-with-start; an existing one is used as it is. */
export async function registerOf(db: Database, taskQueue: string, year: number) {
  const { lastSequence, lastHandlingSequences } = await lastNumbers(db, year);
  return new WithStartWorkflowOperation(incomingRegisterWorkflow, {
    workflowId: incomingRegisterWorkflowId(year),
    taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ year, lastSequence, lastHandlingSequences }],
  });
}

/**
 * An update on the year's register: the running register takes it; only when there is none (the
 * year's first, or after an operator ended it) is it started, from the database's last numbers.
 * Those are three queries, which every 登记 paid while the register ran.
 */
export function registerUpdates(db: Database, temporal: Client, taskQueue: string) {
  return async <Ret, Args extends [unknown]>(
    year: number,
    update: UpdateDefinition<Ret, Args>,
    options: { args: Args; updateId: string },
  ): Promise<Ret> => {
    try {
      return await temporal.workflow
        .getHandle(incomingRegisterWorkflowId(year))
        .executeUpdate(update, options);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const startWorkflowOperation = await registerOf(db, taskQueue, year);
      return temporal.workflow.executeUpdateWithStart(update, { ...options, startWorkflowOperation });
    }
  };
}
