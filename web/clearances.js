// 涉密资格: the 保密员 sets who may read classified (涉密) documents, and to which 密级. Every
// change names its 依据 (the approval) and is on the audit trail; nobody sets his own.

import { api, flash, h, input, select } from './app.js';

const LEVELS = ['非密', '秘密', '机密', '绝密'];

export async function clearancePage(main, hash) {
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const list = await api('GET', `/api/clearances?${params}`);
  const { deployment } = await api('GET', '/api/auth/me');
  main.append(
    h('h2', {}, '涉密资格'),
    h(
      'p',
      { class: 'hint' },
      deployment.classifiedAccredited
        ? '本系统已获涉密信息系统审批：涉密文件仅对涉密资格不低于其密级、且参与办理的人员可见。'
        : '本系统未获涉密信息系统审批，不登记涉密文件；此处设定的资格在获批后生效。',
    ),
    h(
      'form',
      {
        onsubmit: (e) => {
          e.preventDefault();
          const q = new FormData(e.target).get('q');
          location.hash = q ? `#/clearances?${new URLSearchParams({ q })}` : '#/clearances';
        },
      },
      input('q', '姓名/单位', { value: params.get('q') ?? '' }),
      h('button', { type: 'submit' }, '查询'),
    ),
    h(
      'table',
      { id: 'clearances' },
      h(
        'tr',
        {},
        ['姓名', '单位', '涉密资格', '变更'].map((t) => h('th', {}, t)),
      ),
      list.items.map(personRow),
    ),
    h('p', {}, `共 ${list.total} 人`),
  );
}

function personRow(person) {
  const current = h('td', { class: 'clearance' }, person.clearance);
  const form = h(
    'form',
    { class: 'inline', 'data-user': person.username },
    select(
      'clearance',
      `${person.displayName}的涉密资格`,
      LEVELS.map((l) => [l, l]),
    ),
    input('reason', '依据', { required: true, placeholder: '审批文号' }),
    h('button', { type: 'submit' }, '设定'),
  );
  form.querySelector('select').value = person.clearance;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const { user } = await api('PUT', `/api/users/${encodeURIComponent(person.id)}/clearance`, {
        clearance: data.get('clearance'),
        reason: data.get('reason'),
      });
      current.textContent = user.clearance;
      form.reset();
      form.querySelector('select').value = user.clearance;
      flash(`${person.displayName}：涉密资格已设为${user.clearance}`, true);
    } catch (err) {
      flash(`${person.displayName}：${err.message}`);
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'tr',
    {},
    h('td', {}, person.displayName),
    h('td', {}, person.department.name),
    current,
    h('td', {}, form),
  );
}
