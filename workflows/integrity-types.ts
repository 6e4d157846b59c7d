/**
 * The integrity chain (政务诚信, 国发〔2016〕76号 二(五) and 四(二)–(四)): shapes that cross the
 * workflow boundary. A breach record (政务失信记录) is one workflow: its rectification (限期整改),
 * objections to it (异议) and its credit repair (信用修复). Each accountability case (追究责任)
 * against the principal responsible person (主要负责人) is a workflow of its own.
 */
import type { IntegrityPolicy } from './integrity-policy';
import type { ActingUser, Actor, AttachmentRef, TimelineRecord } from './types';

/** Where a breach was established (seed 四(二): 司法判决, 行政处罚, 纪律处分, 问责处理, 承诺/合同未履行). */
export const BREACH_SOURCES = {
  JUDGMENT: '司法判决',
  ADMINISTRATIVE_PENALTY: '行政处罚',
  DISCIPLINARY_SANCTION: '纪律处分',
  ACCOUNTABILITY: '问责处理',
  BROKEN_COMMITMENT: '承诺未履行',
  OVERDUE_TASK: '督办事项逾期未办',
} as const;
export type BreachSource = keyof typeof BREACH_SOURCES;

/** Severity by loss and social impact (seed: 造成政府公信力损失、社会影响). */
export const SEVERITIES = { GENERAL: '一般', SERIOUS: '较重', SEVERE: '严重' } as const;
export type Severity = keyof typeof SEVERITIES;

/** Who acted: the person, and under a 委托 the colleague who acted for them (回避 covers both). */
export type SignedActor = Actor & { delegate?: Actor };

/** A government body (a department or a city) or a civil servant of one. */
export interface BreachSubject {
  kind: 'BODY' | 'CIVIL_SERVANT';
  /** The body, or the civil servant's body: it rectifies and answers for the record. */
  departmentCode: string;
  /** The civil servant, when the subject is one. */
  personName?: string;
}

/** 主要负责人: whom an accountability case is against. */
export interface PrincipalPerson {
  name: string;
  title: string;
}

export interface BreachFacts {
  subject: BreachSubject;
  source: BreachSource;
  /** 判决书/处罚决定书/处分决定 number, the commitment broken, or the directive and task. */
  sourceRef: string;
  /** 失信事实. */
  facts: string;
  principal: PrincipalPerson;
  severity: { level: Severity; loss: string; socialImpact: string };
  /** Published (公开) on the credit platform, or kept internal. */
  published: boolean;
  /** When the breach happened, China Standard Time date. */
  occurredOn: string;
}

/** Evidence of an overdue directive task, taken from its timeline. */
export interface OverdueEvidence {
  receiptNumber: string;
  docNumber: string;
  title: string;
  departmentCode: string;
  dispatchedOn?: string;
  dueDate: string;
  /** Reminders, 催报单, escalations and 催办 sent, as the timeline has them. */
  notices: { at: string; action: string; comment?: string }[];
}

/** The directive task that opened a record on its own, linked both ways. */
export interface BreachOrigin {
  receiptNumber: string;
  departmentCode: string;
  taskWorkflowId: string;
}

export interface BreachRecordInput {
  recordId: string;
  /** Facts as registered; for an automatic record the principal is looked up on opening. */
  facts: Omit<BreachFacts, 'principal'> & { principal?: PrincipalPerson };
  attachments?: AttachmentRef[];
  /** Who registered it; none when a directive task opened it on its own. */
  openedBy?: SignedActor;
  origin?: BreachOrigin;
  /** The integrity policy in force at opening; the record keeps it. */
  policy: IntegrityPolicy;
}

/**
 * Where a record stands. While it is being rectified (限期整改), the status names the step owed:
 * 书面说明原因, then the 整改方案, then the completion report, then the supervisor's 验收.
 */
export const BREACH_STATUSES = {
  EXPLANATION_DUE: '待书面说明',
  PLAN_DUE: '待报整改方案',
  COMPLETION_DUE: '待报整改完成',
  VERIFYING: '待验收',
  RECTIFIED: '整改已验收',
  REPAIR_REQUESTED: '信用修复待审',
  REPAIRED: '已信用修复',
  REVOKED: '已撤销',
} as const;
export type BreachStatus = keyof typeof BREACH_STATUSES;

/** An objection (异议/投诉) by the subject to a record or to a case's decision. */
export interface Objection {
  id: number;
  by: Actor;
  at: string;
  reason: string;
  status: 'PENDING' | 'UPHELD' | 'REJECTED';
  review?: { by: Actor; at: string; reasons: string };
}

/** A correction is a new entry, never an edit: what it changes and why. */
export interface RecordCorrection {
  severity?: Severity;
  facts?: string;
  published?: boolean;
  /** Upheld objection: the record was wrong and no longer counts. */
  revoke?: boolean;
}

export interface RepairApplication {
  by: Actor;
  at: string;
  statement: string;
  decision?: { by: Actor; at: string; approve: boolean; comment: string };
}

export interface BreachRecordState {
  recordId: string;
  status: BreachStatus;
  /** Who registered it (none: opened by an overdue task); never reviews an objection to it. */
  openedBy?: SignedActor;
  facts: BreachFacts;
  openedAt: string;
  evidence?: OverdueEvidence;
  /** The current step's deadline, its lateness and the notices sent for it. */
  dueDate?: string;
  overdue: boolean;
  firedNotices: string[];
  /** Rectification steps that went past their deadline, for the evaluation. */
  overdueSteps: number;
  explanation?: { by: Actor; at: string; text: string };
  plan?: { by: Actor; at: string; text: string };
  completion?: { by: Actor; at: string; text: string; attachments?: AttachmentRef[] };
  verifications: { by: Actor; at: string; pass: boolean; comment: string }[];
  rectifiedAt?: string;
  /** First day credit repair may be applied for (rectified + the policy's waiting period). */
  repairableFrom?: string;
  repairs: RepairApplication[];
  repairedAt?: string;
  revokedAt?: string;
  /** 异议期: objections to the record are accepted up to and including this date. */
  objectionDueDate?: string;
  objections: Objection[];
  corrections: { by?: Actor; at: string; reason: string; changes: RecordCorrection }[];
  caseIds: string[];
}

/** Accountability measures (seed 四(三)), with who they apply to and whether they run for a period. */
export const MEASURES = {
  RECTIFY_ONLY: { label: '限期整改', for: ['BODY', 'CIVIL_SERVANT'], period: false },
  PUBLIC_CRITICISM: { label: '公开通报批评', for: ['BODY', 'CIVIL_SERVANT'], period: false },
  NO_HONOURS: { label: '取消参加荣誉评选资格', for: ['BODY'], period: true },
  NO_COMMENDATION: { label: '限制评优评先', for: ['CIVIL_SERVANT'], period: true },
  REFERRED: { label: '依法依规追究责任', for: ['BODY', 'CIVIL_SERVANT'], period: false },
} as const satisfies Record<string, { label: string; for: BreachSubject['kind'][]; period: boolean }>;
export type Measure = keyof typeof MEASURES;

/** 自我纠错、主动自新 (seed 四(四)): what the body shows it did. */
export const MITIGATION_GROUNDS = {
  RECOVERED_LOSS: '挽回损失',
  REMOVED_EFFECT: '消除不良影响',
  STOPPED_HARM: '有效阻止危害结果发生',
} as const;
export type MitigationGround = keyof typeof MITIGATION_GROUNDS;

/** 从轻 (a lighter measure) or 免于 (no measure). */
export type MitigationOutcome = 'LIGHTER' | 'EXEMPT';

export const CASE_TRIGGERS = {
  FAILED_RECTIFICATION: '整改验收未通过',
  SEVERE_RECORD: '严重失信',
  BY_HAND: '督查员立案',
} as const;
export type CaseTrigger = keyof typeof CASE_TRIGGERS;

export const CASE_STATUSES = {
  INVESTIGATING: '调查中',
  AWAITING_DECISION: '待决定',
  DECIDED: '已决定（异议期内）',
  OBJECTED: '异议复核中',
  FINAL: '已生效',
} as const;
export type CaseStatus = keyof typeof CASE_STATUSES;

export interface CaseDecision {
  by: SignedActor;
  at: string;
  /** None when 免于 (exempt). */
  measure?: Measure;
  periodMonths?: number;
  /** Last day of the measure's period, China Standard Time. */
  periodEnds?: string;
  /** With REFERRED: the discipline authority it goes to. */
  referredTo?: string;
  mitigation?: { outcome: MitigationOutcome; grounds: MitigationGround[]; explanation: string };
  reasons: string;
}

export interface AccountabilityCaseInput {
  caseId: string;
  recordId: string;
  subject: BreachSubject;
  principal: PrincipalPerson;
  trigger: CaseTrigger;
  reason: string;
  openedBy?: SignedActor;
  policy: IntegrityPolicy;
}

export interface AccountabilityCaseState {
  caseId: string;
  recordId: string;
  status: CaseStatus;
  findings?: { by: Actor; at: string; text: string };
  /** What the body showed of its own correction (自我纠错), for the decider to weigh. */
  mitigationShown?: { by: Actor; at: string; grounds: MitigationGround[]; statement: string };
  decision?: CaseDecision;
  /** Decisions replaced by an upheld objection, oldest first. */
  superseded: CaseDecision[];
  objectionDueDate?: string;
  overdue: boolean;
  firedNotices: string[];
  objections: Objection[];
  finalAt?: string;
}

/** A case as 立案 opens it: under investigation, nothing found or decided yet. */
export function openingCaseState(caseId: string, recordId: string): AccountabilityCaseState {
  return {
    caseId,
    recordId,
    status: 'INVESTIGATING',
    superseded: [],
    overdue: false,
    firedNotices: [],
    objections: [],
  };
}

// Requests: every human step takes one object with `by`, the person the API vouches for.

export interface CorrectRecordRequest {
  by: ActingUser;
  changes: RecordCorrection;
  reason: string;
}
export interface RectificationStepRequest {
  by: ActingUser;
  text: string;
  attachments?: AttachmentRef[];
}
export interface VerifyRectificationRequest {
  by: ActingUser;
  pass: boolean;
  comment: string;
  /** With a failed 验收: the new deadline for completing the rectification. */
  newDueDate?: string;
}
export interface OpenCaseRequest {
  by: ActingUser;
  reason: string;
}
export interface FileObjectionRequest {
  by: ActingUser;
  reason: string;
}
export interface ReviewObjectionRequest {
  by: ActingUser;
  objectionId: number;
  uphold: boolean;
  reasons: string;
  /** Upheld objection to a record: the correction it makes (default: revoke the record). */
  correction?: RecordCorrection;
  /** Upheld objection to a decision: the decision that replaces it (default: no measure). */
  decision?: Pick<CaseDecision, 'measure' | 'periodMonths' | 'referredTo'>;
}
export interface ApplyRepairRequest {
  by: ActingUser;
  statement: string;
}
export interface DecideRepairRequest {
  by: ActingUser;
  approve: boolean;
  comment: string;
}
export interface ConcludeInvestigationRequest {
  by: ActingUser;
  findings: string;
}
export interface ShowMitigationRequest {
  by: ActingUser;
  grounds: MitigationGround[];
  statement: string;
}
export interface DecideCaseRequest {
  by: ActingUser;
  measure?: Measure;
  periodMonths?: number;
  referredTo?: string;
  mitigation?: CaseDecision['mitigation'];
  reasons: string;
}

/** Projection of a record: its row, its new timeline entry, its objections. */
export interface RecordBreachInput {
  workflowId: string;
  state: BreachRecordState;
  origin?: BreachOrigin;
  openedBy?: SignedActor;
  attachmentIds: string[];
  entry?: TimelineRecord & { detail?: string };
  /** 立案追责: the case opened, whose row this entry writes unless the case wrote it first. */
  openedCase?: OpenedCase;
}

/** A case as its record's 立案 entry writes it (revision 0); the case's own first snapshot replaces it. */
export type OpenedCase = Omit<RecordCaseInput, 'state' | 'entry'>;

export interface RecordCaseInput {
  workflowId: string;
  input: Omit<AccountabilityCaseInput, 'policy'>;
  state: AccountabilityCaseState;
  openedAt: string;
  entry?: TimelineRecord & { detail?: string };
}
