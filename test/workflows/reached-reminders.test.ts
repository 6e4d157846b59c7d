/**
 * Which reminders reached the department, read from its task's timeline: one prepared ahead and
 * withdrawn before its time (撤回预备提醒) did not, so neither the printed 回（催）报单's 催报 date
 * nor a 政务失信记录's evidence counts it. The entries are 省发展改革委's on the seed's dates.
 */
import { reachedReminders } from '../../workflows/rules';

const entry = (action: string, comment: string | null) => ({ action, comment });

test('a withdrawal takes back the reminder it names, the latest one before it, and nothing else', () => {
  const timeline = [
    entry('转办', '主办，限于 2017-01-14 前回报'),
    entry('到期提醒', 'remind-3（定于 2017-01-11 09:00 送达） → 省发展改革委秘书科'),
    // Prepared for 09:00 on the 13th; a 延期 granted at 08:55 withdrew it.
    entry('到期提醒', 'remind-1（定于 2017-01-13 09:00 送达） → 省发展改革委秘书科'),
    entry('延期批准', '回报期限延至 2017-01-24。同意延期'),
    entry('撤回预备提醒', 'remind-1（定于 2017-01-13 09:00）：未到送达时间，回报期限已变更，按新期限提醒'),
    // Written for the 24th's D-1, then again for a new 承办人: only the second reached anyone.
    entry('到期提醒', 'remind-1（定于 2017-01-23 09:00 送达） → 省发展改革委秘书科'),
    entry('改派承办人', '省发展改革委秘书科 → 省发展改革委负责人：秘书科人员调整'),
    entry('撤回预备提醒', 'remind-1（定于 2017-01-23 09:00）：未到送达时间，承办人已改派，改发新承办人'),
    entry('到期提醒', 'remind-1（定于 2017-01-23 09:00 送达） → 省发展改革委负责人'),
    // Two at once: the 催报单 and an escalation, both withdrawn by a 回报 before 09:00.
    entry('催报', 'formal-1（定于 2017-01-25 09:00 送达） → 省发展改革委负责人'),
    entry('升级督办', 'escalate-3（定于 2017-01-25 09:00 送达） → 省发展改革委负责人'),
    entry('回报', null),
    entry(
      '撤回预备提醒',
      'formal-1（定于 2017-01-25 09:00）、escalate-3（定于 2017-01-25 09:00）：未到送达时间，已无需催报',
    ),
  ];
  expect(
    reachedReminders(timeline)
      .filter((e) => e.action !== '撤回预备提醒')
      .map((e) => [e.action, e.comment]),
  ).toEqual([
    ['转办', '主办，限于 2017-01-14 前回报'],
    ['到期提醒', 'remind-3（定于 2017-01-11 09:00 送达） → 省发展改革委秘书科'],
    ['延期批准', '回报期限延至 2017-01-24。同意延期'],
    ['改派承办人', '省发展改革委秘书科 → 省发展改革委负责人：秘书科人员调整'],
    ['到期提醒', 'remind-1（定于 2017-01-23 09:00 送达） → 省发展改革委负责人'],
    ['回报', null],
  ]);
  // Reminders from before 预备提醒 name no time and are all kept.
  const before = [
    entry('到期提醒', 'remind-3 → 省发展改革委秘书科'),
    entry('催报', 'formal-1 → 省发展改革委负责人'),
  ];
  expect(reachedReminders(before)).toEqual(before);
});
