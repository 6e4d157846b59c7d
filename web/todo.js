// 待办 and 已办 for every role: what awaits me now (GET /api/todo, derived by the API from the step
// tables, so this page shows what the detail pages offer) and what I handled (GET /api/done).
// Each item leads to the page where its step is taken.

import { api, chinaTime, deptName, h, officeDate, pageOf, pager } from './app.js';

/** The navigation's 待办 link, with how many items await: `待办 (3)`. */
export async function showTodoCount(link) {
  const { total } = await api('GET', '/api/todo?pageSize=1');
  link.textContent = total ? `待办 (${total})` : '待办';
}

function subNav(current, total) {
  return h(
    'p',
    { class: 'subnav' },
    [
      ['#/todo', `待办 (${total})`, 'todo'],
      ['#/todo?tab=done', '已办', 'done'],
    ].map(([href, text, key]) => h('a', { href, class: key === current ? 'current' : undefined }, text)),
  );
}

export async function todoPage(main, hash) {
  const { params, page, to } = pageOf(hash);
  const todo = await api('GET', `/api/todo?page=${params.get('tab') === 'done' ? 1 : page}`);
  if (params.get('tab') === 'done') return donePage(main, params, todo.total);
  main.append(
    h('h2', {}, '待办'),
    subNav('todo', todo.total),
    todo.items.length === 0
      ? h('p', { id: 'todo-empty' }, '目前没有待办事项。')
      : h(
          'table',
          { id: 'todo' },
          h(
            'tr',
            {},
            ['事项', '收文编号 / 记录', '文号', '标题', '单位', '期限', ''].map((t) => h('th', {}, t)),
          ),
          todo.items.map((i) =>
            h(
              'tr',
              { 'data-kind': i.kind },
              h('td', {}, i.label),
              h('td', {}, i.receiptNumber ?? i.caseId ?? i.recordId),
              h('td', {}, i.docNumber ?? ''),
              h('td', {}, i.title),
              h('td', {}, i.departmentCode ? deptName(i.departmentCode) : ''),
              h(
                'td',
                { class: i.overdue ? 'overdue' : undefined },
                officeDate(i.dueDate),
                i.overdue ? '（已逾期）' : '',
              ),
              h('td', {}, h('a', { href: i.link }, '办理')),
            ),
          ),
        ),
    todo.total > todo.pageSize ? pager(todo, to) : '',
  );
}

async function donePage(main, params, todoTotal) {
  const page = Number(params.get('page') ?? 1);
  const done = await api('GET', `/api/done?page=${page}&pageSize=20`);
  const pages = Math.max(1, Math.ceil(done.total / done.pageSize));
  const to = (p) => `#/todo?tab=done&page=${p}`;
  main.append(
    h('h2', {}, '已办'),
    subNav('done', todoTotal),
    h(
      'table',
      { id: 'done' },
      h(
        'tr',
        {},
        ['时间', '事项', '标题', '单位', '意见'].map((t) => h('th', {}, t)),
      ),
      done.items.map((i) =>
        h(
          'tr',
          {},
          h('td', {}, chinaTime(i.at)),
          h('td', {}, i.byDelegate ? `${i.action}（委托代办）` : i.action),
          h('td', {}, h('a', { href: i.link }, i.title)),
          h('td', {}, i.departmentCode ? deptName(i.departmentCode) : ''),
          h('td', {}, i.comment ?? ''),
        ),
      ),
    ),
    h(
      'p',
      { class: 'subnav' },
      page > 1 && h('a', { href: to(page - 1) }, '上一页'),
      `第 ${page} / ${pages} 页，共 ${done.total} 条`,
      page < pages && h('a', { href: to(page + 1) }, '下一页'),
    ),
  );
}
