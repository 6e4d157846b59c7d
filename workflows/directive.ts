/**
 * One incoming directive (来文) on its way through the general office: receipt (收文登记),
 * then proposed handling (拟办), instruction (批示), dispatch (转办) and report-back (回报).
 * The workflow holds the process state and its clocks; the database gets a projection.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { getDirectiveStateQuery } from './definitions';
import type { DirectiveInput, DirectiveState } from './types';

export async function directiveWorkflow(input: DirectiveInput): Promise<void> {
  // 收文登记 is already recorded by the register, which started this workflow.
  const state: DirectiveState = {
    receiptNumber: input.receiptNumber,
    status: 'REGISTERED',
    registeredAt: input.registeredAt,
  };
  setHandler(getDirectiveStateQuery, () => state);

  // 拟办 (proposed handling) is the next step of the procedure; until it exists the directive waits here.
  await condition(() => state.status !== 'REGISTERED');
}
