/**
 * Projection: what the workflows decide, written where people search and read it.
 * Every write is an upsert keyed by the workflow's own ids, sequence numbers and timestamps,
 * so a retried activity (activities run at least once) rewrites the same rows, never new ones.
 * Timeline entries are only ever added (the database refuses to change one), each with its audit
 * entry in the same transaction.
 */
import { appendAudit, timelineAudit } from '../core/audit';
import { storedAssignments, toStoredTime, type Database } from '../core/database';
import { departmentNames } from './department-names';
import type { Written } from './index';
import { withdrawNotices, type NoticeToDeliver } from './notices';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace';
import { directiveWorkflowId } from '../workflows/definitions';
import { reminderComment } from '../workflows/rules';
import type {
  Circulation,
  Reply,
  DepartmentTaskStatus,
  DirectiveInput,
  DirectiveStatus,
  IncomingDocument,
  TimelineRecord,
} from '../workflows/types';

export interface RecordReceiptInput extends Omit<DirectiveInput, 'timelineSeq' | 'policy'> {
  status: DirectiveStatus;
  /** 签收 and 收文登记. */
  entries?: TimelineRecord[];
  /** What registers sent before 签收 was a step: the registration alone. */
  entry?: TimelineRecord;
  /** The routing policy's version the directive follows (absent in registers from before it was sent). */
  policyVersion?: string;
}

/**
 * A step's notice to the people whose turn it has become, delivered by the activity that records
 * the step, after its row and entry: one local activity per step, not two, so one round through
 * the workflow thread and one marker fewer (README "Performance"). Histories from before it
 * deliver it with an activity of its own.
 */
export interface TurnNotice {
  turnNotice?: NoticeToDeliver;
}

export interface RecordDirectiveInput extends TurnNotice {
  receiptNumber: string;
  status: DirectiveStatus;
  leadDepartmentCode?: string;
  /** 阅件: read by the leaders, then filed; never dispatched. */
  forReading?: boolean;
  handlingOption?: number;
  dueDate?: string;
  dispatchedAt?: string;
  closedAt?: string;
  officeDueDate?: string;
  urgerId?: string;
  /** 请批示领导 of the 拟办 under way, as ,id,id, (those who may read it). */
  leaderIds?: string;
  /** The departments dispatched to, as ,code,code, (who may read it). */
  departmentCodes?: string;
  /** 拟办意见 of the 拟办 under way, as written. */
  proposalComment?: string;
  /** 待办: the reviewer role that signs next while 审核, the leaders awaited (,id,) while 请批示. */
  reviewTurn?: string;
  instructionTurn?: string;
  reply?: Reply;
  circulations?: Circulation[];
  /** None when only the projected fields change (e.g. a deadline computed). */
  entry?: TimelineRecord;
  /** 转办: the departments' tasks it started, written with it (DispatchedTask). */
  dispatchedTasks?: DispatchedTask[];
}

/**
 * A department's task as 转办 starts it. Its own workflow writes its row in its first workflow
 * task, which may run after 转办 is answered; written with the directive's 转办, the row is there
 * for the page shown next (承办单位, the department's 待办), and the task's first snapshot, a newer
 * revision, replaces it.
 */
export interface DispatchedTask {
  workflowId: string;
  departmentCode: string;
  role: 'LEAD' | 'CO';
  handlingOption: number;
  dueDate: string;
}

export interface RecordDepartmentTaskInput extends TurnNotice {
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
  handlerId?: string;
  /** A pending 延期 request. */
  extensionRequest?: { newDueDate: string; reason: string };
  /** Files of the 回报单 (e.g. the 代拟稿), filed with the directive. */
  reportAttachmentIds?: string[];
  /** 代拟稿待后送出: promised by the 回报单; once accepted, its deadline; once sent, when and by whom. */
  draftToFollow?: boolean;
  draftDueDate?: string;
  draftOverdue?: boolean;
  draftSentAt?: string;
  draftSentById?: string;
  /** On a 主办's task that consolidates: the 会办意见 received, as JSON for the 回报单's form. */
  coOpinions?: {
    departmentCode: string;
    text: string;
    signedById: string;
    signedByName: string;
    at: string;
  }[];
  /** On a 会办's task: the 主办 its opinion goes to. */
  opinionTo?: string;
  entry: TimelineRecord;
  /**
   * 催报: a rung's notice, delivered before the entry is written, which then names whom it reached
   * (the entry's comment is filled in here). One local activity per reminder, not two (README
   * "Performance"). The activity returns the input with that comment, so a rebuild keeps it.
   */
  reminder?: { notice: NoticeToDeliver; rung: string };
  /**
   * 撤回预备提醒: the keys of notices prepared ahead whose instant has not come, no longer due as
   * prepared; taken out of the inbox and the outbox with this step's entry.
   */
  withdrawnNotices?: string[];
}

const date = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));

function timelineRow(
  workflowId: string,
  receiptNumber: string,
  departmentCode: string | null,
  e: TimelineRecord,
) {
  return { workflowId, receiptNumber, departmentCode, ...entryFields(e) };
}

/** The document's own elements (GB/T 9704) and the office's 办理意见, as columns. */
function documentElements(doc: IncomingDocument) {
  return {
    copyNumber: doc.copyNumber ?? null,
    writtenDate: doc.writtenDate ?? null,
    printedBy: doc.printedBy ?? null,
    printedOn: doc.printedOn ?? null,
    mainRecipients: doc.mainRecipients ?? null,
    copiedTo: doc.copiedTo ?? null,
    publicity: doc.publicity ?? null,
    issuer: doc.issuer ?? null,
    summary: doc.summary ?? null,
    bodyText: doc.bodyText ?? null,
  };
}

/**
 * A dispatched directive's 回报期限 is its departments' latest: it follows a 延期 granted or a report
 * returned with a new deadline (the directive's workflow keeps the one set at 转办).
 */
async function followTaskDeadlines(tx: TransactionClient, receiptNumber: string) {
  // One statement, in raw SQL as the projection's hot statements are (README "Performance").
  await tx.$executeRaw`
    UPDATE "Directive" SET "dueDate" = latest."dueDate"
    FROM (SELECT MAX("dueDate") AS "dueDate" FROM "DepartmentTask" WHERE "receiptNumber" = ${receiptNumber}) AS latest
    WHERE "receiptNumber" = ${receiptNumber} AND latest."dueDate" IS NOT NULL`;
}

/**
 * A task's row as 转办 starts it, at revision 0: left alone if the task's own workflow has written
 * its row already (its first snapshot is revision 1), replaced by that snapshot otherwise.
 */
async function dispatchedRow(tx: TransactionClient, receiptNumber: string, task: DispatchedTask, at: string) {
  await tx.$executeRaw`
    INSERT OR IGNORE INTO "DepartmentTask" ("workflowId", "receiptNumber", "departmentCode", "role", "status",
      "handlingOption", "dueDate", "overdue", "revision", "updatedAt")
    VALUES (${task.workflowId}, ${receiptNumber}, ${task.departmentCode}, ${task.role}, 'DISPATCHED',
      ${task.handlingOption}, ${task.dueDate}, 0, 0, ${toStoredTime(new Date(at))})`;
}

/** A timeline entry's own columns, as every timeline table stores them (who, when, what). */
export function entryFields(e: TimelineRecord) {
  return {
    seq: e.seq,
    at: new Date(e.at),
    actorId: e.actor?.userId ?? null,
    onBehalfOfId: e.onBehalfOf?.userId ?? null,
    action: e.action,
    fromState: e.fromState ?? null,
    toState: e.toState ?? null,
    comment: e.comment ?? null,
  };
}

/** A user id as the workflows write it into a comment, e.g. u-fgw-head. */
const USER_ID = /\bu-[a-z0-9][a-z0-9-]*/g;

/** What may be a department's code in a comment, e.g. GDCZT or GDBGT-ZH1. */
const CODE = /[A-Z][A-Z0-9-]*/g;

/**
 * `deliverNotice` is the inbox's writer (activities/notices.ts) with the deployment's channels, or
 * the inbox alone when the projection is rebuilt.
 */
export function createProjectionActivities(
  db: Database,
  deliverNotice: (notice: NoticeToDeliver) => Promise<{ recipientIds: string[] }>,
) {
  const departmentName = departmentNames(db);
  /**
   * A timeline comment as people read it: the workflows know departments by code ("GDFGW 主办")
   * and people by id; the timeline names them (省发展改革委 主办).
   */
  async function named(entry: TimelineRecord): Promise<TimelineRecord> {
    if (!entry.comment) return entry;
    let { comment } = entry;
    const codes = [...new Set(comment.match(CODE) ?? [])];
    if (codes.length) {
      const names = new Map(
        await Promise.all(codes.map(async (c) => [c, (await departmentName(c)) ?? c] as const)),
      );
      comment = comment.replace(CODE, (token) => names.get(token)!);
    }
    // And people by name, not user id: "催办 → u-fgw-head" reads "→ 省发展改革委负责人".
    const ids = comment.match(USER_ID) ?? [];
    if (ids.length) {
      const people = await db.user.findMany({
        where: { id: { in: ids } },
        select: { id: true, displayName: true },
      });
      const names = new Map(people.map((p) => [p.id, p.displayName]));
      comment = comment.replace(USER_ID, (id) => names.get(id) ?? id);
    }
    return { ...entry, comment };
  }

  const circulationRow = (
    tx: TransactionClient,
    receiptNumber: string,
    c: Circulation,
    copy: Circulation['copies'][number],
  ) => {
    const row = {
      purpose: c.purpose,
      note: c.note,
      sentById: c.sentBy.userId,
      sentAt: new Date(c.sentAt),
      // Only ever set, never cleared: an older snapshot arriving late cannot unread a copy.
      readAt: date(copy.readAt),
      comment: copy.comment,
      recalledAt: date(c.recalledAt),
      recallReason: c.recallReason,
    };
    const key = { receiptNumber, circulationId: c.id, readerId: copy.reader.userId };
    return tx.circulationCopy.upsert({
      where: { receiptNumber_circulationId_readerId: key },
      create: { ...key, ...row },
      update: row,
    });
  };

  /**
   * A timeline entry, written once (a retry finds it there), and its audit entry (appended once:
   * keyed by workflow and seq). Runs after the transaction's first write, which holds the lock.
   */
  const addEntry = async (tx: TransactionClient, row: ReturnType<typeof timelineRow>) => {
    // Raw SQL: the projection's hot statements skip Prisma's per-query compilation (README
    // "Performance"). The key (workflowId, seq) keeps a retry's row out.
    await tx.$executeRaw`
      INSERT OR IGNORE INTO "TimelineEntry" ("workflowId", "seq", "receiptNumber", "departmentCode", "at",
        "actorId", "onBehalfOfId", "action", "fromState", "toState", "comment")
      VALUES (${row.workflowId}, ${row.seq}, ${row.receiptNumber}, ${row.departmentCode}, ${toStoredTime(row.at)},
        ${row.actorId}, ${row.onBehalfOfId}, ${row.action}, ${row.fromState}, ${row.toState}, ${row.comment})`;
    const target = row.departmentCode ? `${row.receiptNumber}/${row.departmentCode}` : row.receiptNumber;
    await appendAudit(tx, timelineAudit('timeline', row, target));
  };

  /**
   * A reminder's notice delivered, and its entry naming whom it reached: as the notice went then,
   * once the comment is written (a rebuild delivers to the inbox again but keeps the comment).
   */
  async function remindedEntry({ reminder, entry }: RecordDepartmentTaskInput): Promise<TimelineRecord> {
    if (!reminder) return entry;
    const { recipientIds } = await deliverNotice(reminder.notice);
    if (entry.comment !== undefined) return entry;
    const { at, scheduled } = reminder.notice;
    return { ...entry, comment: reminderComment(reminder.rung, recipientIds, scheduled ? at : undefined) };
  }

  /** 收文登记 projected: the directive row and its first timeline entries. */
  async function writeReceipt(tx: TransactionClient, input: RecordReceiptInput): Promise<void> {
    const { document: doc } = input;
    const entries = input.entries ?? [input.entry!];
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
      secrecyPeriod: doc.secrecyPeriod || null,
      copies: doc.copies ?? null,
      pages: doc.pages ?? null,
      ...documentElements(doc),
      handlingNumber: input.handlingNumber ?? null,
      handlingPrefix: input.handlingNumber?.split(' ')[0] ?? null,
      handlingSequence: input.handlingNumber ? Number(input.handlingNumber.split(' ')[1]) : null,
      signedForAt: date(input.signedForAt) ?? null,
      status: input.status,
      registeredById: input.registeredBy.userId,
      registeredAt: new Date(input.registeredAt),
      policyVersion: input.policyVersion ?? null,
      updatedAt: new Date(entries.at(-1)!.at),
      revision: Math.max(...entries.map((e) => e.seq)),
    };
    const attachmentIds = (doc.attachments ?? []).map((a) => a.id);
    await tx.directive.upsert({
      where: { receiptNumber: input.receiptNumber },
      create: { receiptNumber: input.receiptNumber, ...row },
      update: row,
    });
    // Only files not yet filed elsewhere: two registrations naming one upload cannot both take it.
    if (attachmentIds.length)
      await tx.attachment.updateMany({
        where: { id: { in: attachmentIds }, receiptNumber: null },
        data: { receiptNumber: input.receiptNumber },
      });
    for (const e of entries) await addEntry(tx, timelineRow(workflowId, input.receiptNumber, null, e));
  }

  return {
    /** 收文登记 projected: the directive row and its first timeline entry, in one transaction. */
    async recordReceipt(input: RecordReceiptInput): Promise<void> {
      await db.$transaction((tx) => writeReceipt(tx, input));
    },

    /** The registrations a register's workflow task took together, in one transaction. */
    async recordReceipts(inputs: RecordReceiptInput[]): Promise<void> {
      await db.$transaction(async (tx) => {
        for (const input of inputs) await writeReceipt(tx, input);
      });
    },

    /**
     * A directive's state change and its timeline entry, together. Concurrent steps write their
     * snapshots in any order: only one at least as new as the stored revision (timeline seq) lands.
     * Without an entry, only the computed 办文时限 is written.
     */
    async recordDirective(input: RecordDirectiveInput): Promise<void> {
      const { receiptNumber, entry } = input;
      if (!entry) {
        await db.directive.update({ where: { receiptNumber }, data: { officeDueDate: input.officeDueDate } });
        return;
      }
      // Names looked up before the transaction: inside it, this client would wait for it to end.
      const shown = await named(entry);
      await db.$transaction(async (tx) => {
        // Raw SQL, as the projection's hot statements are (README "Performance").
        await tx.$executeRaw`
          UPDATE "Directive" SET ${storedAssignments({
            revision: entry.seq,
            status: input.status,
            leadDepartmentCode: input.leadDepartmentCode ?? null,
            forReading: input.forReading ?? false,
            handlingOption: input.handlingOption,
            dueDate: input.dueDate,
            dispatchedAt: date(input.dispatchedAt),
            closedAt: date(input.closedAt),
            officeDueDate: input.officeDueDate,
            urgerId: input.urgerId,
            leaderIds: input.leaderIds,
            departmentCodes: input.departmentCodes,
            proposalComment: input.proposalComment,
            // Cleared once the turn has passed (undefined would keep the old turn).
            reviewTurn: input.reviewTurn ?? null,
            instructionTurn: input.instructionTurn ?? null,
            replyText: input.reply?.text,
            repliedAt: date(input.reply?.at),
            updatedAt: new Date(entry.at),
          })}
          WHERE "receiptNumber" = ${receiptNumber} AND "revision" <= ${entry.seq}`;
        for (const c of input.circulations ?? [])
          for (const copy of c.copies) await circulationRow(tx, receiptNumber, c, copy);
        for (const task of input.dispatchedTasks ?? [])
          await dispatchedRow(tx, receiptNumber, task, entry.at);
        await addEntry(tx, timelineRow(directiveWorkflowId(receiptNumber), receiptNumber, null, shown));
        await followTaskDeadlines(tx, receiptNumber);
      });
      if (input.turnNotice) await deliverNotice(input.turnNotice);
    },

    /** A department task's state change and its timeline entry, together. */
    async recordDepartmentTask(
      input: RecordDepartmentTaskInput,
    ): Promise<Written<RecordDepartmentTaskInput> | undefined> {
      const { workflowId, receiptNumber, departmentCode } = input;
      const entry = await remindedEntry(input);
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
        handlerId: input.handlerId ?? null,
        extensionDueDate: input.extensionRequest?.newDueDate ?? null,
        extensionReason: input.extensionRequest?.reason ?? null,
        draftToFollow: input.draftToFollow ?? false,
        draftDueDate: input.draftDueDate ?? null,
        draftOverdue: input.draftOverdue ?? false,
        draftSentAt: date(input.draftSentAt) ?? null,
        draftSentById: input.draftSentById ?? null,
        coOpinions: input.coOpinions ? JSON.stringify(input.coOpinions) : null,
        opinionTo: input.opinionTo ?? null,
        updatedAt: new Date(entry.at),
        revision: entry.seq,
      };
      const shown = await named(entry);
      // As for the directive: a late, older snapshot leaves a newer row as it is.
      await db.$transaction(async (tx) => {
        // Raw SQL, as the projection's hot statements are (README "Performance").
        const count = await tx.$executeRaw`
          UPDATE "DepartmentTask" SET ${storedAssignments(row)}
          WHERE "workflowId" = ${workflowId} AND "revision" <= ${entry.seq}`;
        if (count === 0 && !(await tx.departmentTask.findUnique({ where: { workflowId } }))) {
          await tx.departmentTask.create({ data: { workflowId, ...row } });
        }
        if (input.reportAttachmentIds?.length)
          await tx.attachment.updateMany({
            where: { id: { in: input.reportAttachmentIds }, receiptNumber: null },
            data: { receiptNumber, departmentCode },
          });
        await addEntry(tx, timelineRow(workflowId, receiptNumber, departmentCode, shown));
        await followTaskDeadlines(tx, receiptNumber);
        if (input.withdrawnNotices?.length) await withdrawNotices(tx, input.withdrawnNotices);
      });
      if (input.turnNotice) await deliverNotice(input.turnNotice);
      return entry === input.entry ? undefined : { written: { ...input, entry } };
    },
  };
}
