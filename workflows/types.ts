/** Shapes that cross the workflow boundary. Every message takes one object, so fields can be added later. */

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

/** What the clerk copies from the incoming document when registering it (收文登记). */
export interface IncomingDocument {
  sourceOrg: string; // 来文单位
  docNumber: string; // 文号, e.g. 国发〔2016〕76号
  title: string; // 来文标题
  receivedDate: string; // 收文日期, YYYY-MM-DD in China Standard Time
  urgency: Urgency;
  secrecy: Secrecy;
}

export interface RegisterIncomingRequest {
  document: IncomingDocument;
  registeredBy: Actor;
}

export interface Registration {
  receiptNumber: string; // 收文编号
  workflowId: string;
}

export interface IncomingRegisterInput {
  year: number;
  /** The last 收文编号 sequence already used this year (0 for a new register). */
  lastSequence: number;
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
}

/** Where a directive stands in the office's procedure. */
export type DirectiveStatus = 'REGISTERED';

export interface DirectiveState {
  receiptNumber: string;
  status: DirectiveStatus;
  registeredAt: string;
}

/** One timeline entry as the workflow records it; seq makes the projection write idempotent. */
export interface TimelineRecord {
  seq: number;
  at: string;
  actor?: Actor;
  action: string;
  fromState?: string;
  toState?: string;
  comment?: string;
}
