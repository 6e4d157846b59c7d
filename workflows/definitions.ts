/**
 * Every name that crosses a process boundary: the task queue, workflow IDs, and the
 * messages the API sends to workflows. Wire names are the constant names without their kind.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CoOpinion,
  ActingUser,
  AssignUrgerRequest,
  CirculateRequest,
  IncomingSignature,
  InitialReviewRequest,
  ReadCirculationRequest,
  ReassignHandlerRequest,
  RecallCirculationRequest,
  ReplyRequest,
  SignForIncomingRequest,
  UrgeRequest,
  DecideExtensionRequest,
  DepartmentTaskState,
  RequestExtensionRequest,
  DirectiveState,
  DispatchRequest,
  InstructRequest,
  ProposeHandlingRequest,
  RegisterIncomingRequest,
  ContinueNumberingRequest,
  RegisterNumbering,
  Registration,
  ReviewProposalRequest,
  ReviewReportRequest,
  SendDraftRequest,
  SignForRequest,
  SubmitReportRequest,
  WithdrawRequest,
  FileRequest,
} from './types';
import type {
  AccountabilityCaseState,
  ApplyRepairRequest,
  BreachRecordState,
  ConcludeInvestigationRequest,
  CorrectRecordRequest,
  DecideCaseRequest,
  DecideRepairRequest,
  FileObjectionRequest,
  OpenCaseRequest,
  RectificationStepRequest,
  ReviewObjectionRequest,
  ShowMitigationRequest,
  VerifyRectificationRequest,
} from './integrity-types';

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

/** Each department's part of a directive is a child workflow named by both. */
export const departmentTaskWorkflowId = (receiptNumber: string, departmentCode: string) =>
  `${directiveWorkflowId(receiptNumber)}/dept/${departmentCode}`;

export const signForIncomingUpdate = defineUpdate<IncomingSignature, [SignForIncomingRequest]>(
  'signForIncoming',
);
export const registerIncomingUpdate = defineUpdate<Registration, [RegisterIncomingRequest]>(
  'registerIncoming',
);
/** 启用编号: where the year's numbers continue from (an office moving from the paper register). */
export const continueNumberingUpdate = defineUpdate<RegisterNumbering, [ContinueNumberingRequest]>(
  'continueNumbering',
);

// The general office's steps on a directive.
export const proposeHandlingUpdate = defineUpdate<DirectiveState, [ProposeHandlingRequest]>(
  'proposeHandling',
);
export const reviewProposalUpdate = defineUpdate<DirectiveState, [ReviewProposalRequest]>('reviewProposal');
export const instructUpdate = defineUpdate<DirectiveState, [InstructRequest]>('instruct');
export const dispatchUpdate = defineUpdate<DirectiveState, [DispatchRequest]>('dispatch');
export const withdrawUpdate = defineUpdate<DirectiveState, [WithdrawRequest]>('withdraw');
/** 归档: a 阅件 read by its leaders, or a document kept for reference, filed without 转办. */
export const fileUpdate = defineUpdate<DirectiveState, [FileRequest]>('file');
export const initialReviewUpdate = defineUpdate<DirectiveState, [InitialReviewRequest]>('initialReview');
export const circulateUpdate = defineUpdate<DirectiveState, [CirculateRequest]>('circulate');
export const readCirculationUpdate = defineUpdate<DirectiveState, [ReadCirculationRequest]>(
  'readCirculation',
);
export const recallCirculationUpdate = defineUpdate<DirectiveState, [RecallCirculationRequest]>(
  'recallCirculation',
);
export const assignUrgerUpdate = defineUpdate<DirectiveState, [AssignUrgerRequest]>('assignUrger');
export const replyUpdate = defineUpdate<DirectiveState, [ReplyRequest]>('reply');
export const getDirectiveStateQuery = defineQuery<DirectiveState>('getDirectiveState');

// A department's steps on its task, and the office's answer to its report.
export const signForUpdate = defineUpdate<DepartmentTaskState, [SignForRequest]>('signFor');
export const submitReportUpdate = defineUpdate<DepartmentTaskState, [SubmitReportRequest]>('submitReport');
export const reviewReportUpdate = defineUpdate<DepartmentTaskState, [ReviewReportRequest]>('reviewReport');
// 代拟稿待后送出: the department sends it later; the office accepts it or returns it.
export const sendDraftUpdate = defineUpdate<DepartmentTaskState, [SendDraftRequest]>('sendDraft');
export const reviewDraftUpdate = defineUpdate<DepartmentTaskState, [ReviewReportRequest]>('reviewDraft');
// 会办意见送主办汇总: a 会办's task hands its opinion to the 主办's (no answer needed: a signal).
export const coOpinionSignal = defineSignal<[CoOpinion]>('coOpinion');
export const requestExtensionUpdate = defineUpdate<DepartmentTaskState, [RequestExtensionRequest]>(
  'requestExtension',
);
export const decideExtensionUpdate = defineUpdate<DepartmentTaskState, [DecideExtensionRequest]>(
  'decideExtension',
);
export const urgeUpdate = defineUpdate<DepartmentTaskState, [UrgeRequest]>('urge');
export const reassignHandlerUpdate = defineUpdate<DepartmentTaskState, [ReassignHandlerRequest]>(
  'reassignHandler',
);
export const getDepartmentTaskStateQuery = defineQuery<DepartmentTaskState>('getDepartmentTaskState');

// The integrity chain (政务诚信): a breach record's workflow and each accountability case's.

/** 政务失信记录: named by its record id, e.g. 201700084-GDCZT for the task that opened it. */
export const breachRecordWorkflowId = (recordId: string) => `breach-record-${recordId}`;

/** A record opened by an overdue directive task has the task's own business key: once per task. */
export const breachRecordIdForTask = (receiptNumber: string, departmentCode: string) =>
  `${receiptNumber}-${departmentCode}`;

/** 追究责任: the record's n-th case. */
export const accountabilityCaseId = (recordId: string, n: number) => `${recordId}-${n}`;
export const accountabilityCaseWorkflowId = (caseId: string) => `accountability-case-${caseId}`;

/** Answers once the record's opening is projected: the API starts a record with it (update-with-start). */
export const breachOpenedUpdate = defineUpdate<BreachRecordState, [{ by?: ActingUser }]>('breachOpened');
export const correctRecordUpdate = defineUpdate<BreachRecordState, [CorrectRecordRequest]>('correctRecord');
/** 书面说明原因, 整改方案, 整改完成: the body's three rectification steps. */
export const explainBreachUpdate = defineUpdate<BreachRecordState, [RectificationStepRequest]>(
  'explainBreach',
);
export const submitRectificationPlanUpdate = defineUpdate<BreachRecordState, [RectificationStepRequest]>(
  'submitRectificationPlan',
);
export const reportRectificationUpdate = defineUpdate<BreachRecordState, [RectificationStepRequest]>(
  'reportRectification',
);
/** 验收. */
export const verifyRectificationUpdate = defineUpdate<BreachRecordState, [VerifyRectificationRequest]>(
  'verifyRectification',
);
export const openCaseUpdate = defineUpdate<BreachRecordState, [OpenCaseRequest]>('openCase');
/** 信用修复: the body applies, the credit staff decide. */
export const applyRepairUpdate = defineUpdate<BreachRecordState, [ApplyRepairRequest]>('applyRepair');
export const decideRepairUpdate = defineUpdate<BreachRecordState, [DecideRepairRequest]>('decideRepair');
export const getBreachRecordStateQuery = defineQuery<BreachRecordState>('getBreachRecordState');

/** 异议: to a record (on its workflow) or to a case's decision (on the case's). */
export const fileObjectionUpdate = defineUpdate<
  BreachRecordState | AccountabilityCaseState,
  [FileObjectionRequest]
>('fileObjection');
export const reviewObjectionUpdate = defineUpdate<
  BreachRecordState | AccountabilityCaseState,
  [ReviewObjectionRequest]
>('reviewObjection');

export const concludeInvestigationUpdate = defineUpdate<
  AccountabilityCaseState,
  [ConcludeInvestigationRequest]
>('concludeInvestigation');
/** 自我纠错、主动自新: the body shows what it did, before the decision. */
export const showMitigationUpdate = defineUpdate<AccountabilityCaseState, [ShowMitigationRequest]>(
  'showMitigation',
);
export const decideCaseUpdate = defineUpdate<AccountabilityCaseState, [DecideCaseRequest]>('decideCase');
export const getAccountabilityCaseStateQuery = defineQuery<AccountabilityCaseState>(
  'getAccountabilityCaseState',
);

/** ApplicationFailure types the API maps to HTTP answers. */
export const FailureType = {
  /** 400: the request itself is malformed. */
  InvalidInput: 'InvalidInput',
  /** 403: this person may not take this step on this directive. */
  NotYours: 'NotYours',
  /** 409: the step is not possible in the current state. */
  NotNow: 'NotNow',
  /** 409: the same document (来文单位 + 文号) is already registered. */
  Duplicate: 'Duplicate',
} as const;
