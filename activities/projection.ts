/**
 * Projection: what the workflows decide, written where people search and read it.
 * Every write is an upsert keyed by the workflow's own numbers and timestamps, so a retried
 * activity (activities run at least once) writes the same rows again instead of new ones.
 */
import type { Database } from '../core/database';
import { directiveWorkflowId } from '../workflows/definitions';
import type { DirectiveInput, DirectiveStatus, TimelineRecord } from '../workflows/types';

export interface RecordReceiptInput extends Omit<DirectiveInput, 'timelineSeq'> {
  status: DirectiveStatus;
  entry: TimelineRecord;
}

function timelineRow(receiptNumber: string, e: TimelineRecord) {
  return {
    receiptNumber,
    seq: e.seq,
    at: new Date(e.at),
    actorId: e.actor?.userId ?? null,
    action: e.action,
    fromState: e.fromState ?? null,
    toState: e.toState ?? null,
    comment: e.comment ?? null,
  };
}

export function createProjectionActivities(db: Database) {
  return {
    /** 收文登记 projected: the directive row and its first timeline entry, in one transaction. */
    async recordReceipt(input: RecordReceiptInput): Promise<void> {
      const { document: doc } = input;
      const row = {
        workflowId: directiveWorkflowId(input.receiptNumber),
        receiptYear: input.receiptYear,
        receiptSequence: input.receiptSequence,
        sourceOrg: doc.sourceOrg,
        docNumber: doc.docNumber,
        title: doc.title,
        receivedDate: doc.receivedDate,
        urgency: doc.urgency,
        secrecy: doc.secrecy,
        status: input.status,
        registeredById: input.registeredBy.userId,
        registeredAt: new Date(input.registeredAt),
        updatedAt: new Date(input.entry.at),
      };
      const entry = timelineRow(input.receiptNumber, input.entry);
      await db.$transaction([
        db.directive.upsert({
          where: { receiptNumber: input.receiptNumber },
          create: { receiptNumber: input.receiptNumber, ...row },
          update: row,
        }),
        db.timelineEntry.upsert({
          where: { receiptNumber_seq: { receiptNumber: input.receiptNumber, seq: entry.seq } },
          create: entry,
          update: entry,
        }),
      ]);
    },
  };
}
