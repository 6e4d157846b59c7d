// 督办台账: every directive's department tasks with their 回报 clock (GET /api/ledger), the
// statistics per department over the 收文日期 period (GET /api/ledger/stats) drawn with ECharts,
// and the export of the same rows as .xlsx or CSV (GET /api/ledger/export). The API decides what
// each person sees and reads every day by its own clock; this page shows what it answers. The
// lights are said in words as well as colours (逾期 3 天, 2 日内到期), for print and for every eye.

import { actingForId, api, h, input, pageOf, pager, select, STATUS } from './app.js';

/** Who handles directives and so has a ledger (LEDGER_ROLES in api/routes/ledger.ts). */
export const LEDGER_ROLES = [
  'CLERK',
  'OFFICE_REVIEWER',
  'OFFICE_DIRECTOR',
  'LEADER',
  'DEPT_HANDLER',
  'DEPT_HEAD',
];

const TASK_STATUSES = [
  'DISPATCHED',
  'SIGNED_FOR',
  'REPORTED',
  'RETURNED',
  'DRAFT_PENDING',
  'DRAFT_SENT',
  'SENT_TO_LEAD',
  'ACCEPTED',
  'WITHDRAWN',
];
const RAGS = { red: '逾期', yellow: '3 日内到期', green: '正常', grey: '已回报/已撤办' };
/** The filters the ledger has; the statistics take the period and what narrows it, not status or light. */
const FILTERS = ['from', 'to', 'department', 'status', 'urgency', 'leader', 'rag'];
const STATS_FILTERS = ['from', 'to', 'department', 'urgency', 'leader'];
/** ECharts, from node_modules through the API (api/vendor.ts): loaded when this page first draws. */
const ECHARTS = '/vendor/echarts.esm.min.js';

const only = (params, names) => new URLSearchParams([...params].filter(([k, v]) => names.includes(k) && v));

export async function ledgerPage(main, hash) {
  useStyles();
  const { params, to } = pageOf(hash);
  const filters = only(params, FILTERS);
  const [ledger, stats] = await Promise.all([
    api('GET', `/api/ledger?${only(params, [...FILTERS, 'page', 'pageSize'])}`),
    api('GET', `/api/ledger/stats?${only(params, STATS_FILTERS)}`),
  ]);
  const charts = h('div', { id: 'ledger-charts' });
  main.append(
    h(
      'div',
      { class: 'ledger-page' },
      h('h2', {}, '督办台账'),
      filterForm(params, ledger.choices),
      h(
        'p',
        { class: 'ledger-today' },
        `按系统日期 ${ledger.today} 计：`,
        ...Object.entries(RAGS).map(([rag, text]) => h('span', { class: `rag rag-${rag}` }, text)),
      ),
      exportButtons(filters, ledger.total),
      // On a narrow screen the table scrolls within its box, not the page.
      h('div', { class: 'ledger-scroll' }, ledgerTable(ledger.items)),
      pager(ledger, to),
      h('h3', {}, `统计：各承办单位（收文日期${periodText(stats)}；不随办理状态、预警筛选）`),
      statsTable(stats),
      charts,
    ),
  );
  // Drawn once the page is on screen; a failure to load the charts leaves the tables.
  drawCharts(charts, stats).catch((err) =>
    charts.replaceChildren(h('p', {}, `图表未能加载：${err.message}`)),
  );
}

const periodText = ({ from, to }) => (from || to ? ` ${from ?? '…'} 至 ${to ?? '…'}` : '：全部');

function filterForm(params, choices) {
  const value = (name) => params.get(name) ?? '';
  const chosen = (el, name) => {
    el.querySelector('select, input').value = value(name);
    return el;
  };
  return h(
    'form',
    {
      id: 'ledger-filters',
      class: 'filters',
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/ledger?${only(new FormData(e.target), FILTERS)}`;
      },
    },
    chosen(input('from', '收文日期 自', { type: 'date' }), 'from'),
    chosen(input('to', '至', { type: 'date' }), 'to'),
    chosen(
      select('department', '承办单位', [['', '全部'], ...choices.departments.map((d) => [d.code, d.name])]),
      'department',
    ),
    chosen(
      select('status', '办理状态', [['', '全部'], ...TASK_STATUSES.map((s) => [s, STATUS[s] ?? s])]),
      'status',
    ),
    chosen(
      select('urgency', '紧急程度', [
        ['', '全部'],
        ['特急', '特急'],
        ['加急', '加急'],
        ['平急', '平急'],
      ]),
      'urgency',
    ),
    chosen(
      select('leader', '批示领导', [['', '全部'], ...choices.leaders.map((l) => [l.id, l.name])]),
      'leader',
    ),
    chosen(select('rag', '预警', [['', '全部'], ...Object.entries(RAGS)]), 'rag'),
    h('button', { type: 'submit' }, '查询'),
    ' ',
    h('a', { href: '#/ledger' }, '清除条件'),
  );
}

/**
 * The export's columns (api/ledger-export.ts), paired where they read together so the whole row,
 * its light included, fits the screen: 收文编号 over 办文编号, 标题 over 文号, 单位 with 主办/会办.
 */
const COLUMNS = [
  '收文编号 / 办文编号',
  '标题 / 文号',
  '紧急程度',
  '批示领导',
  '承办单位',
  '办理状态',
  '收文日期',
  '转办日期',
  '回报期限',
  '回报日期',
  '已用天数',
  '逾期天数',
  '预警',
];

const twoLines = (first, second) => [first, second ? h('div', { class: 'second' }, second) : ''];

function ledgerTable(items) {
  if (!items.length) return h('p', { id: 'ledger-empty' }, '没有符合条件的督办事项。');
  return h(
    'table',
    { id: 'ledger' },
    h(
      'tr',
      {},
      COLUMNS.map((t) => h('th', {}, t)),
    ),
    items.map((r) =>
      h(
        'tr',
        { 'data-rag': r.rag, 'data-department': r.departmentCode },
        h(
          'td',
          {},
          twoLines(h('a', { href: `#/directives/${r.receiptNumber}` }, r.receiptNumber), r.handlingNumber),
        ),
        h('td', { class: 'title' }, twoLines(r.title, r.docNumber)),
        h('td', { class: 'short' }, r.urgency),
        h('td', {}, r.leaders.map((l) => l.name).join('、')),
        h('td', {}, `${r.departmentName}（${r.roleName}）`),
        h('td', { class: 'short' }, r.statusName),
        [r.receivedDate, r.dispatchedDate, r.dueDate, r.reportedDate].map((d) =>
          h('td', { class: 'date' }, d ?? ''),
        ),
        h('td', { class: 'num' }, r.daysUsed ?? ''),
        h('td', { class: 'num' }, r.overdueDays || ''),
        h('td', {}, h('span', { class: `rag rag-${r.rag}` }, r.ragText)),
      ),
    ),
  );
}

const percent = (rate) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

function statsTable(stats) {
  const row = (s, total) =>
    h(
      'tr',
      { class: total ? 'total' : undefined, 'data-department': s.departmentCode || undefined },
      h(total ? 'th' : 'td', {}, s.departmentName),
      [s.received, s.onTime, s.late, s.open, s.overdueOpen].map((n) => h('td', { class: 'num' }, String(n))),
      h('td', { class: 'num' }, percent(s.onTimeRate)),
      h('td', { class: 'num' }, s.averageDays === null ? '—' : String(s.averageDays)),
    );
  return h(
    'table',
    { id: 'ledger-stats' },
    h(
      'tr',
      {},
      [
        '承办单位',
        '交办件数',
        '按期回报',
        '逾期回报',
        '未回报',
        '其中已逾期',
        '按期回报率',
        '平均回报天数',
      ].map((t) => h('th', {}, t)),
    ),
    stats.departments.map((s) => row(s, false)),
    row(stats.total, true),
  );
}

// ---------------------------------------------------------------------------------------------
// Export: fetched (so a 委托's On-Behalf-Of goes along, as with every call), then saved

function exportButtons(filters, total) {
  const status = h('span', { class: 'ledger-export-status', role: 'status' });
  const button = (format, label) =>
    h(
      'button',
      {
        type: 'button',
        'data-format': format,
        onclick: async (e) => {
          e.target.disabled = true;
          status.textContent = '正在导出…';
          try {
            await download(format, filters);
            status.textContent = '';
          } catch (err) {
            status.textContent = `导出失败：${err.message}`;
          } finally {
            e.target.disabled = false;
          }
        },
      },
      label,
    );
  return h(
    'p',
    { id: 'ledger-export' },
    button('xlsx', '导出 Excel'),
    ' ',
    button('csv', '导出 CSV'),
    ` 按当前筛选条件导出全部 ${total} 条 `,
    status,
  );
}

async function download(format, filters) {
  const query = new URLSearchParams(filters);
  query.set('format', format);
  const headers = actingForId() ? { 'On-Behalf-Of': actingForId() } : {};
  const res = await fetch(`/api/ledger/export?${query}`, { credentials: 'same-origin', headers });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    throw new Error(data.error?.message ?? `HTTP ${res.status}`);
  }
  // The file's name as the API gives it (filename*=UTF-8''督办台账-2017-01-17.xlsx).
  const named = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '');
  const link = h('a', {
    href: URL.createObjectURL(await res.blob()),
    download: named ? decodeURIComponent(named[1]) : `督办台账.${format}`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

// ---------------------------------------------------------------------------------------------
// Charts

const COLOURS = { onTime: '#3a8f3a', late: '#e0a020', open: '#6b8fbf', overdueOpen: '#c62828' };

async function drawCharts(container, stats) {
  if (!stats.departments.length) return;
  const echarts = await import(ECHARTS);
  const names = stats.departments.map((s) => s.departmentName);
  const chart = (id, option) => {
    const el = h('div', { id, class: 'ledger-chart' });
    container.append(el);
    // A fixed size: drawn whether or not the page is laid out yet, and alike in every screenshot.
    echarts
      .init(el, null, { renderer: 'canvas', width: 520, height: 300 })
      .setOption({ animation: false, ...option });
  };
  chart('ledger-chart-counts', {
    title: { text: '各单位办理情况（件）', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 4 },
    grid: { top: 40, left: 40, right: 16, bottom: 64 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      ['按期回报', 'onTime'],
      ['逾期回报', 'late'],
      ['未回报（未逾期）', 'open'],
      ['未回报（已逾期）', 'overdueOpen'],
    ].map(([name, key]) => ({
      name,
      type: 'bar',
      stack: 'tasks',
      barMaxWidth: 64,
      itemStyle: { color: COLOURS[key] },
      label: { show: true, formatter: ({ value }) => (value ? String(value) : '') },
      data: stats.departments.map((s) => (key === 'open' ? s.open - s.overdueOpen : s[key])),
    })),
  });
  chart('ledger-chart-rate', {
    title: {
      text: '按期回报率（已回报及已逾期者中按期回报的比例）',
      left: 'center',
      textStyle: { fontSize: 14 },
    },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null ? '—' : `${v}%`) },
    grid: { top: 64, left: 48, right: 16, bottom: 48 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        name: '按期回报率',
        type: 'bar',
        barMaxWidth: 48,
        label: {
          show: true,
          position: 'top',
          formatter: ({ value }) => (value === null ? '无到期' : `${value}%`),
        },
        data: stats.departments.map((s) => ({
          value: s.onTimeRate === null ? null : Math.round(s.onTimeRate * 1000) / 10,
          itemStyle: {
            color: s.onTimeRate === null || s.onTimeRate >= 0.8 ? COLOURS.onTime : COLOURS.overdueOpen,
          },
        })),
      },
    ],
  });
}

/** This page's styles, from its own file (web/ledger.css), added once. */
function useStyles() {
  if (document.querySelector('link[data-ledger]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/ledger.css', 'data-ledger': true }));
}
