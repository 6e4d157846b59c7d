// 个人设置: how one is told that something awaits him. Every notice is in 提醒 (in-app); one may
// have it also by e-mail, where this deployment sends e-mail. One's own only, never another's.

import { api, flash, h, input } from './app.js';

export async function settingsPage(main) {
  const settings = await api('GET', '/api/me/notice-settings');
  const choice = (value, label, checked) =>
    h('label', {}, h('input', { type: 'radio', name: 'channel', value, checked }), ` ${label}`);
  const form = h(
    'form',
    { id: 'notice-settings' },
    h(
      'fieldset',
      {},
      h('legend', {}, '提醒方式'),
      choice('inbox', '仅站内提醒', !settings.noticeByEmail),
      ' ',
      choice('email', '站内提醒，并发送邮件', settings.noticeByEmail),
    ),
    input('email', '邮箱地址', {
      type: 'email',
      value: settings.email ?? '',
      placeholder: 'zhangsan@gd.gov.cn',
    }),
    h('button', { type: 'submit' }, '保存'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const saved = await api('PUT', '/api/me/notice-settings', {
        email: email || null,
        noticeByEmail: data.get('channel') === 'email',
      });
      flash(
        saved.noticeByEmail
          ? `个人设置已保存：提醒将同时发送至 ${saved.email}`
          : '个人设置已保存：仅站内提醒',
        true,
      );
    } catch (err) {
      flash(`个人设置未保存：${err.message}`);
    } finally {
      button.disabled = false;
    }
  });
  main.append(
    h('h2', {}, '个人设置'),
    h(
      'p',
      { class: 'hint' },
      settings.emailAvailable
        ? '所有提醒都在本系统的“提醒”中；您也可以选择同时发送到自己的邮箱。'
        : '本系统尚未配置邮件发送：提醒仅在本系统的“提醒”中。您仍可先填写邮箱并选择邮件提醒，配置后生效。',
    ),
    form,
  );
}
