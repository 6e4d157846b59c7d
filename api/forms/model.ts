/**
 * What the printed forms say, read from the projection: the 文件呈批表 of a directive, and for each
 * department task its 转办函 and its 公文办理情况回（催）报单. Pure data here (names, not user ids or
 * unit codes; dates as China Standard Time calendar days); api/forms/render.ts lays it out.
 * Who may see which form is the routes' to decide (api/routes/forms.ts), by the same rule as the
 * directive's detail.
 */
import { reachedReminders } from '../../workflows/rules';
import type { Database } from '../../core/database';
import { policyOfDirective } from '../../core/policies';
import { chinaDate } from '../../workflows/incoming-document';
import type { HandlingOptionCode } from '../../workflows/policy';

/** A signature on a form: who (and for whom, under a 委托) and the day. */
export interface Signed {
  name: string;
  onBehalfOf?: string;
  /** YYYY-MM-DD, China Standard Time. */
  on: string;
}

export interface Opinion extends Signed {
  text: string;
  /** 退回 rather than 同意. */
  returned: boolean;
}

/** The general office whose forms these are, and its section that handles them. */
export interface Office {
  /** 广东省人民政府办公厅: the forms' titles. */
  name: string;
  /** 广东省人民政府办公厅综合一处: the 经办人's unit. */
  section: string;
  /** 省政府办公厅综合一处: as the 回报单 names it (退回省政府办公厅综合一处). */
  sectionShort: string;
}

/** The incoming document as the forms name it. */
export interface DocumentHead {
  receiptNumber: string;
  handlingNumber: string | null;
  sourceOrg: string;
  docNumber: string;
  title: string;
  receivedDate: string;
  urgency: string;
  secrecy: string;
  secrecyPeriod: string | null;
  copies: number | null;
  pages: number | null;
  /** 主办 and 会办 units of the 转办, by name. */
  lead: string | null;
  co: string[];
}

export interface Person {
  name: string;
  phone: string | null;
}

export interface ApprovalSheet {
  doc: DocumentHead;
  office: Office;
  /** 经办人: the clerk who registered it, with his telephone. */
  handler: Person;
  /** 办理意见: the office's summary. */
  summary: string | null;
  /** 拟办意见 of the 拟办 under way, with the leaders asked (请春新同志批示). */
  proposal: (Signed & { text: string; leadersAsked: string[] }) | null;
  reviews: Opinion[];
  instructions: Opinion[];
}

/** One department's part: its 转办函, 回报单 and, once overdue, 催报单. */
export interface TaskForm {
  doc: DocumentHead;
  office: Office;
  /** 经办人 of the office: the clerk who dispatched it (黄炜演), with his telephone. */
  clerk: Person;
  department: { code: string; name: string };
  role: 'LEAD' | 'CO';
  /** 发出时间: the day the task was dispatched. */
  dispatchedOn: string;
  /** The last day a report is on time (限于 … 前回报). */
  dueDate: string;
  handlingOption: number;
  /** 办理提示 1–5 as the policy words them. */
  options: { code: number; label: string }[];
  /** Days for the two kinds of handling, for the form's printed rule (十天内 / 十至十五天内). */
  reprintDays: number;
  draftDays: number;
  /** 拟办意见 and 领导批示, for the 转办函. */
  proposal: string | null;
  instructions: Opinion[];
  /** The department's 回报, once in: the options it ticked, its text, the day. */
  report: { options: number[]; text: string | null; draft: string | null; on: string } | null;
  /** Still owes its report (not yet reported, or returned for another). */
  awaitingReport: boolean;
  /** The task's status (DepartmentTaskStatus), e.g. SENT_TO_LEAD for a 会办 that sent its opinion to the 主办. */
  status: string;
  overdue: boolean;
  /** The day of the last 催报单 the workflow sent, if any. */
  urgedOn: string | null;
  /** The department's own 收文 stamp: its number (319号) and the day it signed for it. */
  deptReceipt: { number: string; on: string } | null;
}

/** Whose turn it still is to report: the statuses that owe one (workflows/department-task.ts). */
const AWAITING_REPORT = ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'];

const dayOf = (at: Date | null | undefined): string | null => (at ? chinaDate(at.getTime()) : null);

/** 广东省人民政府办公厅综合一处 → 省政府办公厅综合一处, as a province's office writes its own name. */
export const shortOfficeName = (name: string): string => name.replace(/^[^省]{1,8}省人民政府/, '省政府');

type Loaded = NonNullable<Awaited<ReturnType<typeof loadDirective>>>;

function loadDirective(db: Database, receiptNumber: string) {
  return db.directive.findUnique({
    where: { receiptNumber },
    // The directive's own entries: 拟办, 审核, 批示, 转办 (a department's are read per task).
    include: { timeline: { where: { departmentCode: null }, orderBy: [{ at: 'asc' }, { seq: 'asc' }] } },
  });
}

async function peopleNamed(db: Database, ids: (string | null | undefined)[]) {
  const people = await db.user.findMany({
    where: { id: { in: ids.filter((id): id is string => Boolean(id)) } },
    select: {
      id: true,
      displayName: true,
      phone: true,
      department: { select: { name: true, parent: { select: { name: true } } } },
    },
  });
  const find = (id: string | null | undefined) => people.find((p) => p.id === id);
  return {
    find,
    name: (id: string | null | undefined) => find(id)?.displayName ?? id ?? '',
    person: (id: string | null | undefined): Person => ({
      name: find(id)?.displayName ?? id ?? '',
      phone: find(id)?.phone ?? null,
    }),
  };
}

async function departmentNames(db: Database, codes: string[]): Promise<(code: string) => string> {
  const rows = await db.department.findMany({
    where: { code: { in: codes } },
    select: { code: true, name: true },
  });
  return (code) => rows.find((r) => r.code === code)?.name ?? code;
}

async function headOf(db: Database, d: Loaded): Promise<DocumentHead> {
  const dispatched = (d.departmentCodes ?? '').split(',').filter(Boolean);
  const lead = d.leadDepartmentCode;
  const name = await departmentNames(db, [...dispatched, ...(lead ? [lead] : [])]);
  return {
    receiptNumber: d.receiptNumber,
    handlingNumber: d.handlingNumber,
    sourceOrg: d.sourceOrg,
    docNumber: d.docNumber,
    title: d.title,
    receivedDate: d.receivedDate,
    urgency: d.urgency,
    secrecy: d.secrecy,
    secrecyPeriod: d.secrecyPeriod,
    copies: d.copies,
    pages: d.pages,
    lead: lead ? name(lead) : null,
    co: dispatched.filter((c) => c !== lead).map(name),
  };
}

/** The office of the clerk who registered it: his section, and the general office above it. */
function officeOf(department: { name: string; parent: { name: string } | null } | undefined): Office {
  const section = department?.name ?? '';
  const name = department?.parent?.name ?? section;
  return { name, section, sectionShort: shortOfficeName(section) };
}

/** The entries of the 拟办 under way: from its last 拟办 on (a 退回 starts another round). */
function currentRound(d: Loaded) {
  const from = d.timeline.map((e) => e.action).lastIndexOf('拟办');
  return from < 0 ? [] : d.timeline.slice(from);
}

function opinionsOf(
  entries: Loaded['timeline'],
  name: (id: string | null) => string,
  agreed: string,
  returned: string,
): Opinion[] {
  return entries
    .filter((e) => e.action === agreed || e.action === returned)
    .map((e) => ({
      name: name(e.actorId),
      ...(e.onBehalfOfId ? { onBehalfOf: name(e.onBehalfOfId) } : {}),
      on: chinaDate(e.at.getTime()),
      text: e.comment ?? '',
      returned: e.action === returned,
    }));
}

/** The 文件呈批表 of a directive, or null when there is none by that number. */
export async function approvalSheetOf(db: Database, receiptNumber: string): Promise<ApprovalSheet | null> {
  const d = await loadDirective(db, receiptNumber);
  if (!d) return null;
  const round = currentRound(d);
  const asked = (d.leaderIds ?? '').split(',').filter(Boolean);
  const people = await peopleNamed(db, [
    d.registeredById,
    ...asked,
    ...round.flatMap((e) => [e.actorId, e.onBehalfOfId]),
  ]);
  const proposed = round[0];
  return {
    doc: await headOf(db, d),
    office: officeOf(people.find(d.registeredById)?.department),
    handler: people.person(d.registeredById),
    summary: d.summary,
    proposal: proposed
      ? {
          name: people.name(proposed.actorId),
          ...(proposed.onBehalfOfId ? { onBehalfOf: people.name(proposed.onBehalfOfId) } : {}),
          on: chinaDate(proposed.at.getTime()),
          text: d.proposalComment ?? '',
          leadersAsked: asked.map(people.name),
        }
      : null,
    reviews: opinionsOf(round, people.name, '审核', '审核退回'),
    instructions: opinionsOf(round, people.name, '批示', '批示退回'),
  };
}

/** One department's task on a directive, as its forms show it, or null when it has none. */
export async function taskFormOf(
  db: Database,
  receiptNumber: string,
  departmentCode: string,
): Promise<TaskForm | null> {
  const [d, task, entries] = await Promise.all([
    loadDirective(db, receiptNumber),
    db.departmentTask.findUnique({
      where: { receiptNumber_departmentCode: { receiptNumber, departmentCode } },
    }),
    db.timelineEntry.findMany({
      where: { receiptNumber, departmentCode },
      orderBy: [{ at: 'asc' }, { seq: 'asc' }],
    }),
  ]);
  if (!d || !task) return null;
  const dispatch = d.timeline.filter((e) => e.action === '转办').at(-1);
  const round = currentRound(d);
  const people = await peopleNamed(db, [
    d.registeredById,
    dispatch?.actorId,
    ...round.flatMap((e) => [e.actorId, e.onBehalfOfId]),
  ]);
  // The rule the department was sent, not a later version's.
  const policy = await policyOfDirective(db, d.policyVersion);
  const option = (code: HandlingOptionCode) => policy.handlingOptions[code];
  const taskDispatched = entries.find((e) => e.action === '转办')?.at ?? d.dispatchedAt;
  const department = await departmentNames(db, [departmentCode]);
  return {
    doc: await headOf(db, d),
    office: officeOf(people.find(d.registeredById)?.department),
    clerk: people.person(dispatch?.actorId ?? d.registeredById),
    department: { code: departmentCode, name: department(departmentCode) },
    role: task.role === 'CO' ? 'CO' : 'LEAD',
    dispatchedOn: dayOf(taskDispatched) ?? task.dueDate,
    dueDate: task.dueDate,
    handlingOption: task.handlingOption,
    options: ([1, 2, 3, 4, 5] as const).map((code) => ({ code, label: option(code).label })),
    reprintDays: option(1).reportWithinDays,
    // 加具贯彻意见的，在十至十五天内送交代拟稿: the 代拟稿 may follow the 回报单 (policies that allow it).
    draftDays: option(4).draftWithinDays ?? option(4).reportWithinDays,
    proposal: d.proposalComment,
    instructions: opinionsOf(round, people.name, '批示', '批示退回'),
    report: task.reportedAt
      ? {
          options: (task.reportOptions ?? '').split(',').filter(Boolean).map(Number),
          text: task.reportText,
          draft: task.reportDraft,
          on: chinaDate(task.reportedAt.getTime()),
        }
      : null,
    awaitingReport: AWAITING_REPORT.includes(task.status),
    status: task.status,
    overdue: task.overdue,
    // The last 催报单 that reached the department (not one withdrawn before its time).
    urgedOn: dayOf(
      reachedReminders(entries)
        .filter((e) => e.action === '催报')
        .at(-1)?.at,
    ),
    deptReceipt:
      task.deptReceiptNumber && task.signedForAt
        ? { number: task.deptReceiptNumber, on: chinaDate(task.signedForAt.getTime()) }
        : null,
  };
}
