/**
 * The deadline clock on the seed's 回报单: sent 2017-01-04, "于 10 天内（即 1 月 14 日前）退回",
 * then the same clock in working days across 春节 2017 and 国庆 2025/2026, and beyond the holiday data.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  computeSchedule,
  createDeadlineClockActivities,
  type ScheduleRequest,
} from '../../activities/deadline-clock';

/** The routine (平急) ladder: 提醒 3 and 1 days before, 催报单 the day after, then escalations. */
const LADDER = [
  { key: 'remind-3', offsetDays: -3 },
  { key: 'remind-1', offsetDays: -1 },
  { key: 'formal-1', offsetDays: 1 },
  { key: 'escalate-3', offsetDays: 3 },
  { key: 'escalate-5', offsetDays: 5 },
  { key: 'escalate-10', offsetDays: 10 },
];

const noStart: ScheduleRequest = { counting: 'CALENDAR', offsets: LADDER, noticeHour: 9 };
const seedForm: ScheduleRequest = { ...noStart, startDate: '2017-01-04', withinDays: 10 };

const noticeDates = (req: ScheduleRequest) => computeSchedule(req).notices.map((n) => n.date);

describe('calendar days: the seed 回报单', () => {
  it('is due 2017-01-14 as the form says, overdue from 15 January 00:00 CST, with the ladder at 09:00 CST', () => {
    expect(computeSchedule(seedForm)).toEqual({
      dueDate: '2017-01-14',
      overdueAt: '2017-01-14T16:00:00.000Z',
      notices: [
        { key: 'remind-3', date: '2017-01-11', at: '2017-01-11T01:00:00.000Z' },
        { key: 'remind-1', date: '2017-01-13', at: '2017-01-13T01:00:00.000Z' },
        { key: 'formal-1', date: '2017-01-15', at: '2017-01-15T01:00:00.000Z' },
        { key: 'escalate-3', date: '2017-01-17', at: '2017-01-17T01:00:00.000Z' },
        { key: 'escalate-5', date: '2017-01-19', at: '2017-01-19T01:00:00.000Z' },
        { key: 'escalate-10', date: '2017-01-24', at: '2017-01-24T01:00:00.000Z' },
      ],
      calendarWarnings: [],
    });
  });

  it.each([
    ['options 1–3 and 5 (原文翻印)', 10, '2017-01-14', '2017-01-14T16:00:00.000Z'],
    ['option 4 (加具贯彻意见, 代拟稿)', 15, '2017-01-19', '2017-01-19T16:00:00.000Z'],
  ])('%s: %i days → due %s', (_option, withinDays, dueDate, overdueAt) => {
    expect(computeSchedule({ ...seedForm, withinDays })).toMatchObject({ dueDate, overdueAt });
  });

  it('does not move a due date that falls in 春节: calendar days are calendar days', () => {
    const s = computeSchedule({ ...seedForm, startDate: '2017-01-18', offsets: [] });
    expect(s.dueDate).toBe('2017-01-28');
  });

  it.each([
    [0, '2017-01-10T16:00:00.000Z'],
    [9, '2017-01-11T01:00:00.000Z'],
    [23, '2017-01-11T15:00:00.000Z'],
  ])('fires 3 days before at %i:00 CST, i.e. %s', (noticeHour, at) => {
    const [notice] = computeSchedule({ ...seedForm, noticeHour, offsets: [LADDER[0]!] }).notices;
    expect(notice).toEqual({ key: 'remind-3', date: '2017-01-11', at });
  });

  it('fires at 08:30 CST when the policy names minute 30, and on the hour when it names none', () => {
    const at = (noticeMinute?: number) =>
      computeSchedule({ ...seedForm, noticeHour: 8, noticeMinute, offsets: [LADDER[0]!] }).notices[0]!.at;
    expect(at(30)).toBe('2017-01-11T00:30:00.000Z');
    expect(at(undefined)).toBe('2017-01-11T00:00:00.000Z');
  });

  it('never warns about the holiday data, whatever the year', () => {
    const s = computeSchedule({ ...seedForm, startDate: '2027-12-28' });
    expect(s).toMatchObject({ dueDate: '2028-01-07', calendarWarnings: [] });
  });
});

describe('working days: 春节 2017 (holiday 01-27…02-02, 调休 workdays Sunday 01-22 and Saturday 02-04)', () => {
  const spring: ScheduleRequest = { ...seedForm, startDate: '2017-01-18', counting: 'WORKING' };

  it('counts the 调休 Sunday and Saturday and skips the seven days off', () => {
    // 19, 20, 22 (Sun), 23, 24, 25, 26, 02-03, 02-04 (Sat), 02-06
    expect(computeSchedule(spring)).toEqual({
      dueDate: '2017-02-06',
      overdueAt: '2017-02-06T16:00:00.000Z',
      notices: [
        { key: 'remind-3', date: '2017-01-26', at: '2017-01-26T01:00:00.000Z' },
        { key: 'remind-1', date: '2017-02-04', at: '2017-02-04T01:00:00.000Z' },
        { key: 'formal-1', date: '2017-02-07', at: '2017-02-07T01:00:00.000Z' },
        { key: 'escalate-3', date: '2017-02-09', at: '2017-02-09T01:00:00.000Z' },
        { key: 'escalate-5', date: '2017-02-13', at: '2017-02-13T01:00:00.000Z' },
        { key: 'escalate-10', date: '2017-02-20', at: '2017-02-20T01:00:00.000Z' },
      ],
      calendarWarnings: [],
    });
  });

  it('does not count the start: the seed dispatch, 10 working days, is due Wednesday 2017-01-18', () => {
    expect(computeSchedule({ ...seedForm, counting: 'WORKING', offsets: [] }).dueDate).toBe('2017-01-18');
  });
});

describe('working days: one working day after', () => {
  it.each([
    ['2017-01-20', '2017-01-22', 'Friday → the 调休 Sunday before 春节'],
    ['2017-01-26', '2017-02-03', 'the last day before 春节 → the first after it'],
    ['2017-02-03', '2017-02-04', 'Friday → the 调休 Saturday after 春节'],
    ['2017-02-04', '2017-02-06', 'the 调休 Saturday → Monday, Sunday off'],
    ['2025-09-26', '2025-09-28', 'Friday → the 调休 Sunday before 国庆 2025'],
    ['2025-09-30', '2025-10-09', '国庆 and 中秋 2025 together: eight days off'],
    ['2025-10-10', '2025-10-11', 'Friday → the 调休 Saturday after 国庆 2025'],
    ['2026-09-19', '2026-09-20', 'Saturday → the 调休 Sunday before 中秋 2026'],
    ['2026-09-24', '2026-09-28', '中秋 2026 on a Friday, then the weekend'],
    ['2026-09-30', '2026-10-08', '国庆 2026: seven days off'],
    ['2026-10-09', '2026-10-10', 'Friday → the 调休 Saturday after 国庆 2026'],
  ])('%s → %s (%s)', (startDate, dueDate) => {
    expect(
      computeSchedule({ ...seedForm, startDate, withinDays: 1, counting: 'WORKING', offsets: [] }).dueDate,
    ).toBe(dueDate);
  });
});

describe('working days: 国庆 2025 (10-01…10-08 off, 调休 workdays Sunday 09-28 and Saturday 10-11)', () => {
  it('counts back from the due date over the 调休 Saturday and the whole holiday', () => {
    const offsets = [-1, -3, -4, 1].map((offsetDays) => ({ key: `d${offsetDays}`, offsetDays }));
    const req: ScheduleRequest = {
      startDate: '2025-09-29',
      withinDays: 5,
      counting: 'WORKING',
      offsets,
      noticeHour: 9,
    };
    // 30, 10-09, 10-10, 10-11 (Sat), 10-13
    expect(computeSchedule(req).dueDate).toBe('2025-10-13');
    expect(noticeDates(req)).toEqual(['2025-10-11', '2025-10-09', '2025-09-30', '2025-10-14']);
  });
});

describe('an explicit due date (an approved extension, a return for revision)', () => {
  it('is used as is in calendar days', () => {
    const s = computeSchedule({
      dueDate: '2017-01-24',
      counting: 'CALENDAR',
      offsets: LADDER.slice(0, 3),
      noticeHour: 9,
    });
    expect(s.dueDate).toBe('2017-01-24');
    expect(s.overdueAt).toBe('2017-01-24T16:00:00.000Z');
    expect(s.notices.map((n) => n.date)).toEqual(['2017-01-21', '2017-01-23', '2017-01-25']);
  });

  it('is used as is even on a day off in working days, and its notices count working days', () => {
    const offsets = [-1, 0, 1].map((offsetDays) => ({ key: `d${offsetDays}`, offsetDays }));
    const req: ScheduleRequest = { dueDate: '2017-01-28', counting: 'WORKING', offsets, noticeHour: 9 };
    expect(computeSchedule(req).dueDate).toBe('2017-01-28');
    expect(noticeDates(req)).toEqual(['2017-01-26', '2017-01-28', '2017-02-03']);
  });
});

describe('beyond the holiday data (published through 2026)', () => {
  it('counts weekends only in 2027 and says so, once', () => {
    // 29, 30, 31, 2027-01-01 (a Friday; 元旦 in fact, but unpublished), 01-04
    const s = computeSchedule({ ...seedForm, startDate: '2026-12-28', withinDays: 5, counting: 'WORKING' });
    expect(s.dueDate).toBe('2027-01-04');
    expect(s.notices.map((n) => n.date)).toEqual([
      '2026-12-30',
      '2027-01-01',
      '2027-01-05',
      '2027-01-07',
      '2027-01-11',
      '2027-01-18',
    ]);
    expect(s.calendarWarnings).toHaveLength(1);
    expect(s.calendarWarnings[0]).toMatch(/^2027 .*weekends-only/);
  });

  it('names each unpublished year it touches, in order', () => {
    const s = computeSchedule({ ...seedForm, startDate: '2027-12-20', withinDays: 10, counting: 'WORKING' });
    expect(s.dueDate).toBe('2028-01-03');
    expect(s.calendarWarnings.map((w) => w.slice(0, 4))).toEqual(['2027', '2028']);
  });

  it('says nothing while the data covers every day touched', () => {
    const s = computeSchedule({ ...seedForm, startDate: '2026-12-01', withinDays: 10, counting: 'WORKING' });
    expect(s).toMatchObject({ dueDate: '2026-12-15', calendarWarnings: [] });
  });
});

describe('the machine time zone', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it.each(['America/New_York', 'Asia/Shanghai', 'Pacific/Kiritimati'])(
    'gives the 春节 2017 working-day schedule on a worker in %s',
    (tz) => {
      process.env.TZ = tz;
      const req: ScheduleRequest = { ...seedForm, startDate: '2017-01-18', counting: 'WORKING' };
      expect(computeSchedule(req).dueDate).toBe('2017-02-06');
      expect(noticeDates(req).slice(0, 2)).toEqual(['2017-01-26', '2017-02-04']);
    },
  );
});

describe('invalid requests', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a date that does not exist',
      { startDate: '2017-02-30' },
      /startDate must be a calendar date.*'2017-02-30'/,
    ],
    ['a date written with slashes', { startDate: '2017/01/04' }, /startDate must be a calendar date/],
    ['both a start and a due date', { dueDate: '2017-01-24' }, /not both/],
    [
      'neither a start nor a due date',
      { startDate: undefined, withinDays: undefined },
      /either startDate with withinDays, or dueDate/,
    ],
    ['a start without withinDays', { withinDays: undefined }, /withinDays .* got undefined/],
    ['withinDays 0', { withinDays: 0 }, /withinDays .*from 1 to 366, got 0/],
    ['withinDays 2.5', { withinDays: 2.5 }, /withinDays .*got 2.5/],
    ['withinDays of years', { withinDays: 3650 }, /withinDays .*from 1 to 366, got 3650/],
    ['noticeHour 24', { noticeHour: 24 }, /noticeHour must be a whole hour from 0 to 23 .*got 24/],
    ['noticeHour -1', { noticeHour: -1 }, /noticeHour .*got -1/],
    ['noticeMinute 60', { noticeMinute: 60 }, /noticeMinute must be a whole minute from 0 to 59, got 60/],
    ['an unknown counting', { counting: 'LUNAR' }, /counting must be 'CALENDAR' or 'WORKING', got 'LUNAR'/],
    [
      'a fractional offset',
      { offsets: [{ key: 'remind-half', offsetDays: 0.5 }] },
      /offsetDays of 'remind-half'/,
    ],
  ])('rejects %s', (_case, change, message) => {
    // Spreading a loose record keeps seedForm's type, so requests a caller's JSON could carry type-check.
    expect(() => computeSchedule({ ...seedForm, ...change })).toThrow(message);
  });

  it('rejects withinDays next to an explicit due date', () => {
    expect(() => computeSchedule({ ...noStart, withinDays: 10, dueDate: '2017-01-24' })).toThrow(
      /withinDays goes with startDate/,
    );
  });

  it('rejects a malformed explicit due date', () => {
    expect(() => computeSchedule({ ...noStart, dueDate: '2017-13-01' })).toThrow(
      /dueDate must be a calendar date/,
    );
  });
});

describe('the activity', () => {
  const activities = createDeadlineClockActivities();

  it('resolves to the computed schedule', async () => {
    await expect(activities.computeSchedule(seedForm)).resolves.toEqual(computeSchedule(seedForm));
  });

  it('fails an invalid request without retrying: it would fail the same way every time', async () => {
    const failure = await activities
      .computeSchedule({ ...seedForm, noticeHour: 24 })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
      message: expect.stringMatching(/noticeHour/),
    });
  });
});
