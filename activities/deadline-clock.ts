/**
 * The 回报 deadline clock: from "within N days" (or an explicit due date) to the due date, the
 * instant it is overdue, and the date and instant of each reminder (催报) and escalation.
 *
 * All dates are China Standard Time calendar dates (UTC+8, no daylight saving), handled as day
 * numbers so the machine's time zone never enters. The seed's 回报单, sent 2017-01-04, asks for
 * the report "于 10 天内（即 1 月 14 日前）退回":
 * - CALENDAR: every day counts. 2017-01-04 + 10 days = due 2017-01-14; the due day itself counts,
 *   so any time on 14 January is on time and it is overdue at 2017-01-15 00:00 CST
 *   (2017-01-14T16:00:00.000Z). Offset -3 is 2017-01-11, +1 is 2017-01-15, each notice at
 *   noticeHour CST (09:00 CST = 01:00Z).
 * - WORKING: the due date is the Nth working day after the start (the start itself not counted),
 *   and offsets count working days from the due date (-1: the working day before it). Working
 *   days follow the State Council's yearly 放假安排: public holidays off, 调休 weekend days worked.
 *   A year without a published 放假安排 counts Monday–Friday and is named in calendarWarnings.
 * An explicit dueDate (an approved extension, a return for revision) is used as is.
 */
import { ApplicationFailure } from '@temporalio/common';
// The package's functions build their table with local-time Dates, which shifts every date by a
// day on a machine west of UTC; its published JSON is the same table, free of any time zone.
import chinaCalendar from 'chinese-days/dist/chinese-days.json';
import { FailureType } from '../workflows/definitions';
import { isCalendarDate } from '../workflows/incoming-document';
import type { Schedule, ScheduleRequest } from '../workflows/deadline-ladder';

export type { Schedule, ScheduleRequest } from '../workflows/deadline-ladder';

const DAY_MS = 86_400_000;
const CST_OFFSET_HOURS = 8;
/** A year either way: anything longer is a typing error, and a working-day walk stays short. */
const MAX_DAYS = 366;

const { holidays, workdays }: { holidays: Record<string, string>; workdays: Record<string, string> } =
  chinaCalendar;
/** Every published 放假安排 has holidays, so their years are the years with data. */
const PUBLISHED_YEARS = new Set(Object.keys(holidays).map((date) => Number(date.slice(0, 4))));

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const yearOf = (day: number) => new Date(day * DAY_MS).getUTCFullYear();
/** The instant of `hour`:`minute` China Standard Time on `day`. */
const instant = (day: number, hour: number, minute = 0) =>
  new Date(((day * 24 + hour - CST_OFFSET_HOURS) * 60 + minute) * 60_000).toISOString();

interface DayClock {
  /** The day `days` counted days after `from` (before it if negative), `from` itself not counted. */
  step(from: number, days: number): number;
  /** Notes a day the schedule depends on, for the warnings. */
  touch(day: number): void;
  warnings(): string[];
}

const calendarDays: DayClock = {
  step: (from, days) => from + days,
  touch: () => {},
  warnings: () => [],
};

class WorkingDays implements DayClock {
  private readonly unpublished = new Set<number>();

  step(from: number, days: number): number {
    let day = from;
    for (let left = Math.abs(days); left > 0;) {
      day += Math.sign(days);
      if (this.isWorkingDay(day)) left--;
    }
    return day;
  }

  touch(day: number): void {
    const year = yearOf(day);
    if (!PUBLISHED_YEARS.has(year)) this.unpublished.add(year);
  }

  warnings(): string[] {
    return [...this.unpublished]
      .sort((a, b) => a - b)
      .map(
        (year) =>
          `${year} has no published 放假安排 in the holiday data: weekends-only counting assumed ` +
          '(Monday–Friday worked), so its public holidays and 调休 are not taken into account',
      );
  }

  private isWorkingDay(day: number): boolean {
    this.touch(day);
    const date = dateOf(day);
    if (workdays[date]) return true; // 调休: a Saturday or Sunday worked
    const weekday = new Date(day * DAY_MS).getUTCDay();
    return weekday >= 1 && weekday <= 5 && !holidays[date];
  }
}

function fail(message: string): never {
  throw new Error(message);
}

const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : String(value));

const isWholeNumber = (value: unknown, min: number, max: number): value is number =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

function parseDate(field: string, value: unknown): number {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    fail(`${field} must be a calendar date YYYY-MM-DD, got ${show(value)}`);
  }
  return dayNumber(value);
}

function dueDay({ startDate, withinDays, dueDate }: ScheduleRequest, clock: DayClock): number {
  if (dueDate !== undefined) {
    if (startDate !== undefined) fail('give startDate (with withinDays) or dueDate, not both');
    if (withinDays !== undefined)
      fail('withinDays goes with startDate; with an explicit dueDate leave it out');
    return parseDate('dueDate', dueDate);
  }
  if (startDate === undefined) fail('give either startDate with withinDays, or dueDate');
  if (!isWholeNumber(withinDays, 1, MAX_DAYS)) {
    fail(`withinDays (N of "N 天内") must be a whole number from 1 to ${MAX_DAYS}, got ${show(withinDays)}`);
  }
  const start = parseDate('startDate', startDate);
  clock.touch(start);
  return clock.step(start, withinDays);
}

export function computeSchedule(req: ScheduleRequest): Schedule {
  const { counting, offsets, noticeHour, noticeMinute = 0 } = req;
  if (counting !== 'CALENDAR' && counting !== 'WORKING') {
    fail(`counting must be 'CALENDAR' or 'WORKING', got ${show(counting)}`);
  }
  if (!isWholeNumber(noticeHour, 0, 23)) {
    fail(`noticeHour must be a whole hour from 0 to 23 (China Standard Time), got ${show(noticeHour)}`);
  }
  if (!isWholeNumber(noticeMinute, 0, 59)) {
    fail(`noticeMinute must be a whole minute from 0 to 59, got ${show(noticeMinute)}`);
  }
  if (!Array.isArray(offsets)) fail('offsets must be a list of { key, offsetDays }');
  for (const { key, offsetDays } of offsets) {
    if (typeof key !== 'string' || key === '') fail('every offset needs a key');
    if (!isWholeNumber(offsetDays, -MAX_DAYS, MAX_DAYS)) {
      fail(
        `offsetDays of '${key}' must be a whole number from -${MAX_DAYS} to ${MAX_DAYS}, got ${show(offsetDays)}`,
      );
    }
  }

  const clock = counting === 'WORKING' ? new WorkingDays() : calendarDays;
  const due = dueDay(req, clock);
  clock.touch(due);
  const notices = offsets.map(({ key, offsetDays }) => {
    const day = clock.step(due, offsetDays);
    clock.touch(day);
    return { key, date: dateOf(day), at: instant(day, noticeHour, noticeMinute) };
  });
  return {
    dueDate: dateOf(due),
    overdueAt: instant(due + 1, 0),
    notices,
    calendarWarnings: clock.warnings(),
  };
}

export function createDeadlineClockActivities() {
  return {
    /**
     * An activity, not workflow code: the holiday data changes every year (the State Council
     * publishes each 放假安排 late in the year before), so the schedule is computed once and
     * recorded in the workflow's history, and a replay reads that record instead of recomputing
     * against newer data. Safe to retry because it is pure; invalid input fails non-retryably,
     * since it would fail the same way every time.
     */
    computeSchedule(req: ScheduleRequest): Promise<Schedule> {
      try {
        return Promise.resolve(computeSchedule(req));
      } catch (err) {
        return Promise.reject(
          ApplicationFailure.create({
            type: FailureType.InvalidInput,
            message: err instanceof Error ? err.message : String(err),
            nonRetryable: true,
          }),
        );
      }
    },
  };
}
