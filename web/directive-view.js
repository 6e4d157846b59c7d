// What a directive's page shows above its forms: where it stands in the procedure (the stage bar)
// and each department's part with the days left to its deadline, dates as the office writes them.

import { STATUS, deptName, h, officeDate } from './app.js';

/** The procedure as the office walks it, and the statuses that stand at each stage. */
const STAGES = [
  ['收文', ['REGISTERED']],
  ['拟办', ['REVIEWING', 'RETURNED']],
  ['批示', ['AWAITING_INSTRUCTION']],
  ['转办', ['INSTRUCTED']],
  ['回报', ['IN_PROGRESS']],
  ['办结', ['CLOSED']],
];
/** Ends other than 办结: the bar says how it ended, at the stage it ended from. */
const ENDINGS = { WITHDRAWN: '已撤办', RETURNED_TO_SENDER: '已退文', FILED: '已归档' };

/** 收文 → 拟办 → 批示 → 转办 → 回报 → 办结, the current stage marked (and said, for a screen reader). */
export function stageBar(d) {
  const ending = ENDINGS[d.status];
  // An ending is marked at the stage the directive stood at when it came (the entry's fromState).
  const from = ending
    ? d.timeline.findLast((e) => !e.departmentCode && e.toState === d.status)?.fromState
    : d.status;
  const at = STAGES.findIndex(([, statuses]) => statuses.includes(from));
  return h(
    'ol',
    { class: 'stages', 'aria-label': '办理阶段' },
    STAGES.map(([name], i) =>
      h(
        'li',
        {
          class: i < at ? 'done' : i === at ? 'current' : undefined,
          'aria-current': i === at ? 'step' : undefined,
        },
        i === at && ending ? `${name}（${ending}）` : name,
      ),
    ),
  );
}

/** Days from `today` to a due date (both YYYY-MM-DD): negative once it has passed. */
const daysUntil = (due, today) => Math.round((Date.parse(due) - Date.parse(today)) / 86_400_000);

/** What the department owes now and by when, if anything. */
function owed(t) {
  if (['DISPATCHED', 'SIGNED_FOR', 'RETURNED'].includes(t.status)) return { what: '回报', due: t.dueDate };
  if (t.status === 'DRAFT_PENDING') return { what: '代拟稿', due: t.draftDueDate };
  return undefined;
}

/** 剩 3 天 / 今日到期 / 逾期 2 天: in words as well as in colour. */
export function countdown(t, today) {
  const o = owed(t);
  if (!o || !o.due || !today) return h('span', { class: 'countdown' }, '—');
  const left = daysUntil(o.due, today);
  const [text, tone] =
    left < 0
      ? [`逾期 ${-left} 天`, 'overdue']
      : left === 0
        ? ['今日到期', 'due-soon']
        : [`剩 ${left} 天`, left <= 3 ? 'due-soon' : 'on-track'];
  return h('span', { class: `countdown ${tone}` }, `${o.what}${text}`);
}

/** The departments' parts: who, 主办 or 会办, status, deadlines, countdown, their own number, report. */
export function tasksTable(d, today) {
  if (!d.tasks.length) return [];
  return [
    h('h3', {}, '承办单位'),
    h(
      'table',
      { id: 'tasks' },
      h(
        'tr',
        {},
        ['单位', '主办/会办', '状态', '期限', '倒计时', '本单位收文号', '回报'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
      d.tasks.map((t) =>
        h(
          'tr',
          { 'data-department': t.departmentCode },
          h('td', {}, deptName(t.departmentCode)),
          h('td', {}, t.role === 'LEAD' ? '主办' : '会办'),
          h(
            'td',
            {},
            STATUS[t.status] ?? t.status,
            t.breachRecordId
              ? [' ', h('a', { href: `#/integrity/records/${t.breachRecordId}` }, '失信记录')]
              : '',
          ),
          h(
            'td',
            {},
            h('span', {}, officeDate(t.dueDate)),
            // 代拟稿待后送出: its own deadline once the 回报单 is accepted.
            t.draftDueDate ? h('div', {}, `代拟稿 ${officeDate(t.draftDueDate)}`) : '',
          ),
          h('td', {}, countdown(t, today)),
          h('td', {}, t.deptReceiptNumber ?? ''),
          h('td', {}, t.reportText ?? ''),
        ),
      ),
    ),
  ];
}
