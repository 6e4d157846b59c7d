/**
 * Projection: what the workflows decide, written where people search and read it.
 * Every write is an upsert keyed by the workflow's own ids, sequence numbers and timestamps,
 * so a retried activity (activities run at least once) rewrites the same rows, never new ones.
 */
import type { Database } from '../core/database';
import { directiveWorkflowId } from '../workflows/definitions';
import type {
  DepartmentTaskStatus,
  DirectiveInput,
  DirectiveStatus,
  TimelineRecord,
} from '../workflows/types';

export interface RecordReceiptInput extends Omit<DirectiveInput, 'timelineSeq' | 'policy'> {
  status: DirectiveStatus;
  entry: TimelineRecord;
}

export interface RecordDirectiveInput {
  receiptNumber: string;
  status: DirectiveStatus;
  leadDepartmentCode?: string;
  handlingOption?: number;
  dueDate?: string;
  dispatchedAt?: string;
  closedAt?: string;
  entry: TimelineRecord;
}

export interface RecordDepartmentTaskInput {
  workflowId: string;
  receiptNumber: string;
  departmentCode: string;
  role: 'LEAD' | 'CO';
  status: DepartmentTaskStatus;
  handlingOption: number;
  dueDate: string;
  overdue: boolean;
  deptReceiptNumber?: string;
  signedForAt?: string;
  signedForById?: string;
  reportOptions?: number[];
  reportText?: string;
  reportDraft?: string;
  reportSignedById?: string;
  reportedAt?: string;
  acceptedAt?: string;
  entry: TimelineRecord;
}

const date = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));

function timelineRow(
  workflowId: string,
  receiptNumber: string,
  departmentCode: string | null,
  e: TimelineRecord,
) {
  return {
    workflowId,
    seq: e.seq,
    receiptNumber,
    departmentCode,
    at: new Date(e.at),
    actorId: e.actor?.userId ?? null,
    action: e.action,
    fromState: e.fromState ?? null,
    toState: e.toState ?? null,
    comment: e.comment ?? null,
  };
}

export function createProjectionActivities(db: Database) {
  const upsertEntry = (row: ReturnType<typeof timelineRow>) =>
    db.timelineEntry.upsert({
      where: { workflowId_seq: { workflowId: row.workflowId, seq: row.seq } },
      create: row,
      update: row,
    });

  return {
    /** 收文登记 projected: the directive row and its first timeline entry, in one transaction. */
    async recordReceipt(input: RecordReceiptInput): Promise<void> {
      const { document: doc } = input;
      const workflowId = directiveWorkflowId(input.receiptNumber);
      const row = {
        workflowId,
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
      await db.$transaction([
        db.directive.upsert({
          where: { receiptNumber: input.receiptNumber },
          create: { receiptNumber: input.receiptNumber, ...row },
          update: row,
        }),
        upsertEntry(timelineRow(workflowId, input.receiptNumber, null, input.entry)),
      ]);
    },

    /** A directive's state change and its timeline entry, together. */
    async recordDirective(input: RecordDirectiveInput): Promise<void> {
      const { receiptNumber, entry } = input;
      await db.$transaction([
        db.directive.update({
          where: { receiptNumber },
          data: {
            status: input.status,
            leadDepartmentCode: input.leadDepartmentCode,
            handlingOption: input.handlingOption,
            dueDate: input.dueDate,
            dispatchedAt: date(input.dispatchedAt),
            closedAt: date(input.closedAt),
            updatedAt: new Date(entry.at),
          },
        }),
        upsertEntry(timelineRow(directiveWorkflowId(receiptNumber), receiptNumber, null, entry)),
      ]);
    },

    /** A department task's state change and its timeline entry, together. */
    async recordDepartmentTask(input: RecordDepartmentTaskInput): Promise<void> {
      const { workflowId, receiptNumber, departmentCode, entry } = input;
      const row = {
        receiptNumber,
        departmentCode,
        role: input.role,
        status: input.status,
        handlingOption: input.handlingOption,
        dueDate: input.dueDate,
        overdue: input.overdue,
        deptReceiptNumber: input.deptReceiptNumber ?? null,
        signedForAt: date(input.signedForAt) ?? null,
        signedForById: input.signedForById ?? null,
        reportOptions: input.reportOptions?.join(',') ?? null,
        reportText: input.reportText ?? null,
        reportDraft: input.reportDraft ?? null,
        reportSignedById: input.reportSignedById ?? null,
        reportedAt: date(input.reportedAt) ?? null,
        acceptedAt: date(input.acceptedAt) ?? null,
        updatedAt: new Date(entry.at),
      };
      await db.$transaction([
        db.departmentTask.upsert({ where: { workflowId }, create: { workflowId, ...row }, update: row }),
        upsertEntry(timelineRow(workflowId, receiptNumber, departmentCode, entry)),
      ]);
    },
  };
}
