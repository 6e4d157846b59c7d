// 政务诚信 (国发〔2016〕76号): breach records (政务失信记录) with their rectification (限期整改),
// objections (异议) and credit repair (信用修复); accountability cases (追究责任); the integrity
// evaluation (政务诚信评价). Every form is one API call; which forms show is what the detail API
// lists in availableSteps, never decided here.

import { upload } from './attachments.js';
import {
  api,
  chinaTime,
  decisionButtons,
  deptName,
  h,
  has,
  input,
  myDepartment,
  nameOf,
  seesAllIntegrity,
  select,
  stepForm,
  textarea,
} from './app.js';

// Labels only (the workflows' integrity-types.ts and integrity-steps.ts; the UI cannot import them).
const RECORD_STATUS = {
  EXPLANATION_DUE: '待书面说明',
  PLAN_DUE: '待报整改方案',
  COMPLETION_DUE: '待报整改完成',
  VERIFYING: '待验收',
  RECTIFIED: '整改已验收',
  REPAIR_REQUESTED: '信用修复待审',
  REPAIRED: '已信用修复',
  REVOKED: '已撤销',
};
const SOURCES = {
  JUDGMENT: '司法判决',
  ADMINISTRATIVE_PENALTY: '行政处罚',
  DISCIPLINARY_SANCTION: '纪律处分',
  ACCOUNTABILITY: '问责处理',
  BROKEN_COMMITMENT: '承诺未履行',
  OVERDUE_TASK: '督办事项逾期未办',
};
/** What a credit officer may register by hand; overdue tasks open their records on their own. */
const REGISTRABLE_SOURCES = Object.keys(SOURCES).filter((s) => s !== 'OVERDUE_TASK');
const SEVERITIES = { GENERAL: '一般', SERIOUS: '较重', SEVERE: '严重' };
const SUBJECT_KINDS = { BODY: '单位', CIVIL_SERVANT: '公务员' };
const CASE_STATUS = {
  INVESTIGATING: '调查中',
  AWAITING_DECISION: '待决定',
  DECIDED: '已决定（异议期内）',
  OBJECTED: '异议复核中',
  FINAL: '已生效',
};
const CASE_TRIGGERS = {
  FAILED_RECTIFICATION: '整改验收未通过',
  SEVERE_RECORD: '严重失信',
  BY_HAND: '督查员立案',
};
const MEASURES = {
  RECTIFY_ONLY: '限期整改',
  PUBLIC_CRITICISM: '公开通报批评',
  NO_HONOURS: '取消参加荣誉评选资格',
  NO_COMMENDATION: '限制评优评先',
  REFERRED: '依法依规追究责任',
};
const MITIGATION = { LIGHTER: '从轻', EXEMPT: '免于' };
const GROUNDS = {
  RECOVERED_LOSS: '挽回损失',
  REMOVED_EFFECT: '消除不良影响',
  STOPPED_HARM: '有效阻止危害结果发生',
};
const OBJECTION_STATUS = { PENDING: '待复核', UPHELD: '异议成立', REJECTED: '异议不成立' };
const STEP_LABELS = {
  correctRecord: '更正记录',
  explain: '书面说明原因',
  submitPlan: '报送整改方案',
  reportCompletion: '报告整改完成',
  verify: '整改验收',
  openCase: '立案追责',
  fileObjection: '提出异议',
  reviewObjection: '异议复核',
  applyRepair: '申请信用修复',
  decideRepair: '信用修复审核',
  concludeInvestigation: '调查终结',
  showMitigation: '说明自我纠错',
  decide: '追责决定',
};
const NOTICE_KINDS = { REMINDER: '提醒', FORMAL_REMINDER: '催报单', ESCALATION: '督办升级', URGE: '催办' };

const label = (labels, key) => (key ? (labels[key] ?? key) : '');
const options = (labels, keys = Object.keys(labels)) => keys.map((k) => [k, labels[k]]);
/** A JSON column the API may hand over as text or already parsed. */
const parsed = (v) => {
  if (typeof v !== 'string') return v ?? undefined;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};
/** A notice's text names its recipients by user id (u-fgw-mishu): show their names. */
const withNames = (text) => (text ?? '').replace(/\bu-[a-z0-9-]+/g, (id) => nameOf(id));
const list = (v) => (Array.isArray(v) ? v : typeof v === 'string' && v ? v.split(',') : []);
const query = (hash) => new URLSearchParams(hash.split('?')[1] ?? '');
/**
 * A table of label/value pairs, `cols` pairs to a row, like the 呈批表; a pair with a colspan
 * (long text) takes a row of its own.
 */
function formTable(id, pairs, cols = 3) {
  const rows = [];
  let row = [];
  const flush = () => row.length && rows.push(h('tr', {}, row.splice(0)));
  for (const [th, td, attrs = {}] of pairs) {
    if (attrs.colspan) flush();
    row.push(h('th', {}, th), h('td', attrs, td ?? ''));
    if (attrs.colspan || row.length === cols * 2) flush();
  }
  flush();
  return h('table', { id, class: 'form' }, rows);
}
const headRow = (titles) =>
  h(
    'tr',
    {},
    titles.map((t) => h('th', {}, t)),
  );
const actor = (e) => `${nameOf(e.actorId)}${e.onBehalfOfId ? `（受${nameOf(e.onBehalfOfId)}委托）` : ''}`;
/** A filter form that moves the address to `base?` its non-empty fields. */
const filterForm = (base, fields) =>
  h(
    'form',
    {
      class: 'filters',
      onsubmit: (e) => (
        e.preventDefault(),
        (location.hash = `${base}?${new URLSearchParams([...new FormData(e.target)].filter(([, v]) => v))}`)
      ),
    },
    fields,
    h('button', { type: 'submit' }, '查询'),
  );
/** Sets a select's or input's value from the address, so a filtered page shows its filter. */
function keep(form, params) {
  for (const [k, v] of params) {
    const el = form.querySelector(`[name="${k}"]`);
    if (el) el.value = v;
  }
  return form;
}

/** `#/integrity…`: dispatches to the page the address names. */
export async function integrityPage(main, hash) {
  const [, , kind, id] = hash.split('?')[0].split('/');
  if (kind === 'records' && id) await recordPage(main, decodeURIComponent(id));
  else if (kind === 'cases' && id) await casePage(main, decodeURIComponent(id));
  else if (kind === 'evaluation' && id) await bodyEvaluationPage(main, decodeURIComponent(id), hash);
  else if (kind === 'evaluation') await evaluationPage(main, hash);
  else await recordsPage(main, hash);
}

function subNav(current) {
  return h(
    'p',
    { class: 'subnav' },
    [
      ['#/integrity', '政务失信记录', 'records'],
      ['#/integrity/evaluation', '政务诚信评价', 'evaluation'],
    ].map(([href, text, key]) => h('a', { href, class: key === current ? 'current' : undefined }, text)),
  );
}

// ---------------------------------------------------------------------------------------------
// 政务失信记录: the list, its filters, and (for the credit officer) registration

async function recordsPage(main, hash) {
  const params = query(hash);
  const [records, directory] = await Promise.all([
    api('GET', `/api/integrity/records?${params}`),
    api('GET', '/api/directory'),
  ]);
  const departments = directory.departments.map((d) => [d.code, d.name]);
  const page = records.page ?? 1;
  const pages = Math.max(1, Math.ceil(records.total / (records.pageSize || records.total || 1)));
  const pageLink = (n, text) => {
    const p = new URLSearchParams(params);
    p.set('page', String(n));
    return h('a', { href: `#/integrity?${p}` }, text);
  };
  main.append(
    h('h2', {}, '政务失信记录'),
    subNav('records'),
    keep(
      filterForm('#/integrity', [
        select('department', '单位', [['', '全部'], ...departments]),
        select('status', '状态', [['', '全部'], ...options(RECORD_STATUS)]),
        select('source', '来源', [['', '全部'], ...options(SOURCES)]),
        select('severity', '严重程度', [['', '全部'], ...options(SEVERITIES)]),
        input('q', '关键词', { placeholder: '事实/文书编号/负责人' }),
      ]),
      params,
    ),
    h(
      'table',
      { id: 'records' },
      headRow(['编号', '失信主体', '来源', '严重程度', '状态', '当前期限', '登记时间']),
      records.items.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/integrity/records/${encodeURIComponent(r.recordId)}` }, r.recordId)),
          h('td', {}, subjectText(r)),
          h('td', {}, label(SOURCES, r.source)),
          h('td', {}, label(SEVERITIES, r.severity)),
          h('td', {}, label(RECORD_STATUS, r.status)),
          h('td', { class: r.overdue ? 'overdue' : undefined }, dueText(r)),
          h('td', {}, chinaTime(r.openedAt)),
        ),
      ),
    ),
    h(
      'p',
      {},
      `共 ${records.total} 条`,
      pages > 1
        ? [
            `，第 ${page}/${pages} 页 `,
            page > 1 && pageLink(page - 1, '上一页'),
            ' ',
            page < pages && pageLink(page + 1, '下一页'),
          ]
        : '',
    ),
    has('CREDIT_OFFICER') ? registerForm(departments) : '',
  );
}

const subjectText = (r) =>
  r.subjectKind === 'CIVIL_SERVANT'
    ? `公务员 ${r.subjectPersonName ?? ''}（${deptName(r.subjectDepartmentCode)}）`
    : deptName(r.subjectDepartmentCode);
const dueText = (r) => (r.dueDate ? `${r.dueDate}${r.overdue ? '（已逾期）' : ''}` : '');

/** 登记失信记录: every field of the registration, attachments uploaded first. */
function registerForm(departments) {
  const today = chinaTime(new Date().toISOString()).slice(0, 10);
  return stepForm(
    '登记失信记录',
    [
      h(
        'fieldset',
        {},
        h('legend', {}, '失信主体'),
        select('subjectKind', '主体类别', options(SUBJECT_KINDS)),
        select('departmentCode', '单位', departments),
        input('personName', '公务员姓名（主体为公务员时）'),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, '失信事实'),
        select('source', '来源', options(SOURCES, REGISTRABLE_SOURCES)),
        input('sourceRef', '文书编号/所涉承诺', { required: true, size: 40 }),
        input('occurredOn', '发生日期', { type: 'date', required: true, value: today }),
        textarea('facts', '失信事实', { required: true }),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, '主要负责人'),
        input('principalName', '姓名', { required: true }),
        input('principalTitle', '职务', { required: true }),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, '严重程度'),
        select('level', '严重程度', options(SEVERITIES)),
        input('loss', '造成损失', { required: true, size: 30 }),
        input('socialImpact', '社会影响', { required: true, size: 30 }),
        h(
          'label',
          {},
          h('input', { type: 'checkbox', name: 'published', value: 'true' }),
          '公开（信用平台公示）',
        ),
      ),
      input('attachments', '证据材料', { type: 'file', multiple: true }),
    ],
    async (f) => {
      const attachments = await upload(f.getAll('attachments'));
      const kind = f.get('subjectKind');
      const { record } = await api('POST', '/api/integrity/records', {
        subject: {
          kind,
          departmentCode: f.get('departmentCode'),
          personName: kind === 'CIVIL_SERVANT' ? f.get('personName') : undefined,
        },
        source: f.get('source'),
        sourceRef: f.get('sourceRef'),
        facts: f.get('facts'),
        principal: { name: f.get('principalName'), title: f.get('principalTitle') },
        severity: { level: f.get('level'), loss: f.get('loss'), socialImpact: f.get('socialImpact') },
        published: f.get('published') === 'true',
        occurredOn: f.get('occurredOn'),
        attachments: attachments.length ? attachments : undefined,
      });
      location.hash = `#/integrity/records/${encodeURIComponent(record.recordId)}`;
    },
    '登记',
  );
}

// ---------------------------------------------------------------------------------------------
// One record: its facts, the overdue task's evidence, rectification, cases, objections, timeline

async function recordPage(main, recordId) {
  const path = `/api/integrity/records/${encodeURIComponent(recordId)}`;
  const d = await api('GET', path);
  const r = d.record;
  main.append(
    h('h2', {}, `政务失信记录 ${r.recordId}`),
    subNav(),
    formTable('record', [
      ['失信主体', subjectText(r)],
      ['主体类别', label(SUBJECT_KINDS, r.subjectKind)],
      ['状态', h('span', { id: 'status' }, label(RECORD_STATUS, r.status))],
      ['来源', label(SOURCES, r.source)],
      ['文书编号', r.sourceRef],
      ['发生日期', r.occurredOn],
      ['失信事实', r.facts, { colspan: 5 }],
      ['主要负责人', `${r.principalName}（${r.principalTitle}）`],
      ['严重程度', label(SEVERITIES, r.severity)],
      ['是否公开', r.published ? '公开' : '不公开'],
      ['造成损失', r.loss],
      ['社会影响', r.socialImpact],
      ['登记', `${chinaTime(r.openedAt)} ${r.openedById ? nameOf(r.openedById) : '督办事项逾期自动登记'}`],
      ['当前期限', dueText(r), { id: 'due', class: r.overdue ? 'overdue' : undefined }],
      ['逾期步骤', String(r.overdueSteps ?? 0)],
      ['异议期至', r.objectionDueDate ?? ''],
      ['可申请修复', r.repairableFrom ?? ''],
      ['信用修复', r.repairedAt ? chinaTime(r.repairedAt) : ''],
      ['撤销', r.revokedAt ? chinaTime(r.revokedAt) : ''],
    ]),
    ...attachmentList(d.attachments),
    ...evidence(r, d.task),
    ...rectification(r, d.entries),
    ...caseTable(d.cases),
    ...objectionTable(d.objections),
    ...recordSteps(d, path),
    h('h3', {}, '办理过程'),
    timeline(d.entries),
  );
}

function attachmentList(attachments) {
  if (!attachments?.length) return [];
  return [
    h('h3', {}, '证据材料'),
    h(
      'ul',
      { id: 'attachments' },
      attachments.map((a) => h('li', {}, h('a', { href: `/api/attachments/${a.id}` }, a.fileName ?? a.id))),
    ),
  ];
}

/** A record an overdue directive task opened: which task, its dates, the reminders that went unheeded. */
function evidence(r, task) {
  const ev = parsed(r.evidence);
  const receiptNumber = ev?.receiptNumber ?? task?.receiptNumber ?? r.receiptNumber;
  if (!receiptNumber) return [];
  const docNumber = ev?.docNumber ?? task?.directive?.docNumber ?? '';
  const title = ev?.title ?? task?.directive?.title ?? '';
  return [
    h('h3', {}, '督办事项逾期证据'),
    formTable('evidence', [
      [
        '督办事项',
        h(
          'a',
          { href: `#/directives/${receiptNumber}` },
          `${docNumber} ${title}（收文编号 ${receiptNumber}）`,
        ),
        { colspan: 5 },
      ],
      ['承办单位', deptName(ev?.departmentCode ?? task?.departmentCode ?? r.subjectDepartmentCode)],
      ['转办日期', ev?.dispatchedOn ?? ''],
      ['回报期限', ev?.dueDate ?? task?.dueDate ?? ''],
    ]),
    ev?.notices?.length
      ? h(
          'table',
          { id: 'evidence-notices' },
          headRow(['时间', '提醒/催报/升级', '内容']),
          ev.notices.map((n) =>
            h(
              'tr',
              {},
              h('td', {}, chinaTime(n.at)),
              h('td', {}, label(NOTICE_KINDS, n.action)),
              h('td', {}, withNames(n.comment)),
            ),
          ),
        )
      : '',
  ];
}

/** 限期整改: 书面说明原因 → 整改方案 → 整改完成 → 验收, each done, owed now, or to come. */
function rectification(r, entries) {
  const order = ['EXPLANATION_DUE', 'PLAN_DUE', 'COMPLETION_DUE', 'VERIFYING'];
  const at = order.indexOf(r.status);
  const verifications = entries.filter((e) => /验收/.test(label(STEP_LABELS, e.action)));
  const rows = [
    ['书面说明原因', r.explanation],
    ['整改方案', r.plan],
    ['整改完成', r.completionReport],
    [
      '验收',
      [
        ...verifications.map(
          (e) => `${chinaTime(e.at)} ${nameOf(e.actorId)}：${e.action}${e.comment ? `，${e.comment}` : ''}`,
        ),
        verifications.length === 0 && r.rectifiedAt ? `${chinaTime(r.rectifiedAt)} 验收通过` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    ],
  ];
  return [
    h('h3', {}, '限期整改'),
    h(
      'table',
      { id: 'rectification' },
      headRow(['环节', '进度', '内容']),
      rows.map(([step, text], i) => {
        const done = at === -1 ? Boolean(text) || (i === 3 && Boolean(r.rectifiedAt)) : i < at;
        const now = i === at;
        const state = now
          ? `待办，期限 ${dueText(r) || '—'}`
          : done
            ? '已完成'
            : at === -1 && !r.rectifiedAt
              ? '—'
              : '未到';
        return h(
          'tr',
          { class: now ? 'current' : undefined },
          h('th', {}, step),
          h('td', { class: now && r.overdue ? 'overdue' : undefined }, state),
          h('td', { class: 'pre' }, text ?? ''),
        );
      }),
    ),
  ];
}

function caseTable(cases) {
  if (!cases?.length) return [];
  return [
    h('h3', {}, '追究责任'),
    h(
      'table',
      { id: 'cases' },
      headRow(['案件编号', '起因', '状态', '措施', '从轻/免于', '决定时间']),
      cases.map((c) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/integrity/cases/${encodeURIComponent(c.caseId)}` }, c.caseId)),
          h('td', {}, `${label(CASE_TRIGGERS, c.trigger)}${c.reason ? `：${c.reason}` : ''}`),
          h('td', {}, label(CASE_STATUS, c.status)),
          h('td', {}, measureText(c)),
          h('td', {}, label(MITIGATION, mitigationOf(c)?.outcome)),
          h('td', {}, c.decidedAt ? chinaTime(c.decidedAt) : ''),
        ),
      ),
    ),
  ];
}

function objectionTable(objections) {
  if (!objections?.length) return [];
  return [
    h('h3', {}, '异议'),
    h(
      'table',
      { id: 'objections' },
      headRow(['编号', '对象', '提出人', '时间', '理由', '复核结果', '复核人', '复核意见']),
      objections.map((o) =>
        h(
          'tr',
          {},
          h('td', {}, String(o.objectionId)),
          h(
            'td',
            {},
            o.caseId
              ? h('a', { href: `#/integrity/cases/${encodeURIComponent(o.caseId)}` }, `追责决定 ${o.caseId}`)
              : '失信记录',
          ),
          h('td', {}, nameOf(o.filedById)),
          h('td', {}, chinaTime(o.filedAt)),
          h('td', {}, o.reason),
          h(
            'td',
            { class: o.status === 'PENDING' ? 'overdue' : undefined },
            label(OBJECTION_STATUS, o.status),
          ),
          h('td', {}, o.reviewerId ? nameOf(o.reviewerId) : ''),
          h('td', {}, o.reviewReasons ?? ''),
        ),
      ),
    ),
  ];
}

function timeline(entries) {
  return h(
    'table',
    { id: 'timeline', class: 'timeline' },
    headRow(['时间', '办理人', '环节', '意见']),
    entries.map((e) =>
      h(
        'tr',
        {},
        h('td', {}, chinaTime(e.at)),
        h('td', {}, actor(e)),
        h('td', {}, `${label(STEP_LABELS, e.action)}${e.caseId ? `（${e.caseId}）` : ''}`),
        h('td', { class: 'pre' }, e.comment ?? ''),
      ),
    ),
  );
}

/** The forms of exactly the steps the API lists for this person now. */
function recordSteps(d, path) {
  const post = (url, body) => api('POST', `${path}${url}`, body);
  const steps = d.availableSteps?.record ?? [];
  const text = (step, url, field, labelText, button) =>
    stepForm(
      STEP_LABELS[step],
      [textarea(field, labelText, { required: true })],
      (f) => post(url, { [field]: f.get(field) }),
      button,
    );
  const forms = {
    correctRecord: () =>
      stepForm(
        '更正记录',
        [
          select('severity', '严重程度', [['', '不变'], ...options(SEVERITIES)]),
          select('published', '是否公开', [
            ['', '不变'],
            ['true', '公开'],
            ['false', '不公开'],
          ]),
          textarea('facts', '更正后的失信事实（不改则留空）'),
          input('reason', '更正理由', { required: true, size: 40 }),
        ],
        (f) =>
          post('/corrections', {
            changes: {
              severity: f.get('severity') || undefined,
              facts: f.get('facts') || undefined,
              published: f.get('published') ? f.get('published') === 'true' : undefined,
            },
            reason: f.get('reason'),
          }),
        '更正',
      ),
    explain: () => text('explain', '/explanation', 'text', '失信原因的书面说明', '报送'),
    submitPlan: () => text('submitPlan', '/plan', 'text', '整改方案（措施、责任人、时限）', '报送'),
    reportCompletion: () =>
      stepForm(
        '报告整改完成',
        [
          textarea('text', '整改完成情况', { required: true }),
          input('attachments', '整改材料', { type: 'file', multiple: true }),
        ],
        async (f) => {
          const attachments = await upload(f.getAll('attachments'));
          return post('/completion', {
            text: f.get('text'),
            attachments: attachments.length ? attachments : undefined,
          });
        },
        '报送',
      ),
    verify: () =>
      stepForm(
        '整改验收',
        [
          textarea('comment', '验收意见', { required: true }),
          input('newDueDate', '不通过时重新整改期限', { type: 'date' }),
          ...decisionButtons([
            ['PASS', '通过'],
            ['FAIL', '不通过'],
          ]),
        ],
        (f, decision) =>
          post('/verification', {
            pass: decision === 'PASS',
            comment: f.get('comment'),
            newDueDate: decision === 'PASS' ? undefined : f.get('newDueDate') || undefined,
          }),
        null,
      ),
    openCase: () => text('openCase', '/cases', 'reason', '立案理由（追究主要负责人责任）', '立案'),
    fileObjection: () => text('fileObjection', '/objections', 'reason', '异议理由', '提出'),
    reviewObjection: () =>
      (d.objections ?? [])
        .filter((o) => o.status === 'PENDING' && !o.caseId)
        .map((o) => objectionReview(o, (body) => post(`/objections/${o.objectionId}/review`, body))),
    applyRepair: () =>
      text('applyRepair', '/repair', 'statement', '信用修复申请（整改成效、已消除不良影响）', '申请'),
    decideRepair: () =>
      stepForm(
        '信用修复审核',
        [
          repairApplication(d.entries),
          textarea('comment', '审核意见', { required: true }),
          ...decisionButtons([
            ['APPROVE', '同意修复'],
            ['REJECT', '不同意'],
          ]),
        ],
        (f, decision) =>
          post('/repair/decision', { approve: decision === 'APPROVE', comment: f.get('comment') }),
        null,
      ),
  };
  const out = steps.flatMap((s) => forms[s]?.() ?? []);
  return out.length ? [h('h3', {}, '办理'), ...out] : [];
}

/** The statement the body sent with its application, for the one deciding it. */
function repairApplication(entries) {
  const last = [...entries].reverse().find((e) => e.action === '申请信用修复');
  return last
    ? h('p', { class: 'pre' }, `申请：${last.comment}（${nameOf(last.actorId)}，${chinaTime(last.at)}）`)
    : '';
}

function objectionReview(o, send) {
  return stepForm(
    `异议复核（第 ${o.objectionId} 项）`,
    [
      h('p', {}, `${nameOf(o.filedById)}：${o.reason}`),
      textarea('reasons', '复核意见', { required: true }),
      ...decisionButtons([
        ['UPHOLD', '异议成立'],
        ['REJECT', '异议不成立'],
      ]),
    ],
    (f, decision) => send({ uphold: decision === 'UPHOLD', reasons: f.get('reasons') }),
    null,
  );
}

// ---------------------------------------------------------------------------------------------
// 追究责任: one case

const mitigationOf = (c) =>
  c.mitigation && typeof c.mitigation === 'object'
    ? c.mitigation
    : c.mitigation
      ? { outcome: c.mitigation, grounds: list(c.mitigationGrounds), explanation: c.mitigationExplanation }
      : undefined;
const measureText = (c) =>
  c.measure
    ? `${label(MEASURES, c.measure)}${c.periodMonths ? `（${c.periodMonths} 个月${c.periodEnds ? `，至 ${c.periodEnds}` : ''}）` : ''}${c.referredTo ? `，移送${c.referredTo}` : ''}`
    : c.decidedAt
      ? '不予追责措施'
      : '';
const groundsText = (grounds) =>
  list(grounds)
    .map((g) => label(GROUNDS, g))
    .join('、');

async function casePage(main, caseId) {
  const path = `/api/integrity/cases/${encodeURIComponent(caseId)}`;
  const d = await api('GET', path);
  const c = d.case;
  const shown = parsed(c.mitigationShown);
  const mitigation = mitigationOf(c);
  main.append(
    h('h2', {}, `追究责任 ${c.caseId}`),
    subNav(),
    formTable('case', [
      [
        '失信记录',
        h(
          'a',
          { href: `#/integrity/records/${encodeURIComponent(d.record?.recordId ?? c.recordId)}` },
          d.record?.recordId ?? c.recordId,
        ),
      ],
      ['单位', deptName(d.record?.subjectDepartmentCode ?? c.subjectDepartmentCode)],
      ['状态', h('span', { id: 'status' }, label(CASE_STATUS, c.status))],
      ['失信事实', d.record?.facts ?? '', { colspan: 5 }],
      ['被追责人', `${c.principalName ?? ''}${c.principalTitle ? `（${c.principalTitle}）` : ''}`],
      ['起因', label(CASE_TRIGGERS, c.trigger)],
      ['立案', `${chinaTime(c.openedAt)} ${c.openedById ? nameOf(c.openedById) : ''}`],
      ['立案理由', c.reason, { colspan: 5 }],
      ['调查结论', c.findings ?? '', { colspan: 5, class: 'pre' }],
      [
        '自我纠错',
        shown && typeof shown === 'object'
          ? `${groundsText(shown.grounds)}：${shown.statement ?? ''}`
          : (shown ?? ''),
        { colspan: 5 },
      ],
      ['措施', measureText(c)],
      [
        '从轻/免于',
        mitigation ? `${label(MITIGATION, mitigation.outcome)}（${groundsText(mitigation.grounds)}）` : '',
      ],
      ['决定', c.decidedAt ? `${chinaTime(c.decidedAt)} ${c.decidedById ? nameOf(c.decidedById) : ''}` : ''],
      ['决定理由', c.decisionReasons ?? c.reasons ?? '', { colspan: 5, class: 'pre' }],
      ['异议期至', c.objectionDueDate ?? ''],
      ['生效', c.finalAt ? chinaTime(c.finalAt) : ''],
    ]),
    ...objectionTable(d.objections),
    ...caseSteps(d, path),
    h('h3', {}, '办理过程'),
    timeline(d.entries),
  );
}

const groundBoxes = () =>
  h(
    'span',
    {},
    Object.entries(GROUNDS).map(([k, v]) =>
      h('label', {}, h('input', { type: 'checkbox', name: 'grounds', value: k }), v),
    ),
  );

function caseSteps(d, path) {
  const post = (url, body) => api('POST', `${path}${url}`, body);
  const forms = {
    concludeInvestigation: () =>
      stepForm('调查终结', [textarea('findings', '调查结论', { required: true })], (f) =>
        post('/investigation', { findings: f.get('findings') }),
      ),
    showMitigation: () =>
      stepForm('说明自我纠错', [groundBoxes(), textarea('statement', '情况说明', { required: true })], (f) =>
        post('/mitigation', { grounds: f.getAll('grounds'), statement: f.get('statement') }),
      ),
    decide: () =>
      stepForm(
        '追责决定',
        [
          select('measure', '措施', [['', '免于追责措施'], ...options(MEASURES)]),
          input('periodMonths', '期限（月）', { type: 'number', min: 1 }),
          input('referredTo', '移送机关（依法依规追究责任时）'),
          h(
            'fieldset',
            {},
            h('legend', {}, '从轻/免于'),
            select('outcome', '', [['', '不适用'], ...options(MITIGATION)]),
            groundBoxes(),
            input('explanation', '说明', { size: 40 }),
          ),
          textarea('reasons', '决定理由', { required: true }),
        ],
        (f) =>
          post('/decision', {
            measure: f.get('measure') || undefined,
            periodMonths: f.get('periodMonths') ? Number(f.get('periodMonths')) : undefined,
            referredTo: f.get('referredTo') || undefined,
            mitigation: f.get('outcome')
              ? { outcome: f.get('outcome'), grounds: f.getAll('grounds'), explanation: f.get('explanation') }
              : undefined,
            reasons: f.get('reasons'),
          }),
        '决定',
      ),
    fileObjection: () =>
      stepForm('提出异议', [textarea('reason', '对追责决定的异议理由', { required: true })], (f) =>
        post('/objections', { reason: f.get('reason') }),
      ),
    reviewObjection: () =>
      (d.objections ?? [])
        .filter((o) => o.status === 'PENDING')
        .map((o) => objectionReview(o, (body) => post(`/objections/${o.objectionId}/review`, body))),
  };
  const out = (d.availableSteps ?? []).flatMap((s) => forms[s]?.() ?? []);
  return out.length ? [h('h3', {}, '办理'), ...out] : [];
}

// ---------------------------------------------------------------------------------------------
// 政务诚信评价: the ranking over a period, and one body's breakdown

/** The period form, showing the period the API evaluated (its default when none was asked for). */
function periodForm(base, ev) {
  const period = new URLSearchParams(
    [
      ['from', ev.from],
      ['to', ev.to],
    ].filter(([, v]) => v),
  );
  return keep(
    filterForm(base, [input('from', '自', { type: 'date' }), input('to', '至', { type: 'date' })]),
    period,
  );
}

/** The score's formula in words, from the one the API applied (the policy's `evaluation`). */
function formulaText(e) {
  if (typeof e === 'string') return e;
  if (!e?.perRecord) return '';
  const per = (labels, values) =>
    Object.entries(values ?? {})
      .map(([k, v]) => `${label(labels, k)} ${v} 分`)
      .join('、');
  return (
    `计分办法：基准 ${e.base} 分，减去期内登记且未信用修复、未撤销的失信记录（${per(SEVERITIES, e.perRecord)}），` +
    `减去这些记录整改逾期的步骤（每步 ${e.perOverdueStep} 分），` +
    `再减去期内作出且维持的追责决定（${per(MEASURES, e.perMeasure)}）；最低 ${e.floor} 分。`
  );
}

const periodQuery = (ev) =>
  new URLSearchParams(
    [
      ['from', ev.from],
      ['to', ev.to],
    ].filter(([, v]) => v),
  );

async function evaluationPage(main, hash) {
  // The ranking is the office's and 督查室's; a body goes to its own evaluation.
  if (!seesAllIntegrity()) {
    location.hash = `#/integrity/evaluation/${myDepartment()}`;
    return;
  }
  const ev = await api('GET', `/api/integrity/evaluation?${query(hash)}`);
  main.append(
    h('h2', {}, '政务诚信评价'),
    subNav('evaluation'),
    periodForm('#/integrity/evaluation', ev),
    h('p', {}, `评价期间：${ev.from} 至 ${ev.to}`),
    h('p', { id: 'formula', class: 'formula' }, formulaText(ev.formula)),
    h(
      'table',
      { id: 'ranking' },
      headRow([
        '名次',
        '单位',
        '得分',
        '未修复记录',
        '已修复',
        '已撤销',
        '逾期步骤',
        '追责（进行中/已决定）',
      ]),
      ev.ranking.map((b, i) =>
        h(
          'tr',
          { 'data-department': b.departmentCode },
          h('td', {}, String(i + 1)),
          h(
            'td',
            {},
            h('a', { href: `#/integrity/evaluation/${b.departmentCode}?${periodQuery(ev)}` }, b.name),
          ),
          h('td', { class: 'score' }, String(b.score)),
          h('td', {}, String(b.records.open)),
          h('td', {}, String(b.records.repaired)),
          h('td', {}, String(b.records.revoked)),
          h('td', {}, String(b.overdueSteps)),
          h('td', {}, `${b.cases.open} / ${b.cases.decided}`),
        ),
      ),
    ),
  );
}

/** One body: its score, each deduction, its records, rectifications under way and cases. */
async function bodyEvaluationPage(main, code, hash) {
  const ev = await api('GET', `/api/integrity/evaluation/${encodeURIComponent(code)}?${query(hash)}`);
  const { score } = ev;
  const recordLink = (id) => h('a', { href: `#/integrity/records/${encodeURIComponent(id)}` }, id);
  const counts = (yes) => (yes ? '计入' : '不计入');
  main.append(
    h('h2', {}, `政务诚信评价 · ${ev.department.name}`),
    subNav('evaluation'),
    periodForm(`#/integrity/evaluation/${encodeURIComponent(code)}`, ev),
    h('p', {}, `评价期间：${ev.from} 至 ${ev.to}`),
    h(
      'p',
      {},
      '得分 ',
      h('strong', { id: 'score', class: 'score' }, String(score.score)),
      `（基准 ${score.base} 分，最低 ${score.floor} 分）`,
    ),
    h('p', { class: 'formula' }, formulaText(ev.formula)),
    score.deductions.length
      ? h(
          'table',
          { id: 'breakdown' },
          headRow(['扣分项', '数量', '每项扣分', '扣分']),
          score.deductions.map((d) =>
            h(
              'tr',
              {},
              h('td', {}, d.what),
              h('td', {}, String(d.count)),
              h('td', {}, String(d.each)),
              h('td', {}, `−${d.points}`),
            ),
          ),
        )
      : h('p', { id: 'breakdown' }, '期内无扣分项。'),
    ev.records.length ? h('h3', {}, '期内失信记录') : '',
    ev.records.length
      ? h(
          'table',
          { id: 'body-records' },
          headRow(['编号', '来源', '严重程度', '状态', '逾期步骤', '登记时间', '评价']),
          ev.records.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, recordLink(r.recordId)),
              h('td', {}, label(SOURCES, r.source)),
              h('td', {}, label(SEVERITIES, r.severity)),
              h('td', {}, r.statusLabel ?? label(RECORD_STATUS, r.status)),
              h('td', {}, String(r.overdueSteps)),
              h('td', {}, chinaTime(r.openedAt)),
              h('td', {}, counts(r.counts)),
            ),
          ),
        )
      : '',
    ev.rectifications.length ? h('h3', {}, '整改中') : '',
    ev.rectifications.length
      ? h(
          'table',
          { id: 'body-rectifications' },
          headRow(['编号', '应办环节', '期限', '逾期步骤']),
          ev.rectifications.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, recordLink(r.recordId)),
              h('td', {}, r.statusLabel ?? label(RECORD_STATUS, r.status)),
              h('td', { class: r.overdue ? 'overdue' : undefined }, dueText(r)),
              h('td', {}, String(r.overdueSteps)),
            ),
          ),
        )
      : '',
    ev.cases.length ? h('h3', {}, '追究责任') : '',
    ev.cases.length
      ? h(
          'table',
          { id: 'body-cases' },
          headRow(['案件编号', '状态', '措施', '决定时间', '评价']),
          ev.cases.map((c) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: `#/integrity/cases/${encodeURIComponent(c.caseId)}` }, c.caseId)),
              h('td', {}, c.statusLabel ?? label(CASE_STATUS, c.status)),
              h('td', {}, measureText(c)),
              h('td', {}, c.decidedAt ? chinaTime(c.decidedAt) : ''),
              h('td', {}, counts(c.counts)),
            ),
          ),
        )
      : '',
  );
}
