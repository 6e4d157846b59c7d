/** Shapes that cross the workflow boundary. Every message takes one object, so fields can be added later. */
import type { HandlingOptionCode, RoutingPolicy } from './policy';

/** 紧急程度 on the 文件呈批表. */
export const URGENCIES = ['特急', '加急', '平急'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** 密级; 非密 for an unclassified document such as the seed's "(此件公开发布)". */
export const SECRECY_LEVELS = ['绝密', '机密', '秘密', '非密'] as const;
export type Secrecy = (typeof SECRECY_LEVELS)[number];

/** The person behind an action, as recorded in the timeline. */
export interface Actor {
  userId: string;
  displayName: string;
}

/** A file stored with a document (附件), as the API accepted it. */
export interface AttachmentRef {
  id: string;
  sha256: string;
  fileName: string;
  mediaType: string;
  size: number;
}

/** What the clerk copies from the incoming document when registering it (收文登记). */
export interface IncomingDocument {
  sourceOrg: string; // 来文单位
  docNumber: string; // 文号, e.g. 国发〔2016〕76号
  title: string; // 来文标题
  receivedDate: string; // 收文日期, YYYY-MM-DD in China Standard Time
  urgency: Urgency;
  secrecy: Secrecy;
  /** 保密期限, e.g. 10年 or 长期; none for 非密. */
  secrecyPeriod?: string;
  copies?: number; // 份数
  pages?: number; // 页数
  /** 办文编号 prefix the office files it under, e.g. 发改 (the seed's 发改 0009). */
  handlingPrefix?: string;
  attachments?: AttachmentRef[];
  // The elements GB/T 9704 prints on the document itself, copied as they stand (all optional).
  copyNumber?: string; // 份号, e.g. 000363
  writtenDate?: string; // 成文日期, YYYY-MM-DD
  printedBy?: string; // 印发机关, e.g. 国务院办公厅秘书局
  printedOn?: string; // 印发日期, YYYY-MM-DD, e.g. 2016-12-26
  mainRecipients?: string; // 主送机关, e.g. 各省、自治区、直辖市人民政府，国务院各部委、各直属机构
  copiedTo?: string; // 抄送机关
  publicity?: Publicity; // 公开属性, e.g. 此件公开发布
  issuer?: string; // 签发人 (on a 上行文)
  /** 办理意见: the office's summary of what the document asks, at the head of the 呈批表. */
  summary?: string;
  /** 正文, as text, where the office keeps it. */
  bodyText?: string;
}

/** 公开属性 as GB/T 9704 prints it in brackets under the text. */
export const PUBLICITIES = ['此件公开发布', '此件依申请公开', '此件不予公开'] as const;
export type Publicity = (typeof PUBLICITIES)[number];

/** 签收: the office signs for a delivered document before (or as) it is registered. */
export interface SignForIncomingRequest {
  sourceOrg: string;
  docNumber: string;
  copies: number;
  signedBy: Actor;
}

export interface IncomingSignature {
  sourceOrg: string;
  docNumber: string;
  copies: number;
  signedBy: Actor;
  signedForAt: string;
}

export interface RegisterIncomingRequest {
  document: IncomingDocument;
  registeredBy: Actor;
  /** The routing policy in force today; the directive keeps it. */
  policy: RoutingPolicy;
}

export interface Registration {
  receiptNumber: string; // 收文编号
  workflowId: string;
  /** 办文编号, e.g. 发改 0009, when a prefix was given. */
  handlingNumber?: string;
}

export interface IncomingRegisterInput {
  year: number;
  /** The last 收文编号 sequence already used this year (0 for a new register). */
  lastSequence: number;
  /** Documents already in the register, 来文单位|文号 → 收文编号 (carried across continue-as-new). */
  registered?: Record<string, string>;
  /** Last 办文编号 sequence per prefix this year, e.g. { 发改: 8 }. */
  lastHandlingSequences?: Record<string, number>;
  /** Documents signed for (签收) and not registered yet, 来文单位|文号 → signature. */
  signedFor?: Record<string, IncomingSignature>;
}

/**
 * Where the year's numbers continue from, as an office moving from its paper register sets them:
 * the last 收文编号 sequence and the last 办文编号 per prefix already used on paper.
 */
export interface ContinueNumberingRequest {
  by: ActingUser;
  /** The last 收文编号 sequence used on paper, e.g. 83: the next is 201700084. */
  lastSequence?: number;
  /** The last 办文编号 per prefix used on paper, e.g. { 发改: 8 }: the next is 发改 0009. */
  lastHandlingSequences?: Record<string, number>;
}

/** The register's numbers: the last used, so the next is one more. */
export interface RegisterNumbering {
  year: number;
  lastSequence: number;
  lastHandlingSequences: Record<string, number>;
}

/** A registered directive, as the register hands it to the directive's workflow. */
export interface DirectiveInput {
  receiptNumber: string;
  receiptYear: number;
  receiptSequence: number;
  document: IncomingDocument;
  registeredBy: Actor;
  registeredAt: string;
  /** Timeline entries already recorded (the registration itself), so numbering continues. */
  timelineSeq: number;
  /** The policy in force at receipt; the directive keeps it for life. */
  policy: RoutingPolicy;
  /** 签收: when the office signed for it; every "within N days of receipt" clock starts here. */
  signedForAt?: string;
  handlingNumber?: string;
}

/** Where a directive stands in the office's procedure. */
export type DirectiveStatus =
  | 'REGISTERED' // 已登记, awaiting 拟办
  | 'REVIEWING' // 拟办 proposed, office reviewers signing in turn (审核)
  | 'AWAITING_INSTRUCTION' // with the leader(s) for 批示
  | 'RETURNED' // returned to the clerk by a reviewer or leader, to propose again
  | 'INSTRUCTED' // 批示 given, ready for 转办
  | 'IN_PROGRESS' // 转办 done, departments handling and reporting back
  | 'CLOSED' // 办结: every department's report accepted
  | 'WITHDRAWN' // 撤办 by the office
  | 'RETURNED_TO_SENDER' // 退文: 初审 found it misrouted; sent back to the 来文单位
  | 'FILED'; // 归档 without 转办: a 阅件 the leaders have read, or one kept for reference (存档备查)

/** What a leader's 批示 (AMEND) may change in the 拟办. */
export const AMENDABLE_FIELDS = [
  'leadDepartment',
  'coDepartments',
  'handlingOption',
  'dueDate',
  'departmentDueDates',
] as const;
export type AmendableField = (typeof AMENDABLE_FIELDS)[number];

/**
 * 拟办意见: who leads (主办), who helps (会办), which handling option, who gives the 批示. A 阅件 names
 * no department and no option: the leaders read it, then it is filed (归档).
 */
export interface Proposal {
  /** Required, unless forReading. */
  leadDepartment?: string;
  coDepartments: string[];
  /** Required, unless forReading. */
  handlingOption?: HandlingOptionCode;
  /** 阅件: for the leaders to read (呈阅), then 归档; never dispatched (转办). */
  forReading?: boolean;
  /** 会办单位意见送主办单位汇总: the 会办 send their opinions to the 主办, whose one 回报单 covers all. */
  coOpinionsToLead?: boolean;
  /** Leaders asked for 批示 (e.g. 春新), in order when leaderMode is SEQUENCE. */
  leaders: Actor[];
  leaderMode: 'SEQUENCE' | 'PARALLEL';
  comment: string;
  /** 回报期限 set at 拟办 (or by the 批示) for every department, instead of the 办理提示's default. */
  dueDate?: string;
  /** Or for some departments, e.g. { GDCZT: '2017-01-20' }; the rest keep dueDate or the default. */
  departmentDueDates?: Record<string, string>;
}

/**
 * A person acting, as the API vouches for them (signed in; role and department checked there too).
 * Under a 委托 this is the person who delegated, and `delegate` the colleague actually acting.
 */
export interface ActingUser extends Actor {
  roles: string[];
  departmentCode: string;
  delegate?: Actor;
}

export interface SignOff {
  by: Actor;
  at: string;
  role: string;
  comment: string;
}

export interface Instruction {
  by: Actor;
  at: string;
  decision: 'APPROVE' | 'AMEND' | 'RETURN';
  text: string;
}

/** One reader of a 传阅: has it since the circulation, read it (阅) at readAt, maybe with a comment. */
export interface CirculationCopy {
  reader: Actor;
  readAt?: string;
  comment?: string;
}

/** 传阅: the office sends the instructed document round for reading (阅知) or comment (提意见). */
export interface Circulation {
  id: number;
  purpose: 'READ' | 'COMMENT';
  sentBy: Actor;
  sentAt: string;
  note: string;
  copies: CirculationCopy[];
  recalledAt?: string;
  recallReason?: string;
}

/** 答复: what the office tells the 来文单位 on closure, and which units it informed. */
export interface Reply {
  by: Actor;
  at: string;
  text: string;
  notifiedDepartments: string[];
}

export interface DirectiveState {
  receiptNumber: string;
  status: DirectiveStatus;
  registeredAt: string;
  signedForAt?: string;
  /** 办文时限: the office should dispatch by this date (from 签收). */
  officeDueDate?: string;
  initialReview?: { by: Actor; at: string; comment: string };
  proposal?: Proposal;
  signOffs: SignOff[];
  instructions: Instruction[];
  dispatchedAt?: string;
  dueDate?: string;
  departments: Record<string, DepartmentTaskStatus>;
  closedAt?: string;
  circulations?: Circulation[];
  /** 督办人: the office member responsible for urging this directive. */
  urger?: Actor;
  reply?: Reply;
}

export interface InitialReviewRequest {
  by: ActingUser;
  decision: 'ACCEPT' | 'RETURN_TO_SENDER';
  comment: string;
}

export interface CirculateRequest {
  by: ActingUser;
  readers: Actor[];
  purpose: 'READ' | 'COMMENT';
  note: string;
}

export interface ReadCirculationRequest {
  by: ActingUser;
  circulationId: number;
  comment?: string;
}

export interface RecallCirculationRequest {
  by: ActingUser;
  circulationId: number;
  reason: string;
}

export interface AssignUrgerRequest {
  by: ActingUser;
  urger: Actor;
}

export interface ReplyRequest {
  by: ActingUser;
  text: string;
  notifyDepartments: string[];
}

export interface ProposeHandlingRequest {
  by: ActingUser;
  proposal: Proposal;
}

export interface ReviewProposalRequest {
  by: ActingUser;
  decision: 'APPROVE' | 'RETURN';
  comment: string;
}

export interface InstructRequest {
  by: ActingUser;
  decision: 'APPROVE' | 'AMEND' | 'RETURN';
  text: string;
  /** With AMEND: what the leader changes in the proposal. */
  amendment?: Partial<Pick<Proposal, AmendableField>>;
}

export interface DispatchRequest {
  by: ActingUser;
}

export interface WithdrawRequest {
  by: ActingUser;
  reason: string;
}

/** 归档: the directive is filed without 转办; the 归档意见 says why (阅存, 存档备查 …). */
export interface FileRequest {
  by: ActingUser;
  comment: string;
}

/** One department's part after 转办. */
export type DepartmentTaskStatus =
  | 'DISPATCHED' // 已转办, not yet signed for
  | 'SIGNED_FOR' // 已签收
  | 'REPORTED' // 回报单 submitted, awaiting the office
  | 'RETURNED' // report returned for revision, new deadline
  | 'DRAFT_PENDING' // 回报单 accepted; the 代拟稿 it promised (代拟稿待后送出) is still owed
  | 'DRAFT_SENT' // that 代拟稿 sent, awaiting the office
  | 'SENT_TO_LEAD' // a 会办's opinion sent to the 主办 for its 回报单 (会办意见送主办汇总)
  | 'ACCEPTED' // report (and any 代拟稿) accepted
  | 'WITHDRAWN'; // the directive was withdrawn (撤办)

export interface DepartmentTaskInput {
  receiptNumber: string;
  departmentCode: string;
  role: 'LEAD' | 'CO';
  /** 会办意见送主办汇总, on a 会办's task: its opinion goes to this 主办, not to the office. */
  opinionTo?: string;
  /** The same, on the 主办's task: the 会办 whose opinions its 回报单 consolidates. */
  opinionsFrom?: string[];
  handlingOption: HandlingOptionCode;
  document: IncomingDocument;
  /** China Standard Time date of 转办: the report clock starts here. */
  dispatchDate: string;
  /** A 回报期限 the 拟办 or the 批示 set for this department, instead of the 办理提示's default. */
  dueDate?: string;
  policy: RoutingPolicy;
  /** Leaders who gave the 批示: the top of the escalation ladder. */
  instructingLeaders: Actor[];
}

export interface DepartmentTaskState {
  receiptNumber: string;
  departmentCode: string;
  status: DepartmentTaskStatus;
  /** The named 承办人, once the office assigns one; reminders go to them instead of every handler. */
  handler?: Actor;
  dueDate?: string;
  overdue: boolean;
  deptReceiptNumber?: string;
  report?: DepartmentReport;
  firedNotices: string[];
  /** A 延期 request waiting for the office. */
  extensionRequest?: { by: Actor; newDueDate: string; reason: string };
  /** The 政务失信记录 this task opened when it went too long overdue. */
  breachRecordId?: string;
  /** 代拟稿待后送出: the 代拟稿 the accepted 回报单 promised, on its own deadline and reminders. */
  draftToFollow?: DraftToFollow;
  /** On a 主办's task that consolidates: the 会办意见 received so far, one per department. */
  coOpinions?: CoOpinion[];
}

/** 会办意见, as a 会办 sends it to the 主办 (会办意见送主办汇总). */
export interface CoOpinion {
  departmentCode: string;
  text: string;
  signedBy: Actor;
  at: string;
}

/** A 代拟稿 owed after the 回报单 (办理提示 4): its deadline as the ladder keeps it, and once sent. */
export interface DraftToFollow {
  dueDate?: string;
  overdue: boolean;
  firedNotices: string[];
  sent?: { draft?: string; attachments?: AttachmentRef[]; signedBy: Actor; at: string };
}

export interface RequestExtensionRequest {
  by: ActingUser;
  newDueDate: string;
  reason: string;
}

export interface DecideExtensionRequest {
  by: ActingUser;
  approve: boolean;
  /** The office may grant another date than the one asked for. */
  newDueDate?: string;
  comment: string;
}

/** 回报单 as the department fills it in. */
export interface DepartmentReport {
  options: HandlingOptionCode[];
  text: string;
  /** 代拟稿, with option 4: as text, or as attached files, or both; or later (draftToFollow). */
  draft?: string;
  attachments?: AttachmentRef[];
  /** 代拟稿待后送出: option 4 ticked and the 代拟稿 to follow on its own deadline. */
  draftToFollow?: boolean;
  signedBy: Actor;
  at: string;
}

export interface SignForRequest {
  by: ActingUser;
  /** The department's own 收文 number, e.g. 319号. */
  deptReceiptNumber: string;
}

export interface SubmitReportRequest {
  by: ActingUser;
  options: HandlingOptionCode[];
  text: string;
  draft?: string;
  attachments?: AttachmentRef[];
  /** 代拟稿待后送出: with option 4 under a policy that allows it, the 代拟稿 comes later. */
  draftToFollow?: boolean;
}

/** 送交代拟稿: the 代拟稿 the 回报单 said would follow, as text, attached files, or both. */
export interface SendDraftRequest {
  by: ActingUser;
  draft?: string;
  attachments?: AttachmentRef[];
}

/** 审核回报 and 审核代拟稿 alike: accept, or return for revision with a new deadline. */
export interface ReviewReportRequest {
  by: ActingUser;
  decision: 'ACCEPT' | 'RETURN';
  comment: string;
  /** With RETURN: the new deadline (China Standard Time date) for the revised report. */
  newDueDate?: string;
}

export interface ReassignHandlerRequest {
  by: ActingUser;
  handler: Actor;
  reason: string;
}

/** 催办 by hand: the directive's 督办人 (or the office) chases a department that owes a report. */
export interface UrgeRequest {
  by: ActingUser;
  text: string;
}

export interface DepartmentTaskResult {
  departmentCode: string;
  acceptedAt: string;
  /** How it ended: ACCEPTED, or SENT_TO_LEAD for a 会办 whose opinion went to the 主办 (absent: ACCEPTED). */
  status?: DepartmentTaskStatus;
}

/** One timeline entry as the workflow records it; seq makes the projection write idempotent. */
export interface TimelineRecord {
  seq: number;
  at: string;
  actor?: Actor;
  /** Under a 委托: the person the actor stood in for. */
  onBehalfOf?: Actor;
  action: string;
  fromState?: string;
  toState?: string;
  comment?: string;
}
