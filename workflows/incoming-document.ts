/**
 * Checks on a registration (收文登记), shared by the API (to answer 400) and the register
 * workflow's update validator (so nothing invalid is ever recorded). Pure and deterministic.
 */
import { PUBLICITIES, SECRECY_LEVELS, URGENCIES, type AttachmentRef, type IncomingDocument } from './types';
import * as say from './wording';

export interface FieldProblem {
  field: string;
  reason: string;
}

/** 文号: issuing organ's prefix, the year in 六角括号 〔〕, the number and 号, e.g. 国发〔2016〕76号. */
const DOC_NUMBER = /^(\S+?)〔(\d{4})〕(\d+)号$/;

/** Brackets people type for 〔〕 on ordinary keyboards. */
const BRACKET_LOOKALIKES: [RegExp, string][] = [
  [/[[【(（]/g, '〔'],
  [/[\]】)）]/g, '〕'],
];

export function normalizeDocNumber(docNumber: string): string {
  return BRACKET_LOOKALIKES.reduce((s, [from, to]) => s.replace(from, to), docNumber.replace(/\s+/g, ''));
}

export function docNumberYear(docNumber: string): number | undefined {
  const m = DOC_NUMBER.exec(docNumber);
  return m ? Number(m[2]) : undefined;
}

/** A YYYY-MM-DD calendar date that exists (no 2017-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Today's calendar date in China Standard Time (UTC+8, no daylight saving). */
export function chinaDate(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 10);
}

const MAX_TITLE = 200;
const MAX_ATTACHMENTS = 20;

/** 保密期限 as written on the 呈批表: a number of years or months, or 长期. */
const SECRECY_PERIOD = /^(长期|[1-9]\d?年|[1-9]\d?个月)$/;

/** 办文编号 prefix: the office's filing category, e.g. 发改 in 发改 0009. */
/** 办文编号 prefix: 1–4 Chinese characters, e.g. 发改. */
export const HANDLING_PREFIX = /^[\u4e00-\u9fff]{1,4}$/;
const MAX_ORG = 60;

export function checkIncomingDocument(
  doc: Partial<Record<keyof IncomingDocument, unknown>>,
  nowMs: number,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const text = (field: keyof IncomingDocument, label: string, max: number) => {
    const v = doc[field];
    if (typeof v !== 'string' || v.trim() === '') problems.push({ field, reason: say.required(label) });
    else if (v.length > max) problems.push({ field, reason: say.tooLong(label, max) });
  };
  text('title', '来文标题', MAX_TITLE);
  problems.push(...checkDelivery(doc, nowMs, { copiesRequired: false }));

  if (typeof doc.receivedDate !== 'string' || !isCalendarDate(doc.receivedDate)) {
    problems.push({ field: 'receivedDate', reason: say.notADate('收文日期') });
  } else if (doc.receivedDate > chinaDate(nowMs)) {
    problems.push({ field: 'receivedDate', reason: '收文日期不能晚于今天' });
  }

  if (!URGENCIES.includes(doc.urgency as never)) {
    problems.push({ field: 'urgency', reason: say.oneOfThese('紧急程度', URGENCIES) });
  }
  if (!SECRECY_LEVELS.includes(doc.secrecy as never)) {
    problems.push({ field: 'secrecy', reason: say.oneOfThese('密级', SECRECY_LEVELS) });
  } else if (doc.secrecy === '非密') {
    if (doc.secrecyPeriod !== undefined && doc.secrecyPeriod !== '')
      problems.push({ field: 'secrecyPeriod', reason: '非密文件不填保密期限' });
  } else if (typeof doc.secrecyPeriod !== 'string' || !SECRECY_PERIOD.test(doc.secrecyPeriod)) {
    problems.push({
      field: 'secrecyPeriod',
      reason: `${String(doc.secrecy)}文件须填保密期限，如 10年、6个月或长期`,
    });
  }

  problems.push(...checkCount(doc.pages, 'pages', '页数', false));

  if (
    doc.handlingPrefix !== undefined &&
    (typeof doc.handlingPrefix !== 'string' || !HANDLING_PREFIX.test(doc.handlingPrefix))
  ) {
    problems.push({
      field: 'handlingPrefix',
      reason: '办文编号前缀须为 1 至 4 个汉字，如 发改',
    });
  }
  problems.push(...checkDocumentElements(doc));
  const attachments = doc.attachments;
  if (attachments !== undefined) {
    const valid =
      Array.isArray(attachments) &&
      attachments.length <= MAX_ATTACHMENTS &&
      attachments.every((a: unknown) => typeof (a as AttachmentRef)?.id === 'string');
    if (!valid)
      problems.push({ field: 'attachments', reason: `附件须为已上传的文件，最多 ${MAX_ATTACHMENTS} 个` });
  }
  return problems;
}

/** The lengths of the GB/T 9704 elements' texts. */
const ELEMENT_TEXTS = {
  printedBy: ['印发机关', 60],
  mainRecipients: ['主送机关', 500],
  copiedTo: ['抄送机关', 1000],
  issuer: ['签发人', 60],
  summary: ['办理意见', 2000],
  bodyText: ['正文', 100_000],
} as const;

/**
 * The document's own elements (GB/T 9704), each optional: a 6-digit 份号, real dates no later than
 * its receipt (成文 before 印发), 公开属性 as the standard words it, texts within their lengths.
 */
function checkDocumentElements(doc: Partial<Record<keyof IncomingDocument, unknown>>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (doc.copyNumber !== undefined && (typeof doc.copyNumber !== 'string' || !/^\d{6}$/.test(doc.copyNumber)))
    problems.push({ field: 'copyNumber', reason: '份号须为六位数字，如 000363' });
  for (const [field, label] of [
    ['writtenDate', '成文日期'],
    ['printedOn', '印发日期'],
  ] as const) {
    const v = doc[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !isCalendarDate(v)) problems.push({ field, reason: say.notADate(label) });
    else if (typeof doc.receivedDate === 'string' && v > doc.receivedDate)
      problems.push({ field, reason: `${label}不能晚于收文日期 ${doc.receivedDate}` });
  }
  if (
    typeof doc.writtenDate === 'string' &&
    typeof doc.printedOn === 'string' &&
    doc.printedOn < doc.writtenDate
  )
    problems.push({ field: 'printedOn', reason: '印发日期不能早于成文日期' });
  if (doc.publicity !== undefined && !PUBLICITIES.includes(doc.publicity as never))
    problems.push({ field: 'publicity', reason: say.oneOfThese('公开属性', PUBLICITIES) });
  for (const [field, [label, max]] of Object.entries(ELEMENT_TEXTS) as [
    keyof typeof ELEMENT_TEXTS,
    (typeof ELEMENT_TEXTS)[keyof typeof ELEMENT_TEXTS],
  ][]) {
    const v = doc[field];
    if (v === undefined) continue;
    if (typeof v !== 'string') problems.push({ field, reason: say.mustBeText(label) });
    else if (v.length > max) problems.push({ field, reason: say.tooLong(label, max) });
  }
  return problems;
}

/** What 签收 checks on a delivery: who sent it, its 文号, how many copies were counted. */
export function checkDelivery(
  doc: { sourceOrg?: unknown; docNumber?: unknown; copies?: unknown },
  nowMs: number,
  { copiesRequired } = { copiesRequired: true },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (typeof doc.sourceOrg !== 'string' || doc.sourceOrg.trim() === '') {
    problems.push({ field: 'sourceOrg', reason: say.required('来文单位') });
  } else if (doc.sourceOrg.length > MAX_ORG) {
    problems.push({ field: 'sourceOrg', reason: say.tooLong('来文单位', MAX_ORG) });
  }
  if (typeof doc.docNumber !== 'string' || doc.docNumber.trim() === '') {
    problems.push({ field: 'docNumber', reason: say.required('文号') });
  } else {
    const year = docNumberYear(doc.docNumber);
    if (year === undefined) {
      problems.push({
        field: 'docNumber',
        reason: '文号须形如 国发〔2016〕76号：发文机关代字、〔年份〕、序号、号',
      });
    } else if (year < 1949 || year > Number(chinaDate(nowMs).slice(0, 4))) {
      problems.push({ field: 'docNumber', reason: `文号中的年份 ${year} 不合理` });
    }
  }
  problems.push(...checkCount(doc.copies, 'copies', '份数', copiesRequired));
  return problems;
}

function checkCount(value: unknown, field: string, label: string, required: boolean): FieldProblem[] {
  if (value === undefined && !required) return [];
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 9999) return [];
  return [{ field, reason: say.wholeNumber(label, 1, 9999) }];
}

/** 办文编号: the prefix and a four-digit sequence per prefix and year, as in 发改 0009. */
export function formatHandlingNumber(prefix: string, sequence: number): string {
  return `${prefix} ${String(sequence).padStart(4, '0')}`;
}
