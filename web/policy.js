// 办理时限政策: the routing policy in force, laid out as the office reads it (办理提示 and their
// days, how days are counted, the 审核 order, each 紧急程度's 提醒/催报单/升级督办 ladder, 办文时限,
// 督办人, 失信记录). Everyone signed in reads it; the office director or an administrator saves a new
// version (PUT /api/policy), which applies to directives received from then on. The API judges the
// form: its reasons are shown beside the fields they name.

import { actingForId, api, flash, h, has, newKey } from './app.js';

const URGENCIES = ['特急', '加急', '平急'];
const OPTION_CODES = ['1', '2', '3', '4', '5'];
const KINDS = { REMINDER: '提醒', FORMAL_REMINDER: '催报单', ESCALATION: '升级督办' };
const RECIPIENTS = {
  DEPT_HANDLER: '承办人',
  DEPT_HEAD: '承办单位负责人',
  URGER: '督办人',
  OFFICE_DIRECTOR: '处长',
  INSTRUCTING_LEADER: '批示领导',
  REGISTRAR: '登记人（收文登记的文秘）',
};
const REVIEWERS = { OFFICE_REVIEWER: '审核人', OFFICE_DIRECTOR: '处长' };
const COUNTING = {
  CALENDAR: '日历日（每天都计）',
  WORKING: '工作日（按国家法定节假日和调休计算）',
};

/** The policy's keys as the form labels them, for a reason that names a field by its key. */
const KEY_LABELS = {
  label: '办理提示内容',
  reportWithinDays: '回报天数',
  needsDraft: '须附代拟稿',
  draftWithinDays: '代拟稿天数',
  dayCounting: '计日方式',
  noticeHour: '提醒发出时刻',
  noticeMinute: '提醒发出分钟',
  reviewChain: '审核顺序',
  key: '代号',
  kind: '类别',
  offsetDays: '时点',
  recipients: '发送对象',
  withinDays: '办文时限天数',
  remind: '到期提醒对象',
  urgerRequiredFor: '须指定督办人的紧急程度',
  afterDaysOverdue: '逾期天数',
  afterEscalation: '升级督办代号',
};
/** `“reportWithinDays”不得小于 1` → `回报天数不得小于 1`: a reason the API worded with the bare key. */
const chineseReason = (reason) => reason.replace(/^“([A-Za-z]+)”/, (m, key) => KEY_LABELS[key] ?? m);

const unit = (policy) => (policy.dayCounting === 'WORKING' ? '个工作日' : '天');
const names = (codes, catalogue) => codes.map((c) => catalogue[c] ?? c).join('、');
/** 9 时, or 9 时 30 分: a version from before the minute names none. */
const noticeTime = (policy) =>
  policy.noticeMinute ? `${policy.noticeHour} 时 ${policy.noticeMinute} 分` : `${policy.noticeHour} 时`;
/** A rung's day relative to the 回报期限: 回报期限前 3 天, 回报期限当天, 回报期限后 1 天. */
const offsetText = (days, u) =>
  days < 0 ? `回报期限前 ${-days} ${u}` : days === 0 ? '回报期限当天' : `回报期限后 ${days} ${u}`;

function breachText(policy) {
  const b = policy.breachOpening;
  if (!b) return '不自动登记';
  if ('afterDaysOverdue' in b)
    return `承办单位逾期 ${b.afterDaysOverdue} ${unit(policy)}仍未回报的，自动登记政务失信记录`;
  return `发出升级督办（${b.afterEscalation}）时仍未回报的，自动登记政务失信记录`;
}

export async function policyPage(main) {
  const { policy } = await api('GET', '/api/policy');
  main.append(
    h('h2', {}, '办理时限政策'),
    h(
      'p',
      { class: 'hint' },
      `现行版本：`,
      h('strong', { id: 'policy-version' }, policy.version),
      '。保存新版本后，此后登记的文件按新版本办理；已登记的文件仍按登记时的版本办理。',
    ),
    ...policyView(policy),
  );
  if (has('OFFICE_DIRECTOR', 'ADMIN')) main.append(policyForm(policy, main));
}

// ---------------------------------------------------------------------------------------------
// Reading

function policyView(policy) {
  const u = unit(policy);
  const row = (label, ...content) => h('tr', {}, h('th', {}, label), h('td', {}, ...content));
  const office = policy.officeHandling;
  return [
    h('h3', {}, '办理提示与回报时限'),
    h(
      'table',
      { id: 'policy-options' },
      h(
        'tr',
        {},
        ['办理提示', '内容', '回报时限', '代拟稿'].map((t) => h('th', { scope: 'col' }, t)),
      ),
      OPTION_CODES.map((n) => {
        const o = policy.handlingOptions[n];
        return h(
          'tr',
          { 'data-option': n },
          h('td', {}, n),
          h('td', {}, o.label),
          h('td', {}, `转办后 ${o.reportWithinDays} ${u}内回报`),
          h(
            'td',
            {},
            !o.needsDraft
              ? '—'
              : o.draftWithinDays
                ? `须附代拟稿；可待后送出，转办后 ${o.draftWithinDays} ${u}内送交`
                : '须随回报单附代拟稿',
          ),
        );
      }),
    ),
    h('h3', {}, '计日、审核与督办'),
    h(
      'table',
      { id: 'policy-general', class: 'form' },
      row('计日方式', COUNTING[policy.dayCounting] ?? policy.dayCounting),
      row('提醒发出时间', `当天 ${noticeTime(policy)}（北京时间）`),
      row('审核顺序', `${policy.reviewChain.map((r) => REVIEWERS[r] ?? r).join(' → ')} → 领导批示`),
      row(
        '办文时限',
        office
          ? `自签收至转办：${URGENCIES.map((x) => `${x} ${office.withinDays[x]} ${u}`).join('，')}；最后一天仍未转办的，提醒${names(office.remind, RECIPIENTS)}`
          : '未规定',
      ),
      row(
        '须指定督办人',
        policy.urgerRequiredFor?.length
          ? `${policy.urgerRequiredFor.join('、')}件转办前须指定督办人`
          : '不要求',
      ),
      row('自动登记失信记录', breachText(policy)),
    ),
    h('h3', {}, '提醒、催报与升级督办'),
    ...URGENCIES.map((x) => [
      h('h4', {}, x),
      h(
        'table',
        { class: 'ladder', 'data-urgency': x },
        h(
          'tr',
          {},
          ['代号', '类别', '时间', '发送对象'].map((t) => h('th', { scope: 'col' }, t)),
        ),
        policy.notices[x].length
          ? policy.notices[x].map((r) =>
              h(
                'tr',
                { 'data-key': r.key },
                h('td', {}, r.key),
                h('td', {}, KINDS[r.kind] ?? r.kind),
                h('td', {}, offsetText(r.offsetDays, u)),
                h('td', {}, names(r.recipients, RECIPIENTS)),
              ),
            )
          : h('tr', {}, h('td', { colspan: 4 }, '不发提醒')),
      ),
    ]).flat(),
  ];
}

// ---------------------------------------------------------------------------------------------
// Setting a new version

/** A label whose text only a screen reader reads: for a control in a table whose header says it. */
const hidden = (text) => h('span', { class: 'visually-hidden' }, text);
const field = (path, where, text, control, after = '') =>
  h('label', { 'data-field': path, 'data-where': where }, text, control, after);
const numberInput = (name, value, attrs = {}) =>
  h('input', { type: 'number', name, value: value ?? '', step: 1, inputmode: 'numeric', ...attrs });
const checkbox = (name, value, checked, text) =>
  h('label', {}, h('input', { type: 'checkbox', name, value, checked: !!checked }), text);
const options = (pairs, current) =>
  pairs.map(([value, text]) => h('option', { value, selected: value === current }, text));

function policyForm(policy, main) {
  const u = unit(policy);
  const form = h(
    'form',
    { id: 'policy-edit', class: 'step', novalidate: true },
    h('h3', {}, '修改政策（保存为新版本）'),
    h(
      'p',
      { class: 'hint' },
      '改动后须给新版本命名（字母、数字和 . _ -，如 2017-working-days）；原版本保留，已登记的文件不受影响。',
    ),
    field(
      'version',
      '新版本名称',
      '新版本名称 ',
      h('input', { name: 'version', size: 24, placeholder: `${policy.version}-b`, 'aria-required': 'true' }),
    ),
    handlingOptionsFieldset(policy, u),
    h(
      'fieldset',
      {},
      h('legend', {}, '计日与提醒时间'),
      field(
        'dayCounting',
        '计日方式',
        '计日方式 ',
        h('select', { name: 'dayCounting' }, options(Object.entries(COUNTING), policy.dayCounting)),
      ),
      field(
        'noticeHour',
        '提醒发出时刻',
        '提醒发出时刻（0–23 时） ',
        numberInput('noticeHour', policy.noticeHour, { min: 0, max: 23 }),
      ),
      field(
        'noticeMinute',
        '提醒发出分钟',
        '提醒发出分钟（0–59 分） ',
        numberInput('noticeMinute', policy.noticeMinute ?? 0, { min: 0, max: 59 }),
      ),
    ),
    reviewChainFieldset(policy),
    ...URGENCIES.map((x) => ladderFieldset(x, policy.notices[x], u)),
    officeFieldset(policy, u),
    h(
      'fieldset',
      { 'data-field': 'urgerRequiredFor', 'data-where': '须指定督办人' },
      h('legend', {}, '转办前须指定督办人的紧急程度'),
      URGENCIES.map((x) => checkbox('urgerRequiredFor', x, policy.urgerRequiredFor?.includes(x), `${x}件`)),
    ),
    breachFieldset(policy),
    h('button', { type: 'submit' }, '保存为新版本'),
  );

  // One key per filled-in form, as stepForm does: sent again after a failure, it saves once.
  let key = newKey();
  form.addEventListener('input', () => (key = newKey()));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    clearProblems(form);
    try {
      const body = readPolicy(form);
      const { status, data } = await putPolicy(body, key);
      if (status === 201) {
        main.replaceChildren();
        await policyPage(main);
        flash(`办理时限政策已保存为新版本 ${data.policy.version}：此后登记的文件按此办理`, true);
        return;
      }
      const problems = showProblems(form, data.error?.fields ?? []);
      flash(
        `办理时限政策未保存：${problems.length ? problems.join('；') : (data.error?.message ?? `HTTP ${status}`)}`,
      );
      form.querySelector('[aria-invalid=true]')?.focus();
    } catch (err) {
      flash(`办理时限政策未保存：${err.message}`);
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

/**
 * PUT /api/policy, keeping the refusal's fields (api() gives only its message): each reason goes
 * beside the field it names. Sent like api(): the form's Idempotency-Key, and On-Behalf-Of under a 委托.
 */
async function putPolicy(body, key) {
  const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': key };
  if (actingForId()) headers['On-Behalf-Of'] = actingForId();
  const res = await fetch('/api/policy', {
    method: 'PUT',
    credentials: 'same-origin',
    headers,
    body: JSON.stringify(body),
  });
  if (res.status === 401) location.hash = '#/login';
  return { status: res.status, data: await res.json().catch(() => ({})) };
}

function handlingOptionsFieldset(policy, u) {
  return h(
    'fieldset',
    { 'data-field': 'handlingOptions', 'data-where': '办理提示' },
    h('legend', {}, '办理提示与回报时限'),
    h(
      'table',
      { id: 'policy-options-edit' },
      h(
        'tr',
        {},
        ['办理提示', '内容', `回报天数（${u}）`, '须附代拟稿', `代拟稿天数（${u}，可空）`].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
      OPTION_CODES.map((n) => {
        const o = policy.handlingOptions[n];
        const path = `handlingOptions.${n}`;
        const where = `办理提示 ${n}`;
        return h(
          'tr',
          { 'data-option': n, 'data-field': path, 'data-where': where },
          h('td', {}, n),
          h(
            'td',
            {},
            field(
              `${path}.label`,
              where,
              hidden(`办理提示 ${n} 内容`),
              h('input', { name: `option-${n}-label`, value: o.label, size: 34 }),
            ),
          ),
          h(
            'td',
            {},
            field(
              `${path}.reportWithinDays`,
              where,
              hidden(`办理提示 ${n} 回报天数`),
              numberInput(`option-${n}-reportWithinDays`, o.reportWithinDays, { min: 1, max: 365, size: 4 }),
            ),
          ),
          h(
            'td',
            {},
            field(
              `${path}.needsDraft`,
              where,
              hidden(`办理提示 ${n} 须附代拟稿`),
              h('input', { type: 'checkbox', name: `option-${n}-needsDraft`, checked: o.needsDraft }),
            ),
          ),
          h(
            'td',
            {},
            field(
              `${path}.draftWithinDays`,
              where,
              hidden(`办理提示 ${n} 代拟稿天数`),
              numberInput(`option-${n}-draftWithinDays`, o.draftWithinDays, { min: 1, max: 365 }),
            ),
          ),
        );
      }),
    ),
  );
}

function reviewChainFieldset(policy) {
  const chain = policy.reviewChain;
  const rows = Math.min(5, Math.max(3, chain.length));
  const choices = [['', '（无）'], ...Object.entries(REVIEWERS)];
  return h(
    'fieldset',
    { 'data-field': 'reviewChain', 'data-where': '审核顺序' },
    h('legend', {}, '审核顺序（拟办后依次审核，再呈领导批示）'),
    Array.from({ length: rows }, (_, i) =>
      field(
        `reviewChain[${i}]`,
        '审核顺序',
        `第 ${i + 1} 道 `,
        h('select', { name: 'reviewChain' }, options(choices, chain[i] ?? '')),
      ),
    ),
  );
}

function ladderFieldset(urgency, rules, u) {
  const body = h('tbody', {});
  const fieldset = h(
    'fieldset',
    {
      class: 'ladder-edit',
      'data-urgency': urgency,
      'data-field': `notices.${urgency}`,
      'data-where': urgency,
    },
    h('legend', {}, `${urgency}件的提醒、催报与升级督办`),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['级', '代号', '类别', `时点（${u}，负数为回报期限前）`, '发送对象', ''].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      body,
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'add-rule',
        onclick: () => {
          body.append(ruleRow(urgency, { key: '', kind: 'REMINDER', offsetDays: -1, recipients: [] }, body));
          renumber(urgency, body);
          body.lastElementChild.querySelector('input').focus();
        },
      },
      `添加一级（${urgency}）`,
    ),
  );
  for (const rule of rules) body.append(ruleRow(urgency, rule, body));
  renumber(urgency, body);
  return fieldset;
}

function ruleRow(urgency, rule, body) {
  const tr = h(
    'tr',
    { 'data-rule': '' },
    h('td', { class: 'rung' }),
    h(
      'td',
      {},
      h(
        'label',
        { 'data-part': 'key' },
        hidden(''),
        h('input', { name: 'key', value: rule.key, size: 12, placeholder: 'remind-3' }),
      ),
    ),
    h(
      'td',
      {},
      h(
        'label',
        { 'data-part': 'kind' },
        hidden(''),
        h('select', { name: 'kind' }, options(Object.entries(KINDS), rule.kind)),
      ),
    ),
    h(
      'td',
      {},
      h(
        'label',
        { 'data-part': 'offsetDays' },
        hidden(''),
        numberInput('offsetDays', rule.offsetDays, { min: -60, max: 120, size: 4 }),
      ),
    ),
    h(
      'td',
      {},
      h(
        'fieldset',
        { class: 'recipients', 'data-part': 'recipients' },
        h('legend', { class: 'visually-hidden' }),
        Object.entries(RECIPIENTS).map(([code, text]) =>
          checkbox('recipients', code, rule.recipients.includes(code), text),
        ),
      ),
    ),
    h('td', {}, h('button', { type: 'button', class: 'remove-rule' }, '删除')),
  );
  tr.querySelector('.remove-rule').addEventListener('click', () => {
    const next = tr.nextElementSibling ?? tr.previousElementSibling;
    tr.remove();
    renumber(urgency, body);
    (next?.querySelector('.remove-rule') ?? body.closest('fieldset').querySelector('.add-rule')).focus();
  });
  return tr;
}

/** Rows added or removed: each row's number, its fields' paths (notices.特急[0].key) and their hidden labels. */
function renumber(urgency, body) {
  [...body.children].forEach((tr, i) => {
    const where = `${urgency}第 ${i + 1} 级`;
    tr.dataset.field = `notices.${urgency}[${i}]`;
    tr.dataset.where = where;
    tr.querySelector('.rung').textContent = String(i + 1);
    for (const part of tr.querySelectorAll('[data-part]')) {
      part.dataset.field = `notices.${urgency}[${i}].${part.dataset.part}`;
      part.dataset.where = where;
      part.querySelector('.visually-hidden').textContent = `${where} ${KEY_LABELS[part.dataset.part]}`;
    }
    tr.querySelector('.remove-rule').setAttribute('aria-label', `删除${where}`);
  });
}

function officeFieldset(policy, u) {
  const office = policy.officeHandling;
  return h(
    'fieldset',
    { 'data-field': 'officeHandling', 'data-where': '办文时限' },
    h('legend', {}, `办文时限（自签收至转办，${u}）`),
    URGENCIES.map((x) =>
      field(
        `officeHandling.withinDays.${x}`,
        `办文时限（${x}）`,
        `${x} `,
        numberInput(`office-${x}`, office?.withinDays[x], { min: 1, max: 365, size: 4 }),
      ),
    ),
    h(
      'fieldset',
      { 'data-field': 'officeHandling.remind', 'data-where': '办文时限' },
      h('legend', {}, '最后一天仍未转办时提醒'),
      // The office's own people: the task is still the office's until 转办.
      ['REGISTRAR', 'URGER', 'OFFICE_DIRECTOR', 'INSTRUCTING_LEADER'].map((code) =>
        checkbox('officeRemind', code, office?.remind.includes(code), RECIPIENTS[code]),
      ),
    ),
  );
}

function breachFieldset(policy) {
  const b = policy.breachOpening;
  const mode = !b ? '' : 'afterDaysOverdue' in b ? 'afterDaysOverdue' : 'afterEscalation';
  return h(
    'fieldset',
    { 'data-field': 'breachOpening', 'data-where': '自动登记失信记录' },
    h('legend', {}, '自动登记政务失信记录的条件'),
    field(
      'breachOpening.mode',
      '自动登记失信记录',
      '条件 ',
      h(
        'select',
        { name: 'breachMode' },
        options(
          [
            ['', '不自动登记'],
            ['afterDaysOverdue', '逾期若干天仍未回报'],
            ['afterEscalation', '发出某一级升级督办时仍未回报'],
          ],
          mode,
        ),
      ),
    ),
    field(
      'breachOpening.afterDaysOverdue',
      '自动登记失信记录',
      '逾期天数 ',
      numberInput('afterDaysOverdue', b?.afterDaysOverdue, { min: 1, max: 120, size: 4 }),
    ),
    field(
      'breachOpening.afterEscalation',
      '自动登记失信记录',
      '升级督办代号 ',
      h('input', {
        name: 'afterEscalation',
        value: b?.afterEscalation ?? '',
        size: 14,
        placeholder: 'escalate-10',
      }),
    ),
  );
}

/** The form as a policy: blanks left out, so the API names what is missing. */
function readPolicy(form) {
  const data = new FormData(form);
  const num = (v) => (v === null || String(v).trim() === '' ? undefined : Number(v));
  const handlingOptions = Object.fromEntries(
    OPTION_CODES.map((n) => [
      n,
      {
        label: String(data.get(`option-${n}-label`) ?? '').trim(),
        reportWithinDays: num(data.get(`option-${n}-reportWithinDays`)),
        needsDraft: data.get(`option-${n}-needsDraft`) === 'on',
        draftWithinDays: num(data.get(`option-${n}-draftWithinDays`)),
      },
    ]),
  );
  const notices = Object.fromEntries(
    URGENCIES.map((x) => [
      x,
      [...form.querySelectorAll(`fieldset.ladder-edit[data-urgency="${x}"] tr[data-rule]`)].map((tr) => ({
        key: tr.querySelector('[name=key]').value.trim(),
        kind: tr.querySelector('[name=kind]').value,
        offsetDays: num(tr.querySelector('[name=offsetDays]').value),
        recipients: [...tr.querySelectorAll('[name=recipients]:checked')].map((c) => c.value),
      })),
    ]),
  );
  const withinDays = Object.fromEntries(URGENCIES.map((x) => [x, num(data.get(`office-${x}`))]));
  const remind = data.getAll('officeRemind');
  const officeSet = remind.length || URGENCIES.some((x) => withinDays[x] !== undefined);
  const mode = data.get('breachMode');
  return {
    version: String(data.get('version') ?? '').trim(),
    dayCounting: data.get('dayCounting'),
    noticeHour: num(data.get('noticeHour')),
    noticeMinute: num(data.get('noticeMinute')),
    handlingOptions,
    reviewChain: data.getAll('reviewChain').filter(Boolean),
    notices,
    ...(officeSet ? { officeHandling: { withinDays, remind } } : {}),
    urgerRequiredFor: data.getAll('urgerRequiredFor'),
    ...(mode === 'afterDaysOverdue'
      ? { breachOpening: { afterDaysOverdue: num(data.get('afterDaysOverdue')) } }
      : {}),
    ...(mode === 'afterEscalation'
      ? { breachOpening: { afterEscalation: String(data.get('afterEscalation') ?? '').trim() } }
      : {}),
  };
}

function clearProblems(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
}

/**
 * Each reason beside the field its path names (`handlingOptions.1.reportWithinDays`), or beside the
 * nearest part of the form that holds it (`notices.特急` for the ladder as a whole). Returns the
 * reasons as the flash says them, each with where it is.
 */
function showProblems(form, fields) {
  const parentPath = (p) => p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
  const marked = [...form.querySelectorAll('[data-field]')];
  return fields.map(({ field: path, reason }, i) => {
    const text = chineseReason(reason);
    let target;
    for (let p = path; ; p = parentPath(p)) {
      target = marked.find((el) => el.dataset.field === p);
      if (target || parentPath(p) === p) break;
    }
    if (!target) return text;
    const id = `policy-problem-${i}`;
    const note = h('span', { class: 'field-error', id }, text);
    if (target.tagName === 'TR') target.lastElementChild.append(note);
    else if (target.tagName === 'FIELDSET') target.querySelector('legend').after(note);
    else target.append(note);
    const control =
      target.querySelector('input:not([type=checkbox]), select') ?? target.querySelector('input');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', id);
    }
    return `${target.dataset.where}：${text}`;
  });
}
