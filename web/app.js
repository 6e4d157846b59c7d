// The office's screens over the HTTP API: sign in, 收文 list and registration, a directive's
// 呈批表 with its timeline and the step each person may take now, a department's 待办, the inbox.
// Plain modules, no build: every write is one API call, and the API decides what is allowed.
// The integrity chain's screens (政务诚信) live in integrity.js, on these helpers.

import { integrityPage } from './integrity.js';
import { auditPage } from './audit.js';
import { clearancePage } from './clearances.js';
import { numberingPage } from './numbering.js';
import { orgPage, passwordPage } from './org.js';
import { showTodoCount, todoPage } from './todo.js';
import { settingsPage } from './settings.js';
import { policyPage } from './policy.js';
import { delegationsPage, keepActingFor, showActingFor } from './delegations.js';
import { printMenu } from './print.js';
import { LEDGER_ROLES, ledgerPage } from './ledger.js';
import { directiveSteps } from './directive-steps.js';
import { attachmentList, fileInput, upload } from './attachments.js';
import { stageBar, tasksTable } from './directive-view.js';

export const STATUS = {
  REGISTERED: '已登记',
  REVIEWING: '审核中',
  AWAITING_INSTRUCTION: '待批示',
  RETURNED: '已退回',
  INSTRUCTED: '已批示',
  IN_PROGRESS: '办理中',
  CLOSED: '已办结',
  WITHDRAWN: '已撤办',
  RETURNED_TO_SENDER: '已退文',
  FILED: '已归档',
  DISPATCHED: '已转办',
  SIGNED_FOR: '已签收',
  REPORTED: '已回报',
  DRAFT_PENDING: '待送代拟稿',
  DRAFT_SENT: '代拟稿待审核',
  SENT_TO_LEAD: '已送主办',
  ACCEPTED: '回报通过',
};
/** A directive's statuses, for the list filter (the rest of STATUS are department tasks'). */
const DIRECTIVE_STATUSES = [
  'REGISTERED',
  'REVIEWING',
  'AWAITING_INSTRUCTION',
  'RETURNED',
  'INSTRUCTED',
  'IN_PROGRESS',
  'CLOSED',
  'WITHDRAWN',
  'RETURNED_TO_SENDER',
  'FILED',
];
export const OPTIONS = {
  1: '拟原文翻印发至各市、县，省府直属各部门',
  2: '拟原文翻印发至各市，省府直属各部门',
  3: '拟原文翻印发至有关市、县和省府直属各部门',
  4: '此件，需加具贯彻意见。代拟稿待后送出',
  5: '其他意见',
};
const OFFICE_ROLES = ['CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR', 'LEADER', 'ADMIN'];
/** Who may read the whole directory, to pick people in forms (DIRECTORY_ROLES in core/roles.ts). */
const DIRECTORY_ROLES = ['CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR', 'CREDIT_OFFICER', 'ADMIN'];

let me;
let directory = { departments: [], people: [] };
/** Whose directory (or names) `directory` holds. */
let directoryOf;

// ---------------------------------------------------------------------------------------------
// Small helpers: the API, elements (text only, never HTML from data), messages

class ApiError extends Error {
  constructor(status, error) {
    // Each reason names its field by the form's label (来文标题为必填项), so it reads alone.
    const fields = (error?.fields ?? []).map((f) => f.reason).join('；');
    super(
      error?.message
        ? `${error.message}${fields && !error.message.includes(fields) ? ` (${fields})` : ''}`
        : `HTTP ${status}`,
    );
    this.status = status;
  }
}

/**
 * A fresh Idempotency-Key. crypto.randomUUID exists only in a secure context (HTTPS or localhost);
 * an office LAN served over plain HTTP gets the same 122 random bits from getRandomValues.
 */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const hex = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0'));
  return hex.join('');
}

/** The Idempotency-Key of the form being sent (stepForm), for the writes it makes. */
let formKey;
/** 委托: the colleague this person acts for now (On-Behalf-Of), or none; set on the 委托 page. */
let actingFor = sessionStorage.getItem('duban.actingFor') || undefined;
export const actingForId = () => actingFor;
export function actFor(userId) {
  actingFor = userId || undefined;
  if (actingFor) sessionStorage.setItem('duban.actingFor', actingFor);
  else sessionStorage.removeItem('duban.actingFor');
}

/**
 * A call to the API. A write carries an Idempotency-Key (the form's, so a repeated submission of
 * the same form acts once), and under a 委托 the On-Behalf-Of header.
 */
export async function api(method, url, body, { idempotencyKey } = {}) {
  // integrity.js asks for the directory for its department filter and names: for someone who may
  // not read it, the names loaded for them (loadDirectory) stand in, with the same departments.
  if (method === 'GET' && url === '/api/directory' && me && !has(...DIRECTORY_ROLES)) return directory;
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
  if (method !== 'GET') headers['Idempotency-Key'] = idempotencyKey ?? formKey ?? newKey();
  // Managing 委托 and signing in or out is always done as oneself.
  if (actingFor && !/^\/api\/(auth|delegations)/.test(url)) headers['On-Behalf-Of'] = actingFor;
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? {} : await res.json();
  if (res.status === 401 && !url.endsWith('/login')) {
    me = undefined;
    location.hash = '#/login';
  }
  if (!res.ok) throw new ApiError(res.status, data.error);
  return data;
}

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== false) el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

export function flash(message, ok = false) {
  const el = document.getElementById('flash');
  el.textContent = message;
  el.className = ok ? 'ok' : '';
  el.hidden = !message;
  // A refusal takes the focus, so the keyboard and the screen reader are where the reason is.
  if (message && !ok) {
    el.tabIndex = -1;
    el.focus();
  }
}

/** The person signed in, and the people and departments he may name (for the page modules). */
export const currentUser = () => me;
export const people = () => directory.people;
export const departments = () => directory.departments;
export const nameOf = (id) => directory.people.find((p) => p.id === id)?.displayName ?? id ?? '系统';
export const deptName = (code) => directory.departments.find((d) => d.code === code)?.name ?? code;
export const chinaTime = (iso) =>
  iso ? new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '';
export const has = (...roles) => me.roles.some((r) => roles.includes(r));
const isOffice = () => has(...OFFICE_ROLES);
/**
 * The office, its leaders and 督查室 see every body's integrity records and the ranking; a body, its
 * own; the administrator none (SEES_EVERY_RECORD in api/integrity-views.ts).
 */
export const seesAllIntegrity = () =>
  has('CREDIT_OFFICER', 'CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR', 'LEADER');
export const myDepartment = () => me?.departmentCode;

/**
 * A form whose submit calls `act(formData, decision)`; success re-renders the page, failure shows
 * why. With submitLabel null the fields bring their own decision buttons.
 */
export function stepForm(title, fields, act, submitLabel = '提交') {
  const submit = submitLabel === null ? '' : h('button', { type: 'submit' }, submitLabel);
  const form = h('form', { class: 'step', 'data-step': title }, h('h3', {}, title), fields, submit);
  // One key per filled-in form: sent again (a retry after an error), the step still acts once.
  let key = newKey();
  form.addEventListener('input', () => (key = newKey()));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // While it is being sent, its buttons rest: a double click acts once.
    if (form.getAttribute('aria-busy') === 'true') return;
    const buttons = [...form.querySelectorAll('button')].filter((b) => !b.disabled);
    for (const b of buttons) b.disabled = true;
    form.setAttribute('aria-busy', 'true');
    formKey = key;
    try {
      await act(new FormData(form), e.submitter?.value);
      // The page shows the new state before it says so: what it says is then true on screen. Said
      // only on the page it is about: not over one the person went on to meanwhile.
      const shown = location.hash;
      await route();
      if (location.hash === shown) flash(`${title}：已完成`, true);
    } catch (err) {
      flash(`${title}：${err.message}`);
    } finally {
      formKey = undefined;
      for (const b of buttons) b.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

export const input = (name, label, attrs = {}) => h('label', {}, `${label} `, h('input', { name, ...attrs }));
export const textarea = (name, label, attrs = {}) =>
  h('label', { style: 'display:block' }, label, h('textarea', { name, ...attrs }));
export const select = (name, label, options, attrs = {}) =>
  h(
    'label',
    {},
    `${label} `,
    h(
      'select',
      { name, ...attrs },
      options.map(([value, text]) => h('option', { value }, text)),
    ),
  );
/** The page asked for in the address (…?page=2), and where another page of the same list is. */
export function pageOf(hash) {
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const page = Math.max(1, Number(params.get('page')) || 1);
  const to = (p) => {
    params.set('page', String(p));
    return `${hash.split('?')[0]}?${params}`;
  };
  return { page, params, to };
}

/** 上一页 · 第 2 / 5 页，共 93 条 · 下一页, under every list. */
export function pager({ total, page, pageSize }, to) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return h(
    'nav',
    { class: 'pager', 'aria-label': '分页' },
    page > 1 && h('a', { href: to(page - 1), rel: 'prev' }, '上一页'),
    h('span', {}, `第 ${page} / ${pages} 页，共 ${total} 条`),
    page < pages && h('a', { href: to(page + 1), rel: 'next' }, '下一页'),
  );
}

export const decisionButtons = (pairs) =>
  pairs.map(([value, text]) => h('button', { type: 'submit', name: 'decision', value }, text));

// ---------------------------------------------------------------------------------------------
// Pages

async function loginPage(main) {
  main.append(
    stepForm(
      '登录',
      [
        input('username', '用户名', { autocomplete: 'username', required: true }),
        input('password', '密码', { type: 'password', autocomplete: 'current-password', required: true }),
      ],
      async (data) => {
        const { user } = await api('POST', '/api/auth/login', {
          username: data.get('username'),
          password: data.get('password'),
        });
        me = user;
        // Whoever signs in starts as himself: a 委托 chosen in this tab before is not his.
        actFor(undefined);
        // A password an administrator set: the person chooses his own before anything else.
        location.hash = me.mustChangePassword
          ? '#/password'
          : isOffice()
            ? '#/directives'
            : has('CREDIT_OFFICER')
              ? '#/integrity'
              : has('SECURITY_OFFICER')
                ? '#/audit'
                : '#/tasks';
      },
      '登录',
    ),
  );
}

async function listPage(main) {
  const hash = location.hash.startsWith('#/directives') ? location.hash : '#/directives';
  const { params, to } = pageOf(hash);
  const list = await api('GET', `/api/directives?${params}`);
  main.append(
    h('h2', {}, '收文'),
    h(
      'form',
      {
        onsubmit: (e) => (
          e.preventDefault(),
          (location.hash = `#/directives?${new URLSearchParams([...new FormData(e.target)].filter(([, v]) => v))}`)
        ),
      },
      select('status', '状态', [['', '全部'], ...DIRECTIVE_STATUSES.map((s) => [s, STATUS[s]])]),
      select('urgency', '紧急程度', [
        ['', '全部'],
        ['特急', '特急'],
        ['加急', '加急'],
        ['平急', '平急'],
      ]),
      input('q', '标题/文号'),
      h('button', { type: 'submit' }, '查询'),
    ),
    h(
      'table',
      { id: 'directives' },
      h(
        'tr',
        {},
        ['收文编号', '文号', '标题', '紧急程度', '状态', '回报期限'].map((t) => h('th', {}, t)),
      ),
      list.items.map((d) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/directives/${d.receiptNumber}` }, d.receiptNumber)),
          h('td', {}, d.docNumber),
          h('td', {}, d.title),
          h('td', {}, d.urgency),
          h('td', {}, STATUS[d.status] ?? d.status),
          overdueCell(d.dueDate, d.tasks.some(owesLate)),
        ),
      ),
    ),
    pager(list, to),
  );
}

/** Statuses in which a department still owes its report (or its 代拟稿). */
const OWING = ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'];
/** The department owes its 回报单, or the 代拟稿 that was to follow it, and is past that deadline. */
const owesLate = (t) =>
  (OWING.includes(t.status) && t.overdue) || (t.status === 'DRAFT_PENDING' && t.draftOverdue);
/** The deadline that applies to a task now: the 代拟稿's while it is owed, else the 回报单's. */
const owedDate = (t) => (t.status === 'DRAFT_PENDING' ? t.draftDueDate : t.dueDate);
/** A deadline, with 已逾期 in words as well as in red. */
const overdueCell = (date, overdue) =>
  h('td', { class: overdue ? 'overdue' : undefined }, officeDate(date), overdue ? '（已逾期）' : '');

/** The 密级 this clerk may register: none classified unless the deployment is accredited for them. */
const SECRECY_ASCENDING = ['非密', '秘密', '机密', '绝密'];
const registrableSecrecy = ({ user, deployment }) =>
  deployment.classifiedAccredited
    ? SECRECY_ASCENDING.slice(0, SECRECY_ASCENDING.indexOf(user.clearance) + 1)
    : ['非密'];

async function registerPage(main) {
  const session = await api('GET', '/api/auth/me');
  const { today } = session;
  const levels = registrableSecrecy(session);
  main.append(
    h('h2', {}, '收文登记'),
    receiptForm(today),
    stepForm(
      '收文登记',
      [
        input('sourceOrg', '来文单位', { required: true, value: '国务院' }),
        input('docNumber', '文号', { required: true, placeholder: '国发〔2016〕76号' }),
        input('title', '来文标题', { required: true, size: 40 }),
        input('receivedDate', '收文日期', { type: 'date', value: today }),
        select('urgency', '紧急程度', [
          ['平急', '平急'],
          ['加急', '加急'],
          ['特急', '特急'],
        ]),
        select(
          'secrecy',
          '密级',
          levels.map((l) => [l, l]),
        ),
        levels.length > 1
          ? input('secrecyPeriod', '保密期限', { placeholder: '10年' })
          : h(
              'p',
              { class: 'hint', id: 'classified-hint' },
              '涉密文件（秘密、机密、绝密）须通过机要渠道办理，本系统不予登记。',
            ),
        input('copies', '份数', { type: 'number', min: 1, value: 1 }),
        input('pages', '页数', { type: 'number', min: 1 }),
        input('handlingPrefix', '办文编号前缀', { placeholder: '发改' }),
        h(
          'fieldset',
          { id: 'document-elements' },
          h('legend', {}, '来文要素（按来文填写，可空）'),
          input('copyNumber', '份号', { placeholder: '000363', size: 8 }),
          input('writtenDate', '成文日期', { type: 'date' }),
          input('issuer', '签发人'),
          input('printedBy', '印发机关', { placeholder: '国务院办公厅秘书局' }),
          input('printedOn', '印发日期', { type: 'date' }),
          select('publicity', '公开属性', [
            ['', '（未标注）'],
            ['此件公开发布', '此件公开发布'],
            ['此件依申请公开', '此件依申请公开'],
            ['此件不予公开', '此件不予公开'],
          ]),
          textarea('mainRecipients', '主送', { rows: 2, cols: 60 }),
          textarea('copiedTo', '抄送', { rows: 2, cols: 60 }),
          textarea('summary', '办理意见', { rows: 3, cols: 60 }),
          textarea('bodyText', '正文', { rows: 4, cols: 60 }),
        ),
        fileInput('attachments', '来文扫描件等附件'),
      ],
      async (data) => {
        const files = data.getAll('attachments');
        data.delete('attachments');
        const form = Object.fromEntries([...data].filter(([, v]) => v !== ''));
        for (const n of ['copies', 'pages']) if (form[n]) form[n] = Number(form[n]);
        const attachments = await upload(files);
        if (attachments.length) form.attachments = attachments;
        const { directive } = await api('POST', '/api/directives', form);
        location.hash = `#/directives/${directive.receiptNumber}`;
      },
      '登记',
    ),
  );
}

/**
 * 签收: the office signs for a delivered document before registering it; its 办文时限 starts now.
 * The registration of the same 来文单位 and 文号 then takes this 签收.
 */
function receiptForm(today) {
  return stepForm(
    '签收',
    [
      h('p', { class: 'hint' }, '来文送达时先签收（办文时限自签收起算），登记时填写相同的来文单位和文号。'),
      input('sourceOrg', '来文单位', { required: true, value: '国务院' }),
      input('docNumber', '文号', { required: true, placeholder: '国发〔2016〕76号' }),
      input('copies', '份数', { type: 'number', min: 1, value: 1 }),
      input('receivedDate', '收文日期', { type: 'date', value: today }),
    ],
    async (f) => {
      const { receipt } = await api('POST', '/api/receipts', {
        sourceOrg: f.get('sourceOrg'),
        docNumber: f.get('docNumber'),
        copies: Number(f.get('copies')),
        receivedDate: f.get('receivedDate'),
      });
      return receipt;
    },
    '签收',
  );
}

async function detailPage(main, receiptNumber) {
  // Today by the application's clock, for the countdowns.
  const [{ directive: d }, { today }] = await Promise.all([
    api('GET', `/api/directives/${receiptNumber}`),
    api('GET', '/api/auth/me'),
  ]);
  main.append(
    h('h2', {}, `${d.title}`),
    stageBar(d),
    printMenu(d),
    h(
      'table',
      { id: 'form' },
      h(
        'tr',
        {},
        h('th', {}, '来文单位'),
        h('td', {}, d.sourceOrg),
        h('th', {}, '收文日期'),
        h('td', {}, officeDate(d.receivedDate)),
        h('th', {}, '收文编号'),
        h('td', {}, d.receiptNumber),
      ),
      h(
        'tr',
        {},
        h('th', {}, '文号'),
        h('td', {}, d.docNumber),
        h('th', {}, '紧急程度'),
        h('td', {}, d.urgency),
        h('th', {}, '办文编号'),
        h('td', {}, d.handlingNumber ?? ''),
      ),
      h(
        'tr',
        {},
        h('th', {}, '密级'),
        h('td', {}, `${d.secrecy}${d.secrecyPeriod ? `（${d.secrecyPeriod}）` : ''}`),
        h('th', {}, '状态'),
        h('td', { id: 'status' }, STATUS[d.status] ?? d.status),
        h('th', {}, '回报期限'),
        h('td', {}, officeDate(d.dueDate)),
      ),
    ),
    ...sheetSection(d),
    ...elementsSection(d),
    ...tasksTable(d, today),
    ...circulationTable(d),
    ...attachmentList(d.attachments),
    ...directiveSteps(d),
    h('h3', {}, '办理过程'),
    h(
      'table',
      { id: 'timeline' },
      h(
        'tr',
        {},
        ['时间', '办理人', '环节', '意见'].map((t) => h('th', {}, t)),
      ),
      d.timeline.map((e) =>
        h(
          'tr',
          {},
          h('td', {}, chinaTime(e.at)),
          h(
            'td',
            {},
            `${nameOf(e.actorId)}${e.onBehalfOfId ? `（受${nameOf(e.onBehalfOfId)}委托）` : ''}${e.departmentCode ? ` · ${deptName(e.departmentCode)}` : ''}`,
          ),
          h('td', {}, e.action),
          h('td', {}, officeText(e.comment)),
        ),
      ),
    ),
  );
}

/** A date as the office writes it on its forms: 2017年1月3日 (China Standard Time). */
/** The dates in a text as the office writes them: 限于 2017-01-20 前回报 reads 限于 2017年1月20日前回报. */
export const officeText = (text) =>
  (text ?? '').replace(
    / ?\b(\d{4})-(\d{2})-(\d{2})\b ?/g,
    (_, y, m, d) => `${Number(y)}年${Number(m)}月${Number(d)}日`,
  );
export const officeDate = (iso) => {
  if (!iso) return '';
  const [y, m, day] = (iso.length === 10 ? iso : chinaTime(iso).slice(0, 10)).split('-');
  return `${Number(y)}年${Number(m)}月${Number(day)}日`;
};
const signedBy = (s) =>
  `${s.onBehalfOf ? `${s.by.name}（代${s.onBehalfOf.name}）` : s.by.name} ${officeDate(s.at)}`;

/**
 * The 文件呈批表's opinions as on paper: 办理意见, 拟办意见 with the leaders asked (请春新同志批示),
 * each 审核意见 and 领导批示 with signer and date, and the 经办人 with his telephone.
 */
function sheetSection(d) {
  const { sheet } = d;
  const row = (label, ...content) => h('tr', {}, h('th', {}, label), h('td', {}, ...content));
  const opinion = (o) =>
    h(
      'p',
      {},
      `${o.returned ? '（退回）' : ''}${o.text}\u3000`,
      h('span', { class: 'signature' }, signedBy(o)),
    );
  return [
    h('h3', {}, '文件呈批表'),
    h(
      'table',
      { id: 'sheet' },
      row('领导批示', ...sheet.instructions.map(opinion)),
      row('审核意见', ...sheet.reviews.map(opinion)),
      row('办理意见', sheet.summary ?? ''),
      row(
        '拟办意见',
        ...(sheet.proposal
          ? [
              h('p', {}, sheet.proposal.text ?? ''),
              sheet.proposal.leadersAsked.length
                ? h('p', {}, `请${sheet.proposal.leadersAsked.map((l) => l.name).join('、')}同志批示。`)
                : '',
              h('p', { class: 'signature' }, signedBy(sheet.proposal)),
            ]
          : []),
      ),
      row(
        '经办人',
        `${sheet.handler.department ?? ''} 经办人：${sheet.handler.name}\u3000电话：${sheet.handler.phone ?? ''}`,
      ),
    ),
  ];
}

/** The incoming document's own elements (GB/T 9704), where the clerk copied them. */
function elementsSection(d) {
  const elements = [
    ['份号', d.copyNumber],
    ['成文日期', officeDate(d.writtenDate)],
    ['签发人', d.issuer],
    ['主送', d.mainRecipients],
    ['抄送', d.copiedTo],
    ['印发', d.printedBy && `${d.printedBy} ${officeDate(d.printedOn)}印发`],
    ['公开属性', d.publicity && `（${d.publicity}）`],
  ].filter(([, v]) => v);
  if (!elements.length && !d.bodyText) return [];
  return [
    h('h3', {}, '来文要素'),
    h(
      'table',
      { id: 'elements' },
      elements.map(([label, v]) => h('tr', {}, h('th', {}, label), h('td', {}, v))),
    ),
    d.bodyText
      ? h('details', {}, h('summary', {}, '正文'), h('pre', { class: 'body-text' }, d.bodyText))
      : '',
  ];
}

/** 传阅: who has it, who read it when, what they said; recalled copies say so. */
function circulationTable(d) {
  if (!d.circulation.length) return [];
  const head = ['次', '阅件人', '事由', '送阅时间', '阅读时间', '意见', '收回'];
  return [
    h('h3', {}, '传阅'),
    h(
      'table',
      { id: 'circulation' },
      h(
        'tr',
        {},
        head.map((t) => h('th', {}, t)),
      ),
      d.circulation.map((c) =>
        h(
          'tr',
          {},
          h('td', {}, String(c.circulationId)),
          h('td', {}, nameOf(c.readerId)),
          h('td', {}, c.purpose === 'COMMENT' ? '请提意见' : '阅知'),
          h('td', {}, chinaTime(c.sentAt)),
          h('td', {}, c.readAt ? chinaTime(c.readAt) : '未阅'),
          h('td', {}, c.comment ?? ''),
          h('td', {}, c.recalledAt ? `已收回：${c.recallReason}` : ''),
        ),
      ),
    ),
  ];
}

async function tasksPage(main, hash) {
  const { params, to } = pageOf(hash);
  const list = await api('GET', `/api/tasks?${params}`);
  const { items } = list;
  main.append(
    h('h2', {}, `待办 · ${me.departmentName}`),
    h(
      'table',
      { id: 'my-tasks' },
      h(
        'tr',
        {},
        ['收文编号', '文号', '标题', '状态', '期限'].map((t) => h('th', {}, t)),
      ),
      items.map((t) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/directives/${t.receiptNumber}` }, t.receiptNumber)),
          h('td', {}, t.directive.docNumber),
          h('td', {}, t.directive.title),
          h('td', {}, STATUS[t.status] ?? t.status),
          overdueCell(owedDate(t), owesLate(t)),
        ),
      ),
    ),
    pager(list, to),
  );
}

/** A notice leads to what it is about: a directive, or a 政务失信记录. */
const noticeLink = (n) =>
  n.receiptNumber ? `#/directives/${n.receiptNumber}` : `#/integrity/records/${n.breachRecordId}`;

async function inboxPage(main, hash) {
  const { params, to } = pageOf(hash);
  const inbox = await api('GET', `/api/inbox?${params}`);
  main.append(
    h('h2', {}, `提醒（未读 ${inbox.unread}）`),
    h(
      'table',
      { id: 'inbox' },
      h(
        'tr',
        {},
        ['时间', '事项', '内容', ''].map((t) => h('th', {}, t)),
      ),
      inbox.items.map((n) =>
        h(
          'tr',
          {},
          h('td', {}, chinaTime(n.at)),
          h('td', {}, h('a', { href: noticeLink(n) }, n.title)),
          h('td', {}, n.body),
          h(
            'td',
            {},
            n.readAt
              ? '已读'
              : h(
                  'button',
                  { onclick: async () => (await api('POST', `/api/inbox/${n.id}/read`), route()) },
                  '标为已读',
                ),
          ),
        ),
      ),
    ),
    pager(inbox, to),
  );
}

// ---------------------------------------------------------------------------------------------
// Routing

function renderNav() {
  const nav = document.getElementById('nav');
  nav.replaceChildren(
    ...(me
      ? [
          isOffice() && h('a', { href: '#/directives' }, '收文'),
          has('CLERK') && h('a', { href: '#/register' }, '收文登记'),
          h('a', { href: '#/todo', id: 'nav-todo' }, '待办'),
          !isOffice() && h('a', { href: '#/tasks' }, '本单位任务'),
          h('a', { href: '#/inbox' }, '提醒'),
          has(...LEDGER_ROLES) && h('a', { href: '#/ledger' }, '督办台账'),
          h('a', { href: '#/integrity' }, '政务诚信'),
          h('a', { href: '#/policy' }, '时限政策'),
          h('a', { href: '#/delegations' }, '委托'),
          has('ADMIN', 'SECURITY_OFFICER') && h('a', { href: '#/audit' }, '审计日志'),
          has('SECURITY_OFFICER') && h('a', { href: '#/clearances' }, '涉密资格'),
          has('ADMIN') && h('a', { href: '#/numbering' }, '启用编号'),
          has('ADMIN') && h('a', { href: '#/org' }, '机构与用户'),
        ].filter(Boolean)
      : []),
  );
  document.getElementById('who').replaceChildren(
    ...(me
      ? [
          `${me.displayName} · ${me.departmentName} `,
          h('a', { href: '#/password' }, '修改密码'),
          ' ',
          h('a', { href: '#/settings' }, '个人设置'),
          ' ',
          h(
            'button',
            {
              onclick: async () => (
                await api('POST', '/api/auth/logout'),
                actFor(undefined),
                (me = undefined),
                (location.hash = '#/login')
              ),
            },
            '退出',
          ),
        ]
      : []),
  );
}

/**
 * Who is who, to show names: the whole directory for those who pick people in forms, loaded once;
 * for anyone else the names of the people in what they can see, loaded on each page since that
 * grows with their work.
 */
async function loadDirectory() {
  const picksPeople = has(...DIRECTORY_ROLES);
  if (picksPeople && directoryOf === me.id) return;
  directory = await api('GET', picksPeople ? '/api/directory' : '/api/names');
  directoryOf = me.id;
}

async function route() {
  const main = document.getElementById('main');
  const hash = location.hash || '#/';
  if (!me && hash !== '#/login') {
    try {
      ({ user: me } = await api('GET', '/api/auth/me'));
    } catch {
      location.hash = '#/login';
      return;
    }
  }
  // Until he has changed a password an administrator set, the API answers nothing else (403).
  if (me?.mustChangePassword && hash !== '#/password' && hash !== '#/login') {
    location.hash = '#/password';
    return;
  }
  // 委托: acting for someone whose 委托 ended or was revoked stops before anything is asked as him.
  if (me && !me.mustChangePassword) await keepActingFor();
  if (me && !me.mustChangePassword) await loadDirectory();
  renderNav();
  // The count follows the page: each step taken re-routes, and the count with it.
  if (me) showTodoCount(document.getElementById('nav-todo')).catch(() => {});
  if (me) showActingFor(document.getElementById('who')).catch(() => {});
  const page = document.createElement('div');
  try {
    const [, name, arg] = hash.split('?')[0].split('/');
    if (hash === '#/login') await loginPage(page);
    else if (name === 'directives' && arg) await detailPage(page, arg);
    else if (name === 'register') await registerPage(page);
    else if (name === 'tasks') await tasksPage(page, hash);
    else if (name === 'inbox') await inboxPage(page, hash);
    else if (name === 'todo') await todoPage(page, hash);
    else if (name === 'ledger') await ledgerPage(page, hash);
    else if (name === 'integrity') await integrityPage(page, hash);
    else if (name === 'audit') await auditPage(page, hash);
    else if (name === 'clearances') await clearancePage(page, hash);
    else if (name === 'numbering') await numberingPage(page, hash);
    else if (name === 'org') await orgPage(page);
    else if (name === 'password') await passwordPage(page, me, (user) => (me = user));
    else if (name === 'settings') await settingsPage(page);
    else if (name === 'policy') await policyPage(page);
    else if (name === 'delegations') await delegationsPage(page);
    else if (me && name !== 'directives' && !isOffice()) location.hash = '#/tasks';
    else await listPage(page);
  } catch (err) {
    flash(err.message);
  }
  // Pages load concurrently (a click during a load): only the one for the current address shows.
  if ((location.hash || '#/') !== hash) return;
  main.replaceChildren(page);
  // A new page takes the focus at its heading (a refusal has already taken it to the message).
  const heading = page.querySelector('h2');
  if (heading && document.activeElement?.id !== 'flash') {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

window.addEventListener('hashchange', () => {
  flash('');
  void route();
});
void route();
