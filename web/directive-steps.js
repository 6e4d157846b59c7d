// The forms on a directive's page: only the steps this person may take now (the detail API's
// availableSteps, from the step tables the API and the workflows use), each as the office names
// it. The workflow has the last word; a refusal comes back in Chinese and is shown as it is.

import {
  OPTIONS,
  api,
  currentUser,
  decisionButtons,
  deptName,
  h,
  input,
  officeDate,
  people,
  departments,
  select,
  stepForm,
  textarea,
} from './app.js';
import { fileInput, upload } from './attachments.js';

/** Every form open to this person on directive `d`, in the order the procedure takes them. */
export function directiveSteps(d) {
  const path = `/api/directives/${d.receiptNumber}`;
  const ctx = {
    d,
    post: (url, body) => api('POST', `${path}${url}`, body),
    can: (step) => d.availableSteps.directive.includes(step),
    canOnTask: (t, step) => (d.availableSteps.tasks[t.departmentCode] ?? []).includes(step),
  };
  return [
    ...officeSteps(ctx),
    ...circulationSteps(ctx),
    ...closingSteps(ctx),
    ...d.tasks.flatMap((t) => [...departmentSteps(ctx, t), ...officeTaskSteps(ctx, t)]),
  ];
}

const departmentChoices = () => departments().map((x) => [x.code, x.name]);
const leaderChoices = () => people().filter((p) => p.roles.includes('LEADER'));
const checkboxes = (name, choices, checked = []) =>
  choices.map(([value, text]) =>
    h('label', {}, h('input', { type: 'checkbox', name, value, checked: checked.includes(value) }), text),
  );

/** 初审, 拟办, 审核, 批示, 指定督办人, 转办, 归档. */
function officeSteps({ d, post, can }) {
  const out = [];
  if (can('initialReview')) {
    out.push(
      stepForm(
        '初审',
        [
          textarea('comment', '意见（退文须写明理由）'),
          ...decisionButtons([
            ['ACCEPT', '符合要求'],
            ['RETURN_TO_SENDER', '退文'],
          ]),
        ],
        (f, decision) => post('/initial-review', { decision, comment: f.get('comment') }),
        null,
      ),
    );
  }
  if (can('propose')) out.push(proposalForm(post));
  if (can('review')) {
    out.push(
      stepForm(
        '审核',
        [
          textarea('comment', '审核意见'),
          ...decisionButtons([
            ['APPROVE', '同意'],
            ['RETURN', '退回'],
          ]),
        ],
        (f, decision) => post('/review', { decision, comment: f.get('comment') }),
        null,
      ),
    );
  }
  if (can('instruct')) out.push(instructionForm(post, d));
  if (can('assignUrger')) {
    // 督办人: someone of the office who handles directives (not a leader, not the administrator).
    const office = people()
      .filter(
        (p) => p.office && p.roles.some((r) => ['CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR'].includes(r)),
      )
      .map((p) => [p.id, p.displayName]);
    out.push(
      stepForm('指定督办人', [select('urger', '督办人', office)], (f) =>
        post('/urger', { urger: f.get('urger') }),
      ),
    );
  }
  if (can('dispatch')) out.push(stepForm('转办', [], () => post('/dispatch', {}), '转办'));
  if (can('file')) {
    // 阅件: filed without 转办, once read by the leaders or straight after 初审 for reference.
    const comment = input('comment', '归档意见', { required: true, size: 30, placeholder: '阅存' });
    out.push(stepForm('归档', [comment], (f) => post('/file', { comment: f.get('comment') }), '归档'));
  }
  return out;
}

/** The departments a 拟办 (or a 批示 AMEND) names: 主办, 会办, 办理提示, 回报期限. */
function handlingFields({ amending = false } = {}) {
  const unchanged = amending ? [['', '（不变）']] : [];
  return [
    select('leadDepartment', '主办单位', [...unchanged, ...departmentChoices()]),
    h(
      'span',
      { class: 'choices' },
      `会办单位${amending ? '（勾选即改为所选）' : ''} `,
      ...checkboxes('coDepartments', departmentChoices()),
    ),
    select('handlingOption', '办理提示', [...unchanged, ...Object.entries(OPTIONS)]),
    input('dueDate', '回报期限（不填则按办理提示）', { type: 'date' }),
  ];
}

/**
 * 拟办: a 办件 names its departments and option; a 阅件 goes to the leaders to read, then to 归档.
 * The leaders asked (请…同志批示) in the order chosen, one after another or all at once.
 */
function proposalForm(post) {
  const handling = h(
    'fieldset',
    { class: 'handling' },
    h('legend', {}, '承办'),
    ...handlingFields(),
    h(
      'label',
      {},
      h('input', { type: 'checkbox', name: 'coOpinionsToLead', value: 'yes' }),
      '会办意见送主办汇总',
    ),
  );
  const kind = select('kind', '类别', [
    ['HANDLE', '办件（转办承办单位）'],
    ['READ', '阅件（呈领导阅后归档）'],
  ]);
  kind.querySelector('select').addEventListener('change', (e) => {
    handling.disabled = e.target.value === 'READ';
  });
  const leaders = leaderChoices().map((p) => [p.id, p.displayName]);
  const asked = h(
    'fieldset',
    { class: 'leaders' },
    h('legend', {}, '请批示领导'),
    select('leader1', '第一位', leaders),
    select('leader2', '第二位', [['', '（无）'], ...leaders]),
    select('leader3', '第三位', [['', '（无）'], ...leaders]),
    select('leaderMode', '批示方式', [
      ['SEQUENCE', '依次批示'],
      ['PARALLEL', '同时批示'],
    ]),
  );
  return stepForm('拟办', [kind, handling, asked, textarea('comment', '拟办意见')], (f) => {
    const chosen = ['leader1', 'leader2', 'leader3'].map((n) => f.get(n)).filter(Boolean);
    const common = { leaders: chosen, leaderMode: f.get('leaderMode'), comment: f.get('comment') };
    if (f.get('kind') === 'READ') return post('/proposal', { forReading: true, ...common });
    return post('/proposal', {
      leadDepartment: f.get('leadDepartment'),
      coDepartments: f.getAll('coDepartments').filter((c) => c !== f.get('leadDepartment')),
      ...(f.get('coOpinionsToLead') === 'yes' ? { coOpinionsToLead: true } : {}),
      handlingOption: Number(f.get('handlingOption')),
      ...(f.get('dueDate') ? { dueDate: f.get('dueDate') } : {}),
      ...common,
    });
  });
}

/**
 * 批示: 同意, 修改 (AMEND: what changes in the 拟办, the rest stands) or 退回 for a new 拟办. A 阅件
 * names no department to change: 阅 (同意) or 退回, for a 拟办 that makes it a 办件.
 */
function instructionForm(post, d) {
  if (d.forReading)
    return stepForm(
      '批示',
      [
        textarea('text', '批示'),
        ...decisionButtons([
          ['APPROVE', '阅'],
          ['RETURN', '退回'],
        ]),
      ],
      (f, decision) =>
        post('/instruction', { decision, text: f.get('text') || (decision === 'APPROVE' ? '阅。' : '') }),
      null,
    );
  const amendment = h(
    'fieldset',
    { class: 'amendment' },
    h('legend', {}, '修改拟办（选“修改”时填写）'),
    ...handlingFields({ amending: true }),
  );
  return stepForm(
    '批示',
    [
      textarea('text', '批示'),
      amendment,
      ...decisionButtons([
        ['APPROVE', '同意'],
        ['AMEND', '修改'],
        ['RETURN', '退回'],
      ]),
    ],
    (f, decision) => {
      const text = f.get('text') || (decision === 'APPROVE' ? '同意' : '');
      if (decision !== 'AMEND') return post('/instruction', { decision, text });
      const changes = {
        ...(f.get('leadDepartment') ? { leadDepartment: f.get('leadDepartment') } : {}),
        ...(f.getAll('coDepartments').length ? { coDepartments: f.getAll('coDepartments') } : {}),
        ...(f.get('handlingOption') ? { handlingOption: Number(f.get('handlingOption')) } : {}),
        ...(f.get('dueDate') ? { dueDate: f.get('dueDate') } : {}),
      };
      return post('/instruction', { decision, text, amendment: changes });
    },
    null,
  );
}

/** 传阅: send copies, read my copy, recall the unread copies of one 传阅. */
function circulationSteps({ d, post, can }) {
  const out = [];
  const me = currentUser();
  if (can('circulate')) {
    const readers = people()
      .filter((p) => p.id !== me.id)
      .map((p) => [p.id, `${p.displayName}（${p.departmentName}）`]);
    out.push(
      stepForm(
        '传阅',
        [
          select('readers', '传阅给', readers, { multiple: true, size: 4 }),
          select('purpose', '事由', [
            ['READ', '阅知'],
            ['COMMENT', '请提意见'],
          ]),
          input('note', '附言'),
        ],
        (f) =>
          post('/circulations', {
            readers: f.getAll('readers'),
            purpose: f.get('purpose'),
            note: f.get('note'),
          }),
        '送阅',
      ),
    );
  }
  for (const copy of d.circulation.filter((c) => c.readerId === me.id && !c.readAt && !c.recalledAt)) {
    const asked = copy.purpose === 'COMMENT';
    out.push(
      stepForm(
        `阅（第 ${copy.circulationId} 次传阅）`,
        [textarea('comment', asked ? '意见（必填）' : '意见')],
        (f) => post(`/circulations/${copy.circulationId}/read`, { comment: f.get('comment') || undefined }),
        '已阅',
      ),
    );
  }
  if (can('recallCirculation')) {
    // Each 传阅 with copies still unread can be recalled, with the reason.
    const open = [
      ...new Set(d.circulation.filter((c) => !c.readAt && !c.recalledAt).map((c) => c.circulationId)),
    ];
    for (const n of open)
      out.push(
        stepForm(
          `收回传阅（第 ${n} 次）`,
          [input('reason', '收回理由', { required: true, size: 30 })],
          (f) => post(`/circulations/${n}/recall`, { reason: f.get('reason') }),
          '收回',
        ),
      );
  }
  return out;
}

/** 撤办 at any step before 办结; 答复 the 来文单位 after it, telling the units chosen. */
function closingSteps({ d, post, can }) {
  const out = [];
  if (can('withdraw')) {
    const reason = input('reason', '撤办理由', { required: true, size: 40 });
    out.push(stepForm('撤办', [reason], (f) => post('/withdraw', { reason: f.get('reason') }), '撤办'));
  }
  if (can('reply')) {
    const units = d.tasks.map((t) => [t.departmentCode, deptName(t.departmentCode)]);
    out.push(
      stepForm(
        '答复',
        [
          textarea('text', '答复来文单位', { required: true }),
          h(
            'span',
            { class: 'choices' },
            '抄告承办单位 ',
            ...checkboxes(
              'notifyDepartments',
              units,
              units.map(([c]) => c),
            ),
          ),
        ],
        (f) => post('/reply', { text: f.get('text'), notifyDepartments: f.getAll('notifyDepartments') }),
      ),
    );
  }
  return out;
}

/** The department's own steps on its task: 签收, 回报单, 送交代拟稿, 申请延期. */
function departmentSteps({ post, canOnTask }, t) {
  const task = `/tasks/${t.departmentCode}`;
  const name = deptName(t.departmentCode);
  const out = [];
  if (canOnTask(t, 'signFor')) {
    out.push(
      stepForm(`签收（${name}）`, [input('deptReceiptNumber', '本单位收文编号', { required: true })], (f) =>
        post(`${task}/sign-for`, { deptReceiptNumber: f.get('deptReceiptNumber') }),
      ),
    );
  }
  // 会办意见送主办汇总: a 会办's 回报 is its opinion, for the 主办's one 回报单; no 代拟稿, no files.
  if (canOnTask(t, 'report') && t.opinionTo) {
    out.push(
      stepForm(
        `会办意见（${name}，送${deptName(t.opinionTo)}汇总）`,
        [optionsFieldset(), textarea('text', '会办意见', { required: true })],
        (f) => post(`${task}/report`, { options: f.getAll('options').map(Number), text: f.get('text') }),
        '送主办单位',
      ),
    );
  } else if (canOnTask(t, 'report')) {
    out.push(
      stepForm(
        `回报单（${name}）`,
        [
          optionsFieldset(),
          ...coOpinions(t),
          textarea('text', '办理情况', { required: true }),
          textarea('draft', '代拟稿（选 4 时附上，或勾选待后送出）'),
          fileInput('attachments', '附件（回报单扫描件、代拟稿文件）'),
          h(
            'label',
            {},
            h('input', { type: 'checkbox', name: 'draftToFollow', value: 'yes' }),
            '代拟稿待后送出',
          ),
        ],
        async (f) => {
          const attachments = await upload(f.getAll('attachments'));
          return post(`${task}/report`, {
            options: f.getAll('options').map(Number),
            text: f.get('text'),
            draft: f.get('draft') || undefined,
            ...(attachments.length ? { attachments } : {}),
            draftToFollow: f.get('draftToFollow') === 'yes' || undefined,
          });
        },
        '盖章回报',
      ),
    );
  }
  // 代拟稿待后送出: the head sends it by its own deadline; the office reviews it like the 回报单.
  if (canOnTask(t, 'sendDraft')) {
    out.push(
      stepForm(
        `送交代拟稿（${name}，限 ${officeDate(t.draftDueDate)}前）`,
        [textarea('draft', '代拟稿'), fileInput('attachments', '代拟稿文件')],
        async (f) => {
          const attachments = await upload(f.getAll('attachments'));
          return post(`${task}/draft`, {
            draft: f.get('draft') || undefined,
            ...(attachments.length ? { attachments } : {}),
          });
        },
        '盖章送交',
      ),
    );
  }
  // 延期: the department asks, with a reason; the office grants (maybe another date) or refuses.
  if (canOnTask(t, 'requestExtension')) {
    out.push(
      stepForm(
        `申请延期（${name}）`,
        [
          input('newDueDate', '延至', { type: 'date', required: true }),
          input('reason', '理由', { required: true, size: 40 }),
        ],
        (f) => post(`${task}/extension`, { newDueDate: f.get('newDueDate'), reason: f.get('reason') }),
        '申请',
      ),
    );
  }
  return out;
}

/** The office's steps on a department's task: 审批延期, 催办, 改派承办人, 审核回报, 审核代拟稿. */
function officeTaskSteps({ post, canOnTask }, t) {
  const task = `/tasks/${t.departmentCode}`;
  const name = deptName(t.departmentCode);
  const out = [];
  if (canOnTask(t, 'decideExtension')) {
    out.push(
      stepForm(
        `审批延期（${name}）`,
        [
          h('p', {}, `申请延至 ${officeDate(t.extensionDueDate)}：${t.extensionReason}`),
          input('newDueDate', '批准延至（可改）', { type: 'date', value: t.extensionDueDate }),
          input('comment', '意见（不批准须写明）', { size: 40 }),
          ...decisionButtons([
            ['APPROVE', '批准'],
            ['REJECT', '不批准'],
          ]),
        ],
        (f, decision) =>
          post(`${task}/extension/decision`, {
            approve: decision === 'APPROVE',
            newDueDate: decision === 'APPROVE' ? f.get('newDueDate') || undefined : undefined,
            comment: f.get('comment'),
          }),
        null,
      ),
    );
  }
  if (canOnTask(t, 'urge')) {
    const text = input('text', '催办内容', { required: true, size: 40 });
    out.push(
      stepForm(`催办（${name}）`, [text], (f) => post(`${task}/urge`, { text: f.get('text') }), '催办'),
    );
  }
  if (canOnTask(t, 'reassignHandler')) {
    // The department's own people who may handle it; reminders then go to the one named.
    const staff = people()
      .filter(
        (p) =>
          p.departmentCode === t.departmentCode &&
          p.roles.some((r) => r === 'DEPT_HANDLER' || r === 'DEPT_HEAD'),
      )
      .map((p) => [p.id, p.displayName]);
    if (staff.length)
      out.push(
        stepForm(
          `改派承办人（${name}）`,
          [select('handler', '承办人', staff), input('reason', '改派理由', { required: true, size: 30 })],
          (f) => post(`${task}/handler`, { handler: f.get('handler'), reason: f.get('reason') }),
          '改派',
        ),
      );
  }
  for (const [step, label, url] of [
    ['reviewReport', '审核回报', 'review'],
    ['reviewDraft', '审核代拟稿', 'draft/review'],
  ]) {
    if (!canOnTask(t, step)) continue;
    out.push(
      stepForm(
        `${label}（${name}）`,
        [
          step === 'reviewDraft' ? h('pre', { class: 'draft' }, t.reportDraft ?? '') : '',
          textarea('comment', '意见（退回须写明理由）'),
          input('newDueDate', '退回后新期限', { type: 'date' }),
          ...decisionButtons([
            ['ACCEPT', '通过'],
            ['RETURN', '退回修改'],
          ]),
        ],
        (f, decision) =>
          post(`${task}/${url}`, {
            decision,
            comment: f.get('comment'),
            newDueDate: f.get('newDueDate') || undefined,
          }),
        null,
      ),
    );
  }
  return out;
}

/** 会办意见送主办汇总: on the 主办's 回报单, the opinions its 会办 sent, to consolidate. */
function coOpinions(t) {
  const received = t.coOpinions ? JSON.parse(t.coOpinions) : [];
  if (!received.length) return [];
  return [
    h(
      'div',
      { class: 'co-opinions' },
      h('strong', {}, '会办意见'),
      received.map((o) =>
        h(
          'p',
          { 'data-department': o.departmentCode },
          `${deptName(o.departmentCode)}（${o.signedByName}）：${o.text}`,
        ),
      ),
    ),
  ];
}

/** 办理提示 as the 回报单 ticks them (1–5, the seed's wording). */
function optionsFieldset() {
  return h(
    'fieldset',
    { class: 'options' },
    h('legend', {}, '办理提示（请勾选）'),
    ...checkboxes(
      'options',
      Object.entries(OPTIONS).map(([n, text]) => [n, `${n}. ${text}`]),
    ),
  );
}
