/** Refusals shared by the workflows' update validators: thrown, they reject the update and change nothing. */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from './definitions';
import type { FieldProblem } from './incoming-document';
import * as say from './wording';
import type { ActingUser, Actor, TimelineRecord } from './types';

export function refuse(type: keyof typeof FailureType, message: string, fields?: FieldProblem[]): never {
  throw ApplicationFailure.create({
    type: FailureType[type],
    message,
    details: fields ? [fields] : undefined,
    nonRetryable: true,
  });
}

export function invalid(fields: FieldProblem[]): never {
  return refuse('InvalidInput', say.joinReasons(fields), fields);
}

export function requireRole(by: ActingUser, roles: readonly string[], step: string): void {
  if (!by.roles.some((r) => roles.includes(r))) refuse('NotYours', say.rolesNeeded(step, roles));
}

export function requireText(value: unknown, field: string, label: string, max = 2000): FieldProblem[] {
  if (typeof value !== 'string' || !value.trim()) return [{ field, reason: say.required(label) }];
  if (value.length > max) return [{ field, reason: say.tooLong(label, max) }];
  return [];
}

/** An optional remark: absent, or text of at most `max` characters. */
export function optionalText(value: unknown, field: string, label: string, max = 2000): FieldProblem[] {
  if (value === undefined) return [];
  if (typeof value !== 'string') return [{ field, reason: say.mustBeText(label) }];
  if (value.length > max) return [{ field, reason: say.tooLong(label, max) }];
  return [];
}

/**
 * A key of a catalogue (handling options, measures, grounds…) given as the catalogue names it: its
 * own key, never an inherited one ("toString" is not a handling option), and of the key's own type
 * (the number 1, not the text "1": a payload is JSON and keeps what the sender sent).
 */
export function isKeyOf<K extends PropertyKey>(
  catalogue: Record<K, unknown>,
  value: unknown,
  kind: 'string' | 'integer' = 'string',
): value is K {
  const typed = kind === 'integer' ? Number.isInteger(value) : typeof value === 'string';
  return typed && Object.prototype.hasOwnProperty.call(catalogue, value as PropertyKey);
}

/** Roles of the general office that handle reports and dispatch. */
export const OFFICE_HANDLERS = ['CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR'] as const;

/** The person as recorded in state: who holds the office or role, whoever acts for them. */
export const actor = ({ userId, displayName }: Actor): Actor => ({ userId, displayName });

/** Who the timeline names: the person who acted and, under a 委托, for whom. */
export function signer(by: Actor | ActingUser): { actor: Actor; onBehalfOf?: Actor } {
  const delegate = 'delegate' in by ? by.delegate : undefined;
  return delegate ? { actor: actor(delegate), onBehalfOf: actor(by) } : { actor: actor(by) };
}

/** A step's timeline entry: its number, when, who took it (under a 委托, for whom), and the change. */
export function stepEntry(
  seq: number,
  by: Actor | ActingUser | undefined,
  action: string,
  fromState: string | undefined,
  toState: string,
  comment?: string,
): TimelineRecord {
  return { seq, at: new Date().toISOString(), ...(by && signer(by)), action, fromState, toState, comment };
}

/**
 * A reminder's (催报) timeline comment: the rung, whom its notice reached (their ids), and, for a
 * notice prepared ahead (预备提醒), the China Standard Time minute it reaches them.
 */
export const reminderComment = (rung: string, recipientIds: readonly string[], reachesAt?: string) =>
  `${reachesAt ? `${preparedFor(rung, Date.parse(reachesAt))} 送达）` : rung} → ${recipientIds.join(', ') || '（无接收人）'}`;

/** 撤回预备提醒's comment: the reminders withdrawn, each with its minute, and why. */
export const withdrawalComment = (notices: readonly { rung: { key: string }; at: number }[], why: string) =>
  `${notices.map((n) => `${preparedFor(n.rung.key, n.at)}）`).join('、')}：${why}`;

/** A prepared reminder as both its entry and its withdrawal name it: `remind-3（定于 2017-01-11 09:00`. */
const preparedFor = (rung: string, at: number) => `${rung}（定于 ${chinaMinute(at)}`;

/** The timeline's entry for reminders prepared ahead and withdrawn before their time. */
export const WITHDRAWN_REMINDERS = '撤回预备提醒';

/**
 * A task's timeline entries (in order) less the reminders withdrawn before their time, and the
 * withdrawals themselves: those reached nobody. A prepared reminder's comment starts `remind-3（定于 2017-01-11 09:00`, and its
 * withdrawal names `remind-3（定于 2017-01-11 09:00）`; each withdrawal takes back the latest such
 * reminder before it (one written again for a new 承办人 has the same words).
 */
export function reachedReminders<E extends { action: string; comment: string | null }>(
  entries: readonly E[],
): E[] {
  const kept: E[] = [];
  for (const entry of entries) {
    if (entry.action !== WITHDRAWN_REMINDERS) {
      kept.push(entry);
      continue;
    }
    for (const [, prepared] of (entry.comment ?? '').matchAll(PREPARED_NAMED)) {
      for (let i = kept.length - 1; i >= 0; i--) {
        if (kept[i]!.comment?.startsWith(prepared!)) {
          kept.splice(i, 1);
          break;
        }
      }
    }
  }
  return kept;
}

/** A prepared reminder as a withdrawal names it: its rung and the minute it was to reach people. */
const PREPARED_NAMED = /([\w-]+（定于 \d{4}-\d{2}-\d{2} \d{2}:\d{2})）/g;

/** YYYY-MM-DD HH:MM, China Standard Time. */
export function chinaMinute(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
