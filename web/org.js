// 机构与用户: the administrator's page (departments as a tree, accounts, import from a sheet), and
// 修改密码 for everyone, which is also where a person lands while his password is one an
// administrator set. The API decides and audits; an initial password is shown here once.

import { api, flash, h, input, select, stepForm } from './app.js';

/** An initial password to hand over, shown on the next render only. */
let handover;

const fieldsOf = (data) => Object.fromEntries(data.entries());

function handoverBox() {
  if (!handover) return '';
  const box = h(
    'div',
    { id: 'initial-password', class: 'step' },
    h('h3', {}, handover.title),
    h(
      'p',
      {},
      `用户名 `,
      h('strong', { class: 'username' }, handover.username),
      ' 初始密码 ',
      h('code', { class: 'password' }, handover.password),
    ),
    h('p', { class: 'hint' }, '初始密码只显示这一次：请当面或电话告知本人；本人首次登录须修改密码。'),
  );
  handover = undefined;
  return box;
}

/** The departments as nested lists, each with its kind and number of active accounts. */
function tree(departments, kinds, parentCode = null) {
  const level = departments.filter((d) => (d.parentCode ?? null) === parentCode);
  if (!level.length) return '';
  return h(
    'ul',
    {},
    level.map((d) =>
      h(
        'li',
        { 'data-code': d.code },
        h('strong', {}, d.name),
        ` ${d.code} · ${kinds[d.kind] ?? d.kind} · ${d.users} 人 `,
        h(
          'details',
          { class: 'inline' },
          h('summary', {}, '修改'),
          stepForm(
            `修改单位（${d.code}）`,
            [
              input('name', '单位名称', { value: d.name, required: true }),
              kindSelect(kinds, d.kind),
              parentSelect(departments, d.parentCode, d.code),
            ],
            (f) => api('PUT', `/api/org/departments/${d.code}`, fieldsOf(f)),
            '保存',
          ),
        ),
        tree(departments, kinds, d.code),
      ),
    ),
  );
}

function kindSelect(kinds, current) {
  const el = select('kind', '单位类型', Object.entries(kinds));
  if (current) el.querySelector('select').value = current;
  return el;
}
function parentSelect(departments, current, except) {
  const el = select('parentCode', '上级单位', [
    ['', '（无，顶层单位）'],
    ...departments
      .filter((d) => d.code !== except && ['GENERAL_OFFICE', 'RESPONSIBLE_DEPARTMENT'].includes(d.kind))
      .map((d) => [d.code, d.name]),
  ]);
  el.querySelector('select').value = current ?? '';
  return el;
}
function departmentSelect(departments, current) {
  const el = select(
    'departmentCode',
    '所属单位',
    departments.filter((d) => d.kind !== 'SOURCE_ORGAN').map((d) => [d.code, d.name]),
  );
  if (current) el.querySelector('select').value = current;
  return el;
}
const roleBoxes = (roles, chosen = []) =>
  h(
    'fieldset',
    { class: 'roles' },
    h('legend', {}, '角色'),
    Object.entries(roles).map(([role, label]) =>
      h(
        'label',
        {},
        h('input', { type: 'checkbox', name: 'roles', value: role, checked: chosen.includes(role) }),
        label,
      ),
    ),
  );

/** A one-click action on an account: done, the page shows the new state, then says so. */
let refresh = async () => {};
const action = (title, label, act) =>
  h(
    'button',
    {
      type: 'button',
      'data-action': title,
      onclick: async () => {
        try {
          await act();
          await refresh();
          flash(`${title}：已完成`, true);
        } catch (err) {
          flash(`${title}：${err.message}`);
        }
      },
    },
    label,
  );

function accountRows(users, departments, roles) {
  const deptName = (code) => departments.find((d) => d.code === code)?.name ?? code;
  return users.map((u) =>
    h(
      'tr',
      { 'data-user': u.username, class: u.active ? undefined : 'inactive' },
      h('td', {}, u.username),
      h('td', {}, u.displayName),
      h('td', {}, deptName(u.departmentCode)),
      h('td', {}, u.roles.map((r) => roles[r] ?? r).join('、')),
      h('td', {}, u.phone ?? ''),
      h(
        'td',
        { class: 'state' },
        [!u.active && '已停用', u.locked && '已锁定', u.mustChangePassword && '待改密']
          .filter(Boolean)
          .join('、') || '正常',
      ),
      h(
        'td',
        {},
        h(
          'details',
          { class: 'inline' },
          h('summary', {}, '编辑'),
          stepForm(
            `编辑用户（${u.username}）`,
            [
              input('displayName', '姓名', { value: u.displayName, required: true }),
              departmentSelect(departments, u.departmentCode),
              roleBoxes(roles, u.roles),
              input('phone', '电话', { value: u.phone ?? '' }),
              h(
                'label',
                {},
                h('input', { type: 'checkbox', name: 'active', checked: u.active }),
                '启用（取消勾选即停用，停用后立即退出登录）',
              ),
            ],
            (f) =>
              api('PUT', `/api/org/users/${u.id}`, {
                displayName: f.get('displayName'),
                departmentCode: f.get('departmentCode'),
                roles: f.getAll('roles'),
                phone: f.get('phone'),
                active: f.get('active') === 'on',
              }),
            '保存',
          ),
        ),
        action(`重置密码（${u.username}）`, '重置密码', async () => {
          const { initialPassword } = await api('POST', `/api/org/users/${u.id}/password-reset`);
          handover = { title: '已重置密码', username: u.username, password: initialPassword };
        }),
        u.locked &&
          action(`解锁（${u.username}）`, '解锁', () => api('POST', `/api/org/users/${u.id}/unlock`)),
      ),
    ),
  );
}

/** Sends the chosen file as it is; the answer is the report, row by row. */
async function importFile(file, dryRun) {
  const res = await fetch(
    `/api/org/import?fileName=${encodeURIComponent(file.name)}${dryRun ? '&dryRun=true' : ''}`,
    {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: file,
    },
  );
  const data = await res.json();
  if (!res.ok) throw new Error(data.error?.message ?? `HTTP ${res.status}`);
  return data;
}

function importReport(report) {
  return h(
    'div',
    { id: 'import-report' },
    h(
      'p',
      {},
      report.dryRun
        ? `检查结果：${report.rows.length - report.refused} 行可导入，${report.refused} 行不能导入（尚未导入）`
        : `已导入 ${report.created.departments} 个单位、${report.created.users} 个用户；${report.refused} 行未导入，请改正后再导入这些行`,
    ),
    h(
      'table',
      {},
      h(
        'tr',
        {},
        ['表', '行', '代码/用户名', '结果', '原因或初始密码'].map((t) => h('th', {}, t)),
      ),
      report.rows.map((r) =>
        h(
          'tr',
          { class: r.ok ? 'ok' : 'refused' },
          h('td', {}, r.sheet),
          h('td', {}, String(r.row)),
          h('td', {}, r.key),
          h('td', {}, r.ok ? (report.dryRun ? '可导入' : '已导入') : '未导入'),
          h(
            'td',
            {},
            r.ok
              ? r.initialPassword
                ? h('code', {}, r.initialPassword)
                : ''
              : r.problems.map((p) => `${p.field}：${p.reason}`).join('；'),
          ),
        ),
      ),
    ),
  );
}

export async function orgPage(main) {
  const [{ departments, kinds }, { users, roles }] = await Promise.all([
    api('GET', '/api/org/departments'),
    api('GET', '/api/org/users'),
  ]);

  refresh = async () => {
    main.replaceChildren();
    await orgPage(main);
  };
  const fileInput = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv' });
  const reportSlot = h('div', {});
  const runImport = async (dryRun) => {
    const [file] = fileInput.files;
    if (!file) return flash('导入：请先选择 .xlsx 或 .csv 文件');
    try {
      const report = await importFile(file, dryRun);
      if (!dryRun) {
        main.replaceChildren();
        await orgPage(main);
      }
      main.querySelector('#import-slot').replaceChildren(importReport(report));
      flash(dryRun ? '导入：检查完成' : '导入：已完成', true);
    } catch (err) {
      flash(`导入：${err.message}`);
    }
  };
  reportSlot.id = 'import-slot';

  main.append(
    h('h2', {}, '机构与用户'),
    handoverBox(),
    h('h3', {}, '单位'),
    h('div', { id: 'org-tree' }, tree(departments, kinds)),
    stepForm(
      '新增单位',
      [
        input('code', '单位代码', { required: true, placeholder: 'GDFGW-MSK', pattern: '[A-Z0-9-]{1,20}' }),
        input('name', '单位名称', { required: true, placeholder: '省发展改革委秘书科' }),
        kindSelect(kinds, 'RESPONSIBLE_DEPARTMENT'),
        parentSelect(departments, null),
      ],
      (f) => api('POST', '/api/org/departments', fieldsOf(f)),
      '新增',
    ),
    h('h3', {}, '用户'),
    h(
      'table',
      { id: 'org-users' },
      h(
        'tr',
        {},
        ['用户名', '姓名', '单位', '角色', '电话', '状态', ''].map((t) => h('th', {}, t)),
      ),
      accountRows(users, departments, roles),
    ),
    stepForm(
      '新增用户',
      [
        input('username', '用户名', { required: true, placeholder: 'fgw-mishu' }),
        input('displayName', '姓名', { required: true }),
        departmentSelect(departments),
        roleBoxes(roles),
        input('phone', '电话'),
      ],
      async (f) => {
        const { user, initialPassword } = await api('POST', '/api/org/users', {
          username: f.get('username'),
          displayName: f.get('displayName'),
          departmentCode: f.get('departmentCode'),
          roles: f.getAll('roles'),
          phone: f.get('phone'),
        });
        handover = {
          title: `已新增用户 ${user.displayName}`,
          username: user.username,
          password: initialPassword,
        };
      },
      '新增',
    ),
    h('h3', {}, '从表格导入'),
    h(
      'p',
      { class: 'hint' },
      '.xlsx 或 .csv（UTF-8 或 GB18030）。单位表首行：单位代码、单位名称、单位类型、上级单位代码；用户表首行：用户名、姓名、单位代码、角色（多个用“、”分隔）、电话。一个 .xlsx 可同时含单位表和用户表。合格的行一并导入，不合格的行不导入，并逐行说明原因；导入的用户各有初始密码，只在本次结果中显示。',
    ),
    h(
      'div',
      { class: 'step', id: 'import' },
      h('label', {}, '导入文件 ', fileInput),
      h('button', { type: 'button', onclick: () => runImport(true) }, '检查'),
      h('button', { type: 'button', onclick: () => runImport(false) }, '导入'),
    ),
    reportSlot,
  );
}

/**
 * 修改密码. `changed(user)` tells app.js who is signed in now (no longer required to change it).
 * A person whose password an administrator set sees only this page until he has changed it.
 */
export async function passwordPage(main, me, changed) {
  main.append(
    h('h2', {}, '修改密码'),
    me.mustChangePassword
      ? h(
          'p',
          { id: 'must-change', class: 'hint' },
          '管理员为您设置了初始密码或重置了密码：请先设定您自己的密码。',
        )
      : '',
    stepForm(
      '修改密码',
      [
        input('currentPassword', '当前密码', {
          type: 'password',
          autocomplete: 'current-password',
          required: true,
        }),
        input('newPassword', '新密码', {
          type: 'password',
          autocomplete: 'new-password',
          required: true,
          minlength: 10,
        }),
        input('confirmPassword', '再次输入新密码', {
          type: 'password',
          autocomplete: 'new-password',
          required: true,
        }),
        h('p', { class: 'hint' }, '至少 10 个字符，含字母和数字，不含用户名。'),
      ],
      async (f) => {
        if (f.get('newPassword') !== f.get('confirmPassword')) throw new Error('两次输入的新密码不一致');
        const { user } = await api('POST', '/api/auth/password', {
          currentPassword: f.get('currentPassword'),
          newPassword: f.get('newPassword'),
        });
        changed(user);
        if (me.mustChangePassword) location.hash = '#/';
      },
      '修改',
    ),
  );
}
