// 委托: the delegations I gave and those given to me, giving one to a colleague, revoking one I gave,
// and 代某某办理: while a 委托 to me is in force today, acting for the colleague who gave it (every
// later API call carries On-Behalf-Of, app.js actFor). The header says so whenever it is the case,
// and offers the switch on every page. Delegations are always managed as oneself.

import { actFor, actingForId, api, flash, h, input, nameOf, stepForm } from './app.js';

/** Who may read the whole directory (DIRECTORY_ROLES in core/roles.ts); anyone else gets /api/names. */
const DIRECTORY_ROLES = ['CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR', 'CREDIT_OFFICER', 'ADMIN'];

const STATUS = { ACTIVE: '生效中', PENDING: '未开始', EXPIRED: '已到期', REVOKED: '已撤销' };
const statusOf = (d, today) =>
  d.revokedAt ? 'REVOKED' : d.endsOn < today ? 'EXPIRED' : d.startsOn > today ? 'PENDING' : 'ACTIVE';

/** A call as oneself, even while acting for someone: a 委托 is given in one's own name. */
function asMyself(method, url, body) {
  const acting = actingForId();
  actFor(undefined);
  try {
    return api(method, url, body); // its headers are set before its first await
  } finally {
    actFor(acting);
  }
}

/** Mine and today's: the delegations given by me and to me, and today by the application's clock. */
async function myDelegations() {
  const [{ delegations }, { user, today }] = await Promise.all([
    api('GET', '/api/delegations'),
    api('GET', '/api/auth/me'),
  ]);
  const given = delegations.filter((d) => d.fromUserId === user.id);
  const received = delegations.filter((d) => d.toUserId === user.id);
  const inForce = received.filter((d) => statusOf(d, today) === 'ACTIVE');
  return { user, today, given, received, inForce };
}

/** Re-renders the whole app (navigation, names, header, page) for whom it now acts. */
const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

function switchTo(userId) {
  actFor(userId);
  rerender();
}

/** The switch between 本人 and 代某某办理, as a labelled select (keyboard operable as any select). */
function actingSelect(id, inForce) {
  const current = actingForId() ?? '';
  const choices = [
    ['', '本人'],
    ...[...new Set(inForce.map((d) => d.fromUserId))].map((from) => [from, `代${nameOf(from)}办理`]),
  ];
  return h(
    'label',
    { for: id },
    '办理身份 ',
    h(
      'select',
      { id, onchange: (e) => switchTo(e.target.value) },
      choices.map(([value, text]) => h('option', { value, selected: value === current }, text)),
    ),
  );
}

/** This page's delegations, fetched once for the check before it loads and for the header after. */
let current;

/**
 * Before a page loads (app.js route): acting for someone whose 委托 has ended or been revoked
 * stops, and says so, so nothing is asked in his name only to be refused. Never throws: without an
 * answer the page loads as it would have, and the API still refuses what is not delegated.
 */
export async function keepActingFor() {
  current = myDelegations();
  current.catch(() => {}); // awaited by the header; a failure there shows no switch
  const acting = actingForId();
  if (!acting) return;
  try {
    const { inForce } = await current;
    if (inForce.some((d) => d.fromUserId === acting)) return;
    actFor(undefined);
    const { people } = await api('GET', '/api/names');
    const name = people.find((p) => p.id === acting)?.displayName ?? acting;
    flash(`${name}对您的委托已撤销或不在委托期内：已恢复以本人身份办理`);
  } catch {
    // The page's own call will say what is wrong.
  }
}

/**
 * The header's part, next to the person's name: while acting for someone, 正在代 某某 办理, and the
 * switch whenever a 委托 to me is in force today.
 */
export async function showActingFor(who) {
  const { inForce } = await (current ?? myDelegations());
  const acting = actingForId();
  // A page rendered again while this one was loading: one control, for the latest header.
  document.getElementById('acting')?.remove();
  document.querySelector('header')?.classList.toggle('acting', !!acting);
  if (!inForce.length) return;
  const control = h(
    'span',
    { id: 'acting', class: acting ? 'on' : undefined },
    acting ? h('strong', { id: 'acting-banner' }, `正在代 ${nameOf(acting)} 办理`) : '',
    ' ',
    actingSelect('acting-as', inForce),
    ' ',
  );
  if (who.firstChild) who.firstChild.after(control);
  else who.append(control);
}

export async function delegationsPage(main) {
  const { user, today, given, received } = await myDelegations();
  const acting = actingForId();
  const people = (
    await asMyself(
      'GET',
      user.roles.some((r) => DIRECTORY_ROLES.includes(r)) ? '/api/directory' : '/api/names',
    )
  ).people.filter((p) => p.id !== user.id);
  // Names of both sides, whatever this person's directory holds while acting for someone.
  const nameIn = (id) => people.find((p) => p.id === id)?.displayName ?? nameOf(id);

  const period = (d) => `${d.startsOn} 至 ${d.endsOn}`;
  const status = (d) => {
    const s = statusOf(d, today);
    return h('td', { class: `status ${s.toLowerCase()}` }, STATUS[s]);
  };
  const head = (...titles) =>
    h(
      'tr',
      {},
      titles.map((t) => h('th', { scope: 'col' }, t)),
    );

  const givenTable = h(
    'table',
    { id: 'delegations-given' },
    h('caption', {}, '我委托他人'),
    head('受托人', '委托期限', '事由', '状态', ''),
    given.length
      ? given.map((d) =>
          h(
            'tr',
            { 'data-id': d.id },
            h('td', {}, nameIn(d.toUserId)),
            h('td', {}, period(d)),
            h('td', {}, d.reason),
            status(d),
            h(
              'td',
              {},
              ['ACTIVE', 'PENDING'].includes(statusOf(d, today))
                ? h(
                    'button',
                    {
                      type: 'button',
                      'aria-label': `撤销对${nameIn(d.toUserId)}的委托（${period(d)}）`,
                      onclick: (e) => revoke(e.currentTarget, d, nameIn(d.toUserId), main),
                    },
                    '撤销',
                  )
                : '',
            ),
          ),
        )
      : h('tr', {}, h('td', { colspan: 5 }, '暂无')),
  );

  const receivedTable = h(
    'table',
    { id: 'delegations-received' },
    h('caption', {}, '他人委托我'),
    head('委托人', '委托期限', '事由', '状态', ''),
    received.length
      ? received.map((d) => {
          const from = nameIn(d.fromUserId);
          const inForce = statusOf(d, today) === 'ACTIVE';
          return h(
            'tr',
            { 'data-id': d.id },
            h('td', {}, from),
            h('td', {}, period(d)),
            h('td', {}, d.reason),
            status(d),
            h(
              'td',
              {},
              !inForce
                ? ''
                : acting === d.fromUserId
                  ? h('button', { type: 'button', onclick: () => switchTo(undefined) }, '恢复本人办理')
                  : h('button', { type: 'button', onclick: () => switchTo(d.fromUserId) }, `代${from}办理`),
            ),
          );
        })
      : h('tr', {}, h('td', { colspan: 5 }, '暂无')),
  );

  const form = stepForm(
    '新建委托',
    [
      h(
        'label',
        {},
        '受托人 ',
        h(
          'select',
          { name: 'toUserId' },
          h('option', { value: '' }, '（请选择同事）'),
          people.map((p) => h('option', { value: p.id }, `${p.displayName}（${p.departmentName}）`)),
        ),
      ),
      input('startsOn', '委托起始日期', { type: 'date', value: today }),
      input('endsOn', '委托截止日期', { type: 'date', value: today }),
      input('reason', '委托事由', { size: 30, placeholder: '如：赴京开会', 'aria-required': 'true' }),
    ],
    (f) =>
      asMyself('POST', '/api/delegations', {
        toUserId: f.get('toUserId'),
        startsOn: f.get('startsOn'),
        endsOn: f.get('endsOn'),
        reason: f.get('reason'),
      }),
    '委托',
  );
  // The API's reasons, in Chinese, rather than the browser's own checks.
  form.noValidate = true;
  form.id = 'delegation-new';

  main.append(
    h('h2', {}, '委托'),
    h(
      'p',
      { class: 'hint' },
      '出差、休假期间，可委托同事在委托期限内代为办理：受托人以您的身份和权限办理（系统管理和保密事务除外），办理过程记为“受您委托”。委托可随时撤销。',
    ),
    acting ? h('p', { class: 'acting-note' }, `您正在代 ${nameIn(acting)} 办理。`) : '',
    receivedTable,
    givenTable,
    people.length ? form : h('p', { class: 'hint' }, '暂无可选的同事。'),
  );
}

async function revoke(button, d, toName, main) {
  button.disabled = true;
  try {
    await asMyself('POST', `/api/delegations/${d.id}/revoke`);
    main.replaceChildren();
    await delegationsPage(main);
    flash(`已撤销对${toName}的委托`, true);
  } catch (err) {
    flash(`撤销委托：${err.message}`);
    button.disabled = false;
  }
}
