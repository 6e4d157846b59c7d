/**
 * 收文登记簿: the year's register of incoming documents. It alone hands out 收文编号, so the
 * sequence is gapless and never duplicated, and it starts each directive's workflow in the
 * same step that allocates its number — a crash between the two cannot lose one.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType, directiveWorkflowId, formatReceiptNumber, registerIncomingUpdate } from './definitions';
import { directiveWorkflow } from './directive';
import { checkIncomingDocument } from './incoming-document';
import { activities } from './activities';
import type { DirectiveInput, IncomingRegisterInput, RegisterIncomingRequest } from './types';

/** Each run keeps well below the server's 2000 updates per run; then the register continues as new. */
const REGISTRATIONS_PER_RUN = 1000;

export async function incomingRegisterWorkflow(input: IncomingRegisterInput): Promise<void> {
  const { year } = input;
  let lastSequence = input.lastSequence;
  let registrationsThisRun = 0;
  /** 来文单位 + 文号 → 收文编号: the same document is registered once (a copy points to the first). */
  const registered = new Map<string, string>(Object.entries(input.registered ?? {}));
  const documentKey = (d: { sourceOrg: string; docNumber: string }) => `${d.sourceOrg}|${d.docNumber}`;

  const validate = ({ document }: RegisterIncomingRequest) => {
    const problems = checkIncomingDocument(document, Date.now());
    if (!problems.length && Number(document.receivedDate.slice(0, 4)) !== year) {
      problems.push({
        field: 'receivedDate',
        reason: `收文日期 is not in ${year}, the year of this register`,
      });
    }
    const first = registered.get(documentKey(document));
    if (!problems.length && first) {
      throw ApplicationFailure.create({
        type: FailureType.Duplicate,
        message: `${document.sourceOrg} ${document.docNumber} is already registered as 收文编号 ${first}`,
        details: [[{ field: 'docNumber', reason: `already registered as 收文编号 ${first}` }], first],
        nonRetryable: true,
      });
    }
    if (problems.length) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidInput,
        message: problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
        details: [problems],
        nonRetryable: true,
      });
    }
  };

  setHandler(
    registerIncomingUpdate,
    async ({ document, registeredBy, policy }) => {
      // Allocated before the first await, so concurrent registrations never share a number.
      const receiptSequence = ++lastSequence;
      registrationsThisRun++;
      const receiptNumber = formatReceiptNumber(year, receiptSequence);
      registered.set(documentKey(document), receiptNumber);
      const workflowId = directiveWorkflowId(receiptNumber);
      const registeredAt = new Date().toISOString();
      const receipt = {
        receiptNumber,
        receiptYear: year,
        receiptSequence,
        document,
        registeredBy,
        registeredAt,
      };
      // The entry is in the register (and the database) before the caller hears the number.
      await activities.recordReceipt({
        ...receipt,
        status: 'REGISTERED',
        entry: { seq: 1, at: registeredAt, actor: registeredBy, action: '收文登记', toState: 'REGISTERED' },
      });
      const directive: DirectiveInput = { ...receipt, timelineSeq: 1, policy };
      await startChild(directiveWorkflow, {
        workflowId,
        args: [directive],
        // A directive lives on its own; the register continuing as new must not end it.
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      return { receiptNumber, workflowId };
    },
    { validator: validate, description: '收文登记: allocate the next 收文编号 and open the directive' },
  );

  await condition(
    () => registrationsThisRun >= REGISTRATIONS_PER_RUN || workflowInfo().continueAsNewSuggested,
  );
  await condition(allHandlersFinished);
  await continueAsNew<typeof incomingRegisterWorkflow>({
    year,
    lastSequence,
    registered: Object.fromEntries(registered),
  });
}
