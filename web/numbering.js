// 启用编号: the administrator tells Duban where the year's 收文编号 and 办文编号 continue from, for an
// office moving from its paper register mid-year. Forward only: the API refuses going back over a
// number already issued, and says which.

import { api, chinaTime, flash, h, input, nameOf } from './app.js';

export async function numberingPage(main, hash) {
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const year = params.get('year') ?? (await api('GET', '/api/auth/me')).today.slice(0, 4);
  const { numbering: n } = await api('GET', `/api/registers/${year}/numbering`);
  const prefixes = Object.keys(n.lastHandlingSequences);

  const form = h(
    'form',
    { id: 'numbering', class: 'step' },
    h('h3', {}, `${year}年 收文登记簿`),
    h('p', {}, `下一个收文编号：`, h('strong', { id: 'next-receipt' }, n.nextReceiptNumber)),
    input('lastSequence', '纸质登记簿已用到的收文编号（序号）', {
      type: 'number',
      min: n.lastSequence,
      max: 99999,
      placeholder: String(n.lastSequence),
    }),
    h(
      'table',
      { id: 'handling' },
      h(
        'tr',
        {},
        ['办文编号前缀', '下一个办文编号', '纸质已用到'].map((t) => h('th', {}, t)),
      ),
      prefixes.map((p) =>
        h(
          'tr',
          {},
          h('td', {}, p),
          h('td', {}, n.nextHandlingNumbers[p]),
          h(
            'td',
            {},
            input(`handling:${p}`, `${p}已用到`, {
              type: 'number',
              min: n.lastHandlingSequences[p],
              max: 9999,
            }),
          ),
        ),
      ),
      h(
        'tr',
        {},
        h('td', {}, input('newPrefix', '新前缀', { placeholder: '发改', size: 6 })),
        h('td', {}, ''),
        h('td', {}, input('newPrefixLast', '新前缀已用到', { type: 'number', min: 0, max: 9999 })),
      ),
    ),
    h('button', { type: 'submit' }, '启用'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {};
    const handling = {};
    if (data.get('lastSequence')) body.lastSequence = Number(data.get('lastSequence'));
    for (const p of prefixes) if (data.get(`handling:${p}`)) handling[p] = Number(data.get(`handling:${p}`));
    if (data.get('newPrefix'))
      handling[data.get('newPrefix').trim()] = Number(data.get('newPrefixLast') || 0);
    if (Object.keys(handling).length) body.lastHandlingSequences = handling;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const { numbering } = await api('PUT', `/api/registers/${year}/numbering`, body);
      main.replaceChildren();
      await numberingPage(main, hash);
      flash(`启用编号：下一个收文编号 ${numbering.nextReceiptNumber}`, true);
    } catch (err) {
      flash(`启用编号：${err.message}`);
      button.disabled = false;
    }
  });

  main.append(
    h('h2', {}, '启用编号'),
    h(
      'p',
      { class: 'hint' },
      '从纸质登记簿转入本系统时，填写纸质登记簿已用到的编号，系统从下一个号接续；已发出的编号不能回退。',
    ),
    form,
    h('h3', {}, '设定记录'),
    h(
      'table',
      { id: 'numbering-set' },
      h(
        'tr',
        {},
        ['编号', '纸质已用到', '设定人', '时间'].map((t) => h('th', {}, t)),
      ),
      n.set.map((s) =>
        h(
          'tr',
          {},
          h('td', {}, s.series),
          h('td', {}, String(s.lastSequence)),
          h('td', {}, nameOf(s.setById)),
          h('td', {}, chinaTime(s.setAt)),
        ),
      ),
    ),
  );
}
