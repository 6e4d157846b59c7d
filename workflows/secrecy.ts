/**
 * 密级 and 涉密 clearance: who may read a classified (涉密) document. One rule, shared by the API
 * (what a person sees), the notices (what a notice may say) and the workflows (what a record
 * copies from a document). Pure data, so the workflows may import it.
 */
import type { Secrecy } from './types';

/** 密级 from open to most secret; a clearance reads its own level and every level before it. */
const ASCENDING: readonly Secrecy[] = ['非密', '秘密', '机密', '绝密'];

export const isClassified = (secrecy: string): boolean => secrecy !== '非密';

/** A clearance as stored; anything unknown reads nothing classified. */
const rank = (level: string): number => Math.max(0, ASCENDING.indexOf(level as Secrecy));

/** The 密级 a person cleared to `clearance` may read. */
export function readableLevels(clearance: string): Secrecy[] {
  return ASCENDING.slice(0, rank(clearance) + 1);
}

export function clearedFor(clearance: string, secrecy: string): boolean {
  return ASCENDING.includes(secrecy as Secrecy) && rank(secrecy) <= rank(clearance);
}

/** The clearances that read `secrecy`: its level and every higher one. */
export function clearancesFor(secrecy: string): Secrecy[] {
  return ASCENDING.slice(rank(secrecy));
}

/** The lower of two clearances (what both people may read). */
export const lowerClearance = (a: string, b: string): Secrecy => ASCENDING[Math.min(rank(a), rank(b))]!;

/** How a classified document is named where its title may not go (notices, records, lists of others). */
export const classifiedName = (secrecy: string, receiptNumber: string): string =>
  `${secrecy}级文件（收文编号 ${receiptNumber}）`;

/** Why an unaccredited deployment refuses a classified document. */
export const CLASSIFIED_REFUSAL =
  '涉密文件（秘密、机密、绝密）须通过机要渠道办理：本系统所在网络未经涉密信息系统审批，不得登记、存储或传输涉密文件及其附件';
