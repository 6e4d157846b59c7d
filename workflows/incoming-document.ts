/**
 * Checks on a registration (收文登记), shared by the API (to answer 400) and the register
 * workflow's update validator (so nothing invalid is ever recorded). Pure and deterministic.
 */
import { SECRECY_LEVELS, URGENCIES, type IncomingDocument } from './types';

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
const MAX_ORG = 60;

export function checkIncomingDocument(
  doc: Partial<Record<keyof IncomingDocument, unknown>>,
  nowMs: number,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const text = (field: keyof IncomingDocument, label: string, max: number) => {
    const v = doc[field];
    if (typeof v !== 'string' || v.trim() === '') problems.push({ field, reason: `${label} is required` });
    else if (v.length > max) problems.push({ field, reason: `${label} is longer than ${max} characters` });
  };
  text('sourceOrg', '来文单位 (source organ)', MAX_ORG);
  text('title', '来文标题 (title)', MAX_TITLE);

  if (typeof doc.docNumber !== 'string' || doc.docNumber.trim() === '') {
    problems.push({ field: 'docNumber', reason: '文号 (document number) is required' });
  } else {
    const year = docNumberYear(doc.docNumber);
    if (year === undefined) {
      problems.push({
        field: 'docNumber',
        reason: '文号 must look like 国发〔2016〕76号: prefix, 〔year〕, number, 号',
      });
    } else if (year < 1949 || year > Number(chinaDate(nowMs).slice(0, 4))) {
      problems.push({ field: 'docNumber', reason: `文号 year ${year} is not a plausible year` });
    }
  }

  if (typeof doc.receivedDate !== 'string' || !isCalendarDate(doc.receivedDate)) {
    problems.push({ field: 'receivedDate', reason: '收文日期 must be a calendar date YYYY-MM-DD' });
  } else if (doc.receivedDate > chinaDate(nowMs)) {
    problems.push({ field: 'receivedDate', reason: '收文日期 cannot be in the future' });
  }

  if (!URGENCIES.includes(doc.urgency as never)) {
    problems.push({ field: 'urgency', reason: `紧急程度 must be one of ${URGENCIES.join('、')}` });
  }
  if (!SECRECY_LEVELS.includes(doc.secrecy as never)) {
    problems.push({ field: 'secrecy', reason: `密级 must be one of ${SECRECY_LEVELS.join('、')}` });
  }
  return problems;
}
