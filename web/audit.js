// 审计日志: the audit trail, for the administrator and the 保密员. Who did what, when, for whom,
// from which state to which, newest first, with filters; and the hash chain checked afresh on
// every visit (GET /api/audit/verify), with the head to write down elsewhere.

import { api, chinaTime, h, input, select, STATUS } from './app.js';

const FILTERS = ['actor', 'action', 'target', 'from', 'to'];

export async function auditPage(main, hash) {
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const [list, chain] = await Promise.all([
    api('GET', `/api/audit?${params}`),
    api('GET', '/api/audit/verify'),
  ]);
  const page = list.page;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const goTo = (n) => {
    const q = new URLSearchParams(params);
    q.set('page', String(n));
    return `#/audit?${q}`;
  };
  main.append(
    h('h2', {}, '审计日志'),
    chainStatus(chain),
    filterForm(params, list),
    h(
      'table',
      { id: 'audit', class: 'timeline' },
      h(
        'tr',
        {},
        ['序号', '时间', '操作人', '事项', '对象', '变更前', '变更后', '说明'].map((t) => h('th', {}, t)),
      ),
      list.items.map((e) =>
        h(
          'tr',
          { 'data-id': e.id },
          h('td', {}, `#${e.id}`),
          h('td', {}, chinaTime(e.at)),
          h(
            'td',
            {},
            e.actor ? e.actor.displayName : '系统',
            e.onBehalfOf ? `（代${e.onBehalfOf.displayName}）` : '',
          ),
          h('td', {}, e.actionLabel),
          h('td', {}, e.targetName ? `${e.targetName}（${e.target}）` : (e.target ?? '')),
          h('td', {}, stateName(e.before)),
          h('td', {}, stateName(e.after)),
          h('td', {}, e.detail ?? ''),
        ),
      ),
    ),
    h(
      'p',
      {},
      `共 ${list.total} 条，第 ${page}/${pages} 页 `,
      page > 1 && h('a', { href: goTo(page - 1) }, '上一页'),
      ' ',
      page < pages && h('a', { href: goTo(page + 1) }, '下一页'),
    ),
  );
}

const stateName = (s) => (s ? (STATUS[s] ?? s) : '');

/** The chain as checked just now: intact with its head, or the first entry altered or missing. */
function chainStatus(chain) {
  if (chain.ok)
    return h(
      'div',
      { id: 'chain', class: 'chain ok' },
      h('strong', {}, '哈希链校验：完整'),
      ` 共 ${chain.entries} 条记录，核对办理记录 ${chain.timelineRows} 条`,
      chain.head &&
        h(
          'p',
          {},
          `末条 #${chain.head.id} 哈希：`,
          h('code', {}, chain.head.hash),
          h('br'),
          '请将末条哈希另行记录保存：日后核对时，末尾记录被删除也能发现（npm run audit:verify -- --head <哈希>）。',
        ),
    );
  return h(
    'div',
    { id: 'chain', class: 'chain bad' },
    h('strong', {}, '哈希链校验：发现篡改或缺失'),
    ` 共 ${chain.entries} 条记录`,
    h(
      'ol',
      {},
      chain.problems.map((p) => h('li', {}, p.message)),
    ),
  );
}

function filterForm(params, list) {
  const form = h(
    'form',
    {
      class: 'filters',
      id: 'audit-filters',
      onsubmit: (e) => {
        e.preventDefault();
        const q = new URLSearchParams([...new FormData(e.target)].filter(([, v]) => v));
        location.hash = `#/audit?${q}`;
      },
    },
    select('actor', '操作人', [['', '全部'], ...list.people.map((p) => [p.id, p.displayName])]),
    select('action', '事项', [['', '全部'], ...list.actions.map((a) => [a.action, a.label])]),
    input('target', '对象', { placeholder: '收文编号等' }),
    input('from', '自', { type: 'date' }),
    input('to', '至', { type: 'date' }),
    h('button', { type: 'submit' }, '查询'),
  );
  for (const name of FILTERS) {
    const field = form.querySelector(`[name=${name}]`);
    if (params.get(name)) field.value = params.get(name);
  }
  return form;
}
