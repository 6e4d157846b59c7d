/**
 * The 督办台账's light of one task on a given day (api/ledger.ts), at its edges: the due day itself
 * is on time, the day after is red; yellow covers today and the 3 days after; a report is judged by
 * its own day. No server: the rule is a pure function of the dates.
 */
import { taskClock, type TaskDates } from '../../api/ledger';

const owed = (dueDate: string): TaskDates => ({
  status: 'SIGNED_FOR',
  dueDate,
  dispatchedDate: '2017-01-04',
  reportedDate: null,
});
const reported = (reportedDate: string | null): TaskDates => ({
  status: 'REPORTED',
  dueDate: '2017-01-14',
  dispatchedDate: '2017-01-04',
  reportedDate,
});

test.each([
  ['due in 4 days', owed('2017-01-18'), 'green', '正常，剩 4 天', 10, 0, 'OPEN'],
  ['due in 3 days', owed('2017-01-17'), 'yellow', '3 日内到期', 10, 0, 'OPEN'],
  ['due today: the due day counts', owed('2017-01-14'), 'yellow', '今日到期', 10, 0, 'OPEN'],
  ['due yesterday', owed('2017-01-13'), 'red', '逾期 1 天', 10, 1, 'OPEN'],
  [
    'returned for revision, past its new deadline',
    { ...owed('2017-01-10'), status: 'RETURNED' },
    'red',
    '逾期 4 天',
    10,
    4,
    'OPEN',
  ],
  ['reported on the due day', reported('2017-01-14'), 'grey', '按期回报', 10, 0, 'ON_TIME'],
  ['reported 2 days late', reported('2017-01-16'), 'grey', '逾期 2 天回报', 12, 2, 'LATE'],
  ['reported, its day not kept', reported(null), 'grey', '按期回报', null, 0, 'ON_TIME'],
  [
    'whose 回报单 was accepted, its 代拟稿 owed by 2017-01-13 (代拟稿待后送出)',
    { ...reported('2017-01-10'), status: 'DRAFT_PENDING', draftDueDate: '2017-01-13' },
    'red',
    '代拟稿逾期 1 天',
    10,
    1,
    'OPEN',
  ],
  [
    'whose 代拟稿 is owed by 2017-01-19',
    { ...reported('2017-01-10'), status: 'DRAFT_PENDING', draftDueDate: '2017-01-19' },
    'green',
    '代拟稿正常，剩 5 天',
    10,
    0,
    'OPEN',
  ],
  [
    'withdrawn (撤办)',
    { ...owed('2017-01-10'), status: 'WITHDRAWN' },
    'grey',
    '已撤办',
    null,
    0,
    'WITHDRAWN',
  ],
])('on 2017-01-14, a task %s', (_what, task, rag, ragText, daysUsed, overdueDays, outcome) => {
  expect(taskClock(task, '2017-01-14')).toEqual({ rag, ragText, daysUsed, overdueDays, outcome });
});
