/**
 * Every name that crosses a process boundary: the task queue, workflow IDs, and the
 * messages the API sends to workflows. Wire names are the constant names without their kind.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DirectiveState, RegisterIncomingRequest, Registration } from './types';

export const DEFAULT_TASK_QUEUE = 'duban';

/** 收文编号: the year followed by a five-digit sequence, as in 201700084. */
export function formatReceiptNumber(year: number, sequence: number): string {
  return `${year}${String(sequence).padStart(5, '0')}`;
}

export function parseReceiptNumber(receiptNumber: string): { year: number; sequence: number } | undefined {
  const m = /^(\d{4})(\d{5})$/.exec(receiptNumber);
  return m ? { year: Number(m[1]), sequence: Number(m[2]) } : undefined;
}

/** One 收文登记簿 per year hands out the gapless 收文编号 sequence. */
export const incomingRegisterWorkflowId = (year: number) => `incoming-register-${year}`;

/** A directive's workflow is named by its 收文编号, so a second start is refused by the server. */
export const directiveWorkflowId = (receiptNumber: string) => `directive-${receiptNumber}`;

export const registerIncomingUpdate = defineUpdate<Registration, [RegisterIncomingRequest]>(
  'registerIncoming',
);

export const getDirectiveStateQuery = defineQuery<DirectiveState>('getDirectiveState');

/** ApplicationFailure types the API maps to HTTP answers. */
export const FailureType = {
  InvalidInput: 'InvalidInput',
} as const;
