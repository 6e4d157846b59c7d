/**
 * The 09:00 burst of the scale loader (scripts/bench/scale.ts): B department tasks whose first
 * reminder (提醒, remind-3: three calendar days before the 回报期限, at the policy's notice time CST)
 * falls due at one and the same instant H, and how late each notice reaches the Notice table.
 *
 * The dev server's clock is the wall clock, so H must be a real instant in the near future, and a
 * policy names a whole minute (noticeHour and noticeMinute, China Standard Time): H is the next
 * whole minute after the burst's load is expected to end. The office director saves a policy
 * version with that notice time (new directives take it at registration), and the burst's 拟办
 * sets the 回报期限 by hand to H's CST date minus the rung's offset, so computeSchedule
 * (activities/deadline-clock.ts) puts that rung exactly at H.
 */
import { performance } from 'node:perf_hooks';
import type { Database } from '../../core/database';
import { chinaDate } from '../../workflows/incoming-document';
import { NOTICES_PREPARED_AHEAD_MS, type NoticeRule, type RoutingPolicy } from '../../workflows/policy';
import type { Urgency } from '../../workflows/types';
import { figuresOf, type StepFigures } from './figures';
import type { ScaleApi } from './scale-http';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CST_OFFSET_HOURS = 8;
const POLL_MS = 100;
/** The watch starts this long before the notices are due to be prepared, so none is missed. */
const WATCH_BEFORE_MS = 10_000;
/** The bound: every notice within 5 s of H. */
export const BURST_TARGET_MS = 5_000;
/** deliveredBySeconds: how many were in 1, 2, 5 … seconds after H. */
const PACE_SECONDS = [1, 2, 5, 10, 20, 30, 60, 120];

/** The CST hour (0–23) of an instant. CST has no daylight saving: whole UTC hours are whole CST hours. */
export const cstHourOf = (ms: number) => (new Date(ms).getUTCHours() + CST_OFFSET_HOURS) % 24;

/** The CST minute (0–59) of an instant: CST is a whole number of hours from UTC. */
const cstMinuteOf = (ms: number) => new Date(ms).getUTCMinutes();

const nextWholeHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS;
const nextWholeMinute = (ms: number) => Math.ceil(ms / MINUTE_MS) * MINUTE_MS;

/** The next instant, after `ms`, at which the CST clock reads `hour`:00. */
export function nextCstHour(hour: number, ms: number): number {
  let at = nextWholeHour(ms + 1);
  while (cstHourOf(at) !== hour) at += HOUR_MS;
  return at;
}

/** A YYYY-MM-DD date `days` calendar days later (earlier if negative). */
export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** `2026-12-01 09:00 CST` */
export const cstText = (ms: number) =>
  `${new Date(ms + CST_OFFSET_HOURS * HOUR_MS).toISOString().slice(0, 16).replace('T', ' ')} CST`;

/** When the notices of a burst at H are written (预备提醒): ten minutes before it. */
export const preparedAt = (at: number) => at - NOTICES_PREPARED_AHEAD_MS;

/** How long before H they are written, in minutes, for the report. */
export const PREPARED_AHEAD_MINUTES = NOTICES_PREPARED_AHEAD_MS / 60_000;

/**
 * H: `burstHour` given, its next occurrence (hh:00 CST, as the seed's 09:00); otherwise the first
 * whole minute at least `leadMs` after the burst's load is expected to end and its notices' time
 * to be prepared (NOTICES_PREPARED_AHEAD_MS) after that, so they are prepared at once, as at 08:50.
 */
export function chooseBurstInstant(now: number, expectedLoadMs: number, leadMs: number, burstHour?: number) {
  return burstHour === undefined
    ? nextWholeMinute(now + expectedLoadMs + leadMs + NOTICES_PREPARED_AHEAD_MS)
    : nextCstHour(burstHour, now);
}

export interface BurstPolicy {
  version: string;
  noticeHour: number;
  noticeMinute: number;
  /** The ladder's first rung for the urgency: the one that falls at H. */
  rung: NoticeRule;
  /** The 回报期限 the burst's 拟办 sets. */
  dueDate: string;
}

/**
 * As the office director: the policy in force with its notice time at H's CST hour and minute, counted in calendar
 * days, saved as a new version (PUT /api/policy). Directives registered from now on take it.
 */
export async function saveBurstPolicy(
  api: ScaleApi,
  director: string,
  at: number,
  urgency: Urgency,
): Promise<BurstPolicy> {
  const { policy } = (await api.get('policy', director, '/api/policy')) as { policy: RoutingPolicy };
  const version = `scale-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const noticeHour = cstHourOf(at);
  const noticeMinute = cstMinuteOf(at);
  await api.write({
    label: 'policy',
    who: director,
    method: 'PUT',
    url: '/api/policy',
    body: { ...policy, version, noticeHour, noticeMinute, dayCounting: 'CALENDAR' },
    expected: 201,
  });
  const rung = [...policy.notices[urgency]].sort((a, b) => a.offsetDays - b.offsetDays)[0];
  if (!rung) throw new Error(`the policy has no reminder for ${urgency}`);
  const dueDate = addDays(chinaDate(at), -rung.offsetDays);
  if (dueDate < chinaDate(Date.now()))
    throw new Error(
      `the first rung ${rung.key} comes after the 回报期限: no 回报期限 from today puts it at H`,
    );
  return { version, noticeHour, noticeMinute, rung, dueDate };
}

export interface BurstFigures {
  at: string;
  rung: string;
  expected: number;
  /** Tasks whose notice reached the Notice table before the watch gave up. */
  delivered: number;
  /** Of those, within BURST_TARGET_MS of H. */
  withinTarget: number;
  /** Notice rows per task (one per recipient: the department's 承办人). */
  rowsPerTask: number;
  /** When the row was seen by the 100 ms poll, minus H (ms): the delivery's lateness. */
  lateness: StepFigures;
  /** The workflow's clock when it sent the notice (Notice.at), minus H: the timer's own lateness. */
  firedLateness: StepFigures;
  /** Tasks whose notice was in so many seconds after H (the burst's pace). */
  deliveredBySeconds: Record<string, number>;
  /** Shown before H (Notice.at < H): would mean the schedule is wrong. */
  early: number;
  /**
   * 预备提醒: rows written before H (shown from H), and when each was written (seen by the poll),
   * from the moment the preparation was due (H − NOTICES_PREPARED_AHEAD_MS).
   */
  prepared: { beforeH: number; sincePrepareAt: StepFigures };
  watchSeconds: number;
}

/**
 * From now (10 s before the notices are due to be prepared: see untilWatch), polls the Notice
 * table every 100 ms for the rung's notices of the expected task workflows (noticeKey `<task
 * workflow id>:<rung>:1`), until all are in and H has come, or `timeoutMs` after H. A notice
 * reaches people when it is in the table and its instant (Notice.at) has come: the inbox shows it
 * from then (api/routes/lists.ts), so a row written before H is delivered at H.
 */
export async function watchBurst(
  db: Database,
  expected: Set<string>,
  rung: string,
  at: number,
  timeoutMs: number,
  stopped: () => boolean,
): Promise<BurstFigures> {
  const started = performance.now();
  const suffix = `:${rung}:1`;
  const seen = new Map<string, { seenAt: number; firedAt: number }>();
  let rows = 0;
  let lastId = 0;
  const watching = () => seen.size < expected.size || Date.now() < at;
  while (watching() && Date.now() < at + timeoutMs && !stopped()) {
    const found = await db.notice.findMany({
      where: { id: { gt: lastId }, noticeKey: { endsWith: suffix } },
      select: { id: true, noticeKey: true, at: true },
      orderBy: { id: 'asc' },
    });
    const seenAt = Date.now();
    for (const row of found) {
      lastId = row.id;
      const task = row.noticeKey.slice(0, -suffix.length);
      if (!expected.has(task)) continue;
      rows++;
      if (!seen.has(task)) seen.set(task, { seenAt, firedAt: row.at.getTime() });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const lateness = [...seen.values()].map((s) => Math.max(s.seenAt, s.firedAt) - at);
  return {
    at: new Date(at).toISOString(),
    rung,
    expected: expected.size,
    delivered: seen.size,
    withinTarget: lateness.filter((ms) => ms >= 0 && ms <= BURST_TARGET_MS).length,
    rowsPerTask: seen.size ? Math.round((rows / seen.size) * 100) / 100 : 0,
    lateness: figuresOf(lateness),
    firedLateness: figuresOf([...seen.values()].map((s) => s.firedAt - at)),
    deliveredBySeconds: Object.fromEntries(
      PACE_SECONDS.map((sec) => [sec, lateness.filter((ms) => ms <= sec * 1000).length]),
    ),
    early: [...seen.values()].filter((s) => s.firedAt < at).length,
    prepared: {
      beforeH: [...seen.values()].filter((s) => s.seenAt < at).length,
      sincePrepareAt: figuresOf([...seen.values()].map((s) => s.seenAt - preparedAt(at))),
    },
    watchSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/**
 * Sleeps until the watch of the burst at `at` starts, 10 s before its notices are due to be
 * prepared, waking each second to see if the run was stopped.
 */
export async function untilWatch(at: number, stopped: () => boolean): Promise<void> {
  const start = preparedAt(at) - WATCH_BEFORE_MS;
  while (Date.now() < start && !stopped())
    await new Promise((r) => setTimeout(r, Math.min(1_000, Math.max(0, start - Date.now()))));
}
