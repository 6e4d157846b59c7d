/**
 * The integrity chain's activities: its projection (records, cases, objections, their timeline),
 * the evidence an overdue directive task leaves in its timeline, and the policy in force.
 * Projection writes are upserts keyed by the workflow's ids and sequence numbers, with the row's
 * revision guarding against a late, older snapshot: safe to run twice.
 */
import { reachedReminders, WITHDRAWN_REMINDERS } from '../workflows/rules';
import { appendAudit, timelineAudit } from '../core/audit';
import type { Database } from '../core/database';
import { entryFields } from './projection';
import { currentIntegrityPolicy } from '../core/integrity-policies';
import type { IntegrityPolicy } from '../workflows/integrity-policy';
import type {
  BreachOrigin,
  Objection,
  OverdueEvidence,
  PrincipalPerson,
  OpenedCase,
  RecordBreachInput,
  RecordCaseInput,
} from '../workflows/integrity-types';
import { openingCaseState } from '../workflows/integrity-types';
import type { TimelineRecord } from '../workflows/types';
import { classifiedName, isClassified } from '../workflows/secrecy';

/** The timeline actions that are evidence of chasing an overdue task. */
const CHASE_ACTIONS = ['转办', '到期提醒', '逾期', '催报', '升级督办', '催办', '延期批准', '退回修改'];

const date = (iso: string | undefined) => (iso === undefined ? null : new Date(iso));

export function createIntegrityActivities(db: Database) {
  const entryRow = (
    workflowId: string,
    recordId: string,
    caseId: string | null,
    e: TimelineRecord & { detail?: string },
  ) => ({ workflowId, recordId, caseId, ...entryFields(e), detail: e.detail ?? null });

  const objectionRow = (workflowId: string, recordId: string, caseId: string | null, o: Objection) => ({
    recordId,
    caseId,
    filedById: o.by.userId,
    filedAt: new Date(o.at),
    reason: o.reason,
    status: o.status,
    reviewerId: o.review?.by.userId ?? null,
    reviewedAt: date(o.review?.at),
    reviewReasons: o.review?.reasons ?? null,
  });

  type Tx = Parameters<Parameters<Database['$transaction']>[0]>[0];

  /**
   * 立案: the case's row as the case opens, so the step's answer names a case people can open; the
   * case's own first snapshot (revision 1) replaces it, and a row the case wrote first stays.
   */
  async function writeOpenedCase(tx: Tx, { workflowId, input, openedAt }: OpenedCase): Promise<void> {
    const { caseId, recordId } = input;
    if (await tx.accountabilityCase.findUnique({ where: { caseId }, select: { caseId: true } })) return;
    const state = openingCaseState(caseId, recordId);
    await tx.accountabilityCase.create({
      data: { caseId, ...caseRow({ workflowId, input, state, openedAt }) },
    });
  }

  /**
   * The entry (immutable, keyed by its seq: written once, with its audit entry) always; the
   * objections only with a row that landed: a late, older snapshot must not put a reviewed
   * objection back to pending.
   */
  async function writeEntryAndObjections(
    tx: Tx,
    workflowId: string,
    recordId: string,
    caseId: string | null,
    objections: Objection[] | false,
    entry: RecordBreachInput['entry'],
  ) {
    for (const o of objections || []) {
      const row = objectionRow(workflowId, recordId, caseId, o);
      await tx.objection.upsert({
        where: { workflowId_objectionId: { workflowId, objectionId: o.id } },
        create: { workflowId, objectionId: o.id, ...row },
        update: row,
      });
    }
    if (entry) {
      const row = entryRow(workflowId, recordId, caseId, entry);
      const key = { workflowId, seq: entry.seq };
      if (!(await tx.integrityEntry.findUnique({ where: { workflowId_seq: key }, select: { seq: true } })))
        await tx.integrityEntry.create({ data: row });
      await appendAudit(tx, timelineAudit('integrity', row, caseId ?? recordId));
    }
  }

  return {
    /** A record's row (as corrected), its new timeline entry and objections, in one transaction. */
    async recordBreach({
      workflowId,
      state,
      origin,
      openedBy,
      attachmentIds,
      entry,
      openedCase,
    }: RecordBreachInput): Promise<void> {
      const { facts } = state;
      const row = {
        workflowId,
        subjectKind: facts.subject.kind,
        subjectDepartmentCode: facts.subject.departmentCode,
        subjectPersonName: facts.subject.personName ?? null,
        source: facts.source,
        sourceRef: facts.sourceRef,
        facts: facts.facts,
        principalName: facts.principal.name,
        principalTitle: facts.principal.title,
        severity: facts.severity.level,
        loss: facts.severity.loss,
        socialImpact: facts.severity.socialImpact,
        published: facts.published,
        occurredOn: facts.occurredOn,
        status: state.status,
        dueDate: state.dueDate ?? null,
        overdue: state.overdue,
        overdueSteps: state.overdueSteps,
        explanation: state.explanation?.text ?? null,
        plan: state.plan?.text ?? null,
        completionReport: state.completion?.text ?? null,
        rectifiedAt: date(state.rectifiedAt),
        repairableFrom: state.repairableFrom ?? null,
        repairedAt: date(state.repairedAt),
        revokedAt: date(state.revokedAt),
        objectionDueDate: state.objectionDueDate ?? null,
        evidence: state.evidence ? JSON.stringify(state.evidence) : null,
        receiptNumber: origin?.receiptNumber ?? null,
        taskWorkflowId: origin?.taskWorkflowId ?? null,
        openedById: openedBy?.userId ?? null,
        openedAt: new Date(state.openedAt),
        updatedAt: new Date(entry?.at ?? state.openedAt),
        revision: entry?.seq ?? 0,
      };
      await db.$transaction(async (tx) => {
        const { count } = await tx.breachRecord.updateMany({
          where: { recordId: state.recordId, revision: { lte: row.revision } },
          data: row,
        });
        const created =
          count === 0 &&
          !(await tx.breachRecord.findUnique({ where: { recordId: state.recordId } })) &&
          (await tx.breachRecord.create({ data: { recordId: state.recordId, ...row } }));
        const landed = count > 0 || Boolean(created);
        // Linked both ways: the task that opened it names it.
        if (origin) {
          await tx.departmentTask.updateMany({
            where: { workflowId: origin.taskWorkflowId },
            data: { breachRecordId: state.recordId },
          });
        }
        // Evidence files and the completion report's files are filed with the record.
        await tx.attachment.updateMany({
          where: { id: { in: attachmentIds }, receiptNumber: null, breachRecordId: null },
          data: { breachRecordId: state.recordId },
        });
        if (openedCase) await writeOpenedCase(tx, openedCase);
        await writeEntryAndObjections(
          tx,
          workflowId,
          state.recordId,
          null,
          landed && state.objections,
          entry,
        );
      });
    },

    /** A case's row, its new timeline entry (on its record's timeline) and objections. */
    async recordCase(snapshot: RecordCaseInput): Promise<void> {
      const { workflowId, input, state, entry } = snapshot;
      const row = caseRow(snapshot);
      await db.$transaction(async (tx) => {
        const { count } = await tx.accountabilityCase.updateMany({
          where: { caseId: state.caseId, revision: { lte: row.revision } },
          data: row,
        });
        const created =
          count === 0 &&
          !(await tx.accountabilityCase.findUnique({ where: { caseId: state.caseId } })) &&
          (await tx.accountabilityCase.create({ data: { caseId: state.caseId, ...row } }));
        const landed = count > 0 || Boolean(created);
        await writeEntryAndObjections(
          tx,
          workflowId,
          input.recordId,
          state.caseId,
          landed && state.objections,
          entry,
        );
      });
    },

    /**
     * The evidence of an overdue task, from its timeline: when it was dispatched, its deadline,
     * and every reminder, 催报单, escalation and 催办 sent; and the department's principal
     * responsible person (its head in the directory). Read-only, so safe to retry.
     */
    async collectOverdueEvidence(
      origin: BreachOrigin,
    ): Promise<{ evidence: OverdueEvidence; principal: PrincipalPerson }> {
      const [task, entries, department, head] = await Promise.all([
        db.departmentTask.findUniqueOrThrow({
          where: { workflowId: origin.taskWorkflowId },
          include: { directive: { select: { docNumber: true, title: true, secrecy: true } } },
        }),
        db.timelineEntry.findMany({
          where: {
            workflowId: origin.taskWorkflowId,
            action: { in: [...CHASE_ACTIONS, WITHDRAWN_REMINDERS] },
          },
          orderBy: { seq: 'asc' },
        }),
        db.department.findUnique({ where: { code: origin.departmentCode } }),
        db.user.findFirst({
          where: {
            departmentCode: origin.departmentCode,
            active: true,
            roles: { some: { role: 'DEPT_HEAD' } },
          },
          orderBy: { username: 'asc' },
        }),
      ]);
      const dispatched = entries.find((e) => e.action === '转办');
      const unit = department?.name ?? origin.departmentCode;
      // A 涉密 document's title, 文号 and the comments on its reminders stay with the directive.
      const { secrecy } = task.directive;
      const classified = isClassified(secrecy);
      return {
        evidence: {
          receiptNumber: origin.receiptNumber,
          docNumber: classified ? classifiedName(secrecy, origin.receiptNumber) : task.directive.docNumber,
          title: classified ? classifiedName(secrecy, origin.receiptNumber) : task.directive.title,
          departmentCode: origin.departmentCode,
          ...(dispatched
            ? { dispatchedOn: new Date(dispatched.at.getTime() + 8 * 3600_000).toISOString().slice(0, 10) }
            : {}),
          dueDate: task.dueDate,
          // A reminder withdrawn before its time (撤回预备提醒) reached nobody: no evidence.
          notices: reachedReminders(entries)
            .filter((e) => e.action !== '转办')
            .map((e) => ({
              at: e.at.toISOString(),
              action: e.action,
              ...(e.comment && !classified ? { comment: e.comment } : {}),
            })),
        },
        principal: head
          ? { name: head.displayName, title: `${unit}主要负责人` }
          : { name: `${unit}主要负责人`, title: '主要负责人' },
      };
    },

    /** The integrity policy in force now, recorded in the history of the task that opens a record. */
    currentIntegrityPolicy(): Promise<IntegrityPolicy> {
      return currentIntegrityPolicy(db);
    },
  };
}

/** A case's row as its snapshot says; without an entry, revision 0: as its record's 立案 wrote it. */
function caseRow({ workflowId, input, state, openedAt, entry }: RecordCaseInput) {
  const d = state.decision;
  return {
    workflowId,
    recordId: input.recordId,
    subjectDepartmentCode: input.subject.departmentCode,
    principalName: input.principal.name,
    trigger: input.trigger,
    reason: input.reason,
    status: state.status,
    findings: state.findings?.text ?? null,
    mitigationShown: state.mitigationShown
      ? JSON.stringify({
          grounds: state.mitigationShown.grounds,
          statement: state.mitigationShown.statement,
        })
      : null,
    measure: d?.measure ?? null,
    periodMonths: d?.periodMonths ?? null,
    periodEnds: d?.periodEnds ?? null,
    referredTo: d?.referredTo ?? null,
    mitigation: d?.mitigation?.outcome ?? null,
    mitigationGrounds: d?.mitigation?.grounds.join(',') ?? null,
    mitigationExplanation: d?.mitigation?.explanation ?? null,
    decisionReasons: d?.reasons ?? null,
    decidedById: d?.by.userId ?? null,
    decidedAt: date(d?.at),
    objectionDueDate: state.objectionDueDate ?? null,
    finalAt: date(state.finalAt),
    openedById: input.openedBy?.userId ?? null,
    openedAt: new Date(openedAt),
    updatedAt: new Date(entry?.at ?? openedAt),
    revision: entry?.seq ?? 0,
  };
}
