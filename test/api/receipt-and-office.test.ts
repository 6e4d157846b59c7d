/**
 * Over HTTP, on the seed's day (2017-01-03 09:00 CST): 签收 then 登记 with every field of the
 * 呈批表 and an attachment; 初审; the 传阅 a reader can see; 委托 of a leader's 批示; the urger and
 * the handler of a department; and the routing policy, whose changes do not move running deadlines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { docx } from '../helpers/zip';

jest.setTimeout(180_000);

const api = useSeedDayApi([
  'huangweiyan',
  'chenweiyan',
  'zh1-director',
  'chunxin',
  'mishuzhang',
  'fgw-mishu',
  'fgw-head',
  'sft-handler',
  'admin',
]);
const { as } = api;

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
let seed = '';

test('签收, then 登记 with 密级, 保密期限, 份数/页数, 办文编号 and the PDF of the document', async () => {
  const signed = await as('huangweiyan').post('/api/receipts', {
    sourceOrg: '国务院',
    docNumber: '国发[2016]76号',
    copies: 2,
  });
  expect(signed.status).toBe(201);
  expect(signed.body.receipt).toMatchObject({ docNumber: '国发〔2016〕76号', copies: 2 });
  const twice = await as('huangweiyan').post('/api/receipts', {
    sourceOrg: '国务院',
    docNumber: '国发〔2016〕76号',
    copies: 2,
  });
  expect(twice.status).toBe(409);
  const noCopies = await as('huangweiyan').post('/api/receipts', {
    sourceOrg: '国务院',
    docNumber: '国发〔2016〕77号',
    copies: 0,
  });
  expect(noCopies.body.error.fields).toEqual([{ field: 'copies', reason: '份数须为 1 至 9999 的整数' }]);

  const file = await as('huangweiyan').upload('国发〔2016〕76号.pdf', PDF);
  expect(file.status).toBe(201);
  expect(file.body.attachment).toMatchObject({
    fileName: '国发〔2016〕76号.pdf',
    mediaType: 'application/pdf',
    size: PDF.length,
  });

  await api.env.sleep(3600_000); // registered an hour after it was signed for
  const registered = await as('huangweiyan').post('/api/directives', {
    ...SEED_DIRECTIVE,
    copies: 2,
    pages: 8,
    attachments: [file.body.attachment.id],
  });
  expect(registered.status).toBe(201);
  seed = registered.body.directive.receiptNumber;
  expect(registered.body.directive).toMatchObject({ handlingNumber: '发改 0001', copies: 2, pages: 8 });
  const detail = await as('huangweiyan').get(`/api/directives/${seed}`);
  expect(detail.body.directive.attachments).toEqual([
    expect.objectContaining({ id: file.body.attachment.id, size: PDF.length }),
  ]);
  const [signedFor, registration] = detail.body.directive.timeline;
  expect([signedFor.action, signedFor.comment, registration.action]).toEqual(['签收', '2 份', '收文登记']);
  expect(Date.parse(registration.at) - Date.parse(signedFor.at)).toBeGreaterThanOrEqual(3600_000);
  expect(detail.body.directive.signedForAt).toBe(signedFor.at);

  const download = await as('chenweiyan').download(`/api/attachments/${file.body.attachment.id}`);
  expect(download.status).toBe(200);
  expect(download.headers['content-type']).toBe('application/pdf');
  expect(Buffer.compare(download.body as Buffer, PDF)).toBe(0);
  expect(
    await api.stack.database.db.auditEvent.findFirst({
      where: { action: 'attachment.download', actorId: 'u-chenweiyan', target: file.body.attachment.id },
    }),
  ).toMatchObject({ detail: seed });
  // A department sees the directive's files only once it is dispatched to it.
  expect((await as('fgw-mishu').get(`/api/attachments/${file.body.attachment.id}`)).status).toBe(404);
  // The same upload cannot be filed twice.
  const reuse = await as('huangweiyan').post('/api/directives', {
    ...SEED_DIRECTIVE,
    docNumber: '国发〔2016〕78号',
    attachments: [file.body.attachment.id],
  });
  expect(reuse.status).toBe(400);
  expect(reuse.body.error.fields[0]).toMatchObject({ field: 'attachments[0]' });
});

test.each([
  ['a classified document without 保密期限', { secrecy: '秘密' }, 'secrecyPeriod'],
  ['a 保密期限 on an unclassified one', { secrecyPeriod: '10年' }, 'secrecyPeriod'],
  ['a 保密期限 that is no period', { secrecy: '机密', secrecyPeriod: '永远' }, 'secrecyPeriod'],
  ['pages that are no whole number', { pages: 2.5 }, 'pages'],
  // By the application's clock (2017-01-03 here), not the machine's, which is years later.
  ['a 收文日期 after the office’s today', { receivedDate: '2017-01-04' }, 'receivedDate'],
  ['a 文号 of a year after the office’s today', { docNumber: '国发〔2018〕1号' }, 'docNumber'],
  ['a 办文编号 prefix of Latin letters', { handlingPrefix: 'FG' }, 'handlingPrefix'],
  ['an attachment id nobody uploaded', { attachments: ['no-such-file'] }, 'attachments[0]'],
])('registration with %s is refused with 400 naming the field', async (_, change, field) => {
  const before = await api.stack.database.db.directive.count();
  const res = await as('huangweiyan').post('/api/directives', {
    ...SEED_DIRECTIVE,
    docNumber: '国发〔2016〕90号',
    ...change,
  });
  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
  expect(await api.stack.database.db.directive.count()).toBe(before);
});

test('a classified document is refused here (no accredited network) and its upload is not kept', async () => {
  const db = api.stack.database.db;
  const secretPdf = Buffer.concat([
    Buffer.from('%PDF-1.4\n'),
    Buffer.alloc(1000, 0x41),
    Buffer.from('\n%%EOF\n'),
  ]);
  const file = await as('huangweiyan').upload('机密件.pdf', secretPdf);
  expect(file.status).toBe(201);
  const stored = path.join(api.stack.attachmentsDir, file.body.attachment.sha256.slice(0, 2));
  const directives = await db.directive.count();
  for (const secrecy of ['秘密', '机密', '绝密']) {
    const res = await as('huangweiyan').post('/api/directives', {
      ...SEED_DIRECTIVE,
      docNumber: '国发〔2016〕91号',
      secrecy,
      secrecyPeriod: '10年',
      attachments: [file.body.attachment.id],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toContainEqual({
      field: 'secrecy',
      reason: expect.stringContaining('须通过机要渠道办理'),
    });
  }
  expect(await db.directive.count()).toBe(directives);
  expect(await db.attachment.findUnique({ where: { id: file.body.attachment.id } })).toBeNull();
  expect(fs.readdirSync(stored)).not.toContain(file.body.attachment.sha256);
});

test.each([
  ['a file type not on the list', 'notes.exe', Buffer.from('MZ'), 415],
  ['a .pdf that is not a PDF', 'fake.pdf', Buffer.from('<html>'), 415],
  ['a file over the limit', 'big.pdf', Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(64 * 1024)]), 413],
  ['an empty file', 'empty.pdf', Buffer.alloc(0), 400],
])('an upload of %s is refused and nothing is stored', async (_, name, content, status) => {
  const before = await api.stack.database.db.attachment.count();
  const res = await as('huangweiyan').upload(name, content);
  expect(res.status).toBe(status);
  expect(await api.stack.database.db.attachment.count()).toBe(before);
});

test('初审, 拟办 and a 批示 given under 委托; the timeline names both people', async () => {
  const path = `/api/directives/${seed}`;
  const notText = await as('huangweiyan').post(`${path}/initial-review`, { decision: 'ACCEPT', comment: 5 });
  expect(notText.body.error.fields).toEqual([{ field: 'comment', reason: '初审意见须为文字' }]);
  expect((await as('huangweiyan').post(`${path}/initial-review`, { decision: 'ACCEPT' })).status).toBe(200);
  await as('huangweiyan').post(`${path}/proposal`, {
    leadDepartment: 'GDFGW',
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
  });
  await as('chenweiyan').post(`${path}/review`, { decision: 'APPROVE' });
  await as('zh1-director').post(`${path}/review`, { decision: 'APPROVE' });

  // 秘书长 may not instruct for 春新 before 春新 delegates to him.
  const uninvited = await as('mishuzhang', { 'On-Behalf-Of': 'u-chunxin' }).post(`${path}/instruction`, {
    decision: 'APPROVE',
    text: '同意',
  });
  expect(uninvited.status).toBe(403);
  const badPeriod = await as('chunxin').post('/api/delegations', {
    toUserId: 'u-mishuzhang',
    startsOn: '2017-01-05',
    endsOn: '2017-01-03',
    reason: '出差',
  });
  expect(badPeriod.body.error.fields).toEqual([
    { field: 'endsOn', reason: '委托截止日期不能早于委托起始日期' },
  ]);
  const delegated = await as('chunxin').post('/api/delegations', {
    toUserId: 'u-mishuzhang',
    startsOn: '2017-01-03',
    endsOn: '2017-01-06',
    reason: '赴京开会',
  });
  expect(delegated.status).toBe(201);
  const instructed = await as('mishuzhang', { 'On-Behalf-Of': 'u-chunxin' }).post(`${path}/instruction`, {
    decision: 'APPROVE',
    text: '同意。',
  });
  expect(instructed.status).toBe(200);
  expect(instructed.body.state.instructions[0].by).toEqual({ userId: 'u-chunxin', displayName: '春新' });
  const entry = (await as('huangweiyan').get(path)).body.directive.timeline.find(
    (e: { action: string }) => e.action === '批示',
  );
  expect(entry).toMatchObject({ actorId: 'u-mishuzhang', onBehalfOfId: 'u-chunxin', toState: 'INSTRUCTED' });

  const mine = await as('mishuzhang').get('/api/delegations');
  expect(mine.body.delegations).toEqual([
    expect.objectContaining({ fromUserId: 'u-chunxin', toUserId: 'u-mishuzhang' }),
  ]);
  const revoked = await as('chunxin').post(`/api/delegations/${delegated.body.delegation.id}/revoke`);
  expect(revoked.body.delegation.revokedAt).toBeTruthy();
  const audit = await api.stack.database.db.auditEvent.findMany({
    where: { action: { startsWith: 'delegation.' } },
    orderBy: { id: 'asc' },
  });
  expect(audit.map((a) => [a.action, a.actorId])).toEqual([
    ['delegation.refused', 'u-mishuzhang'],
    ['delegation.create', 'u-chunxin'],
    ['delegation.revoke', 'u-chunxin'],
  ]);
});

test('传阅: a reader outside the office sees the directive while it is with him; the office sees who read what', async () => {
  const path = `/api/directives/${seed}`;
  expect((await as('sft-handler').get(path)).status).toBe(404);
  const sent = await as('huangweiyan').post(`${path}/circulations`, {
    readers: ['u-sft-handler', 'u-mishuzhang'],
    purpose: 'COMMENT',
    note: '请提意见',
  });
  expect(sent.status).toBe(200);
  const unknownReader = await as('huangweiyan').post(`${path}/circulations`, { readers: ['u-nobody'] });
  expect(unknownReader.body.error.fields).toEqual([{ field: 'readers', reason: 'u-nobody 不是在职用户' }]);

  const seen = await as('sft-handler').get(path);
  expect(seen.status).toBe(200);
  expect(seen.body.directive.tasks).toEqual([]);
  expect(seen.body.directive.circulation).toEqual([
    expect.objectContaining({ readerId: 'u-sft-handler', purpose: 'COMMENT' }),
  ]);
  const read = await as('sft-handler').post(`${path}/circulations/1/read`, { comment: '建议省司法厅参与' });
  expect(read.status).toBe(200);
  // A reader gets his own copy back, not the office's view of the directive.
  expect(read.body).toEqual({ copy: expect.objectContaining({ comment: '建议省司法厅参与' }) });
  const asReader = (await as('sft-handler').get(path)).body.directive;
  expect(asReader.timeline.map((e: { action: string }) => e.action)).not.toContain('阅');

  const office = await as('chenweiyan').get(path);
  expect(
    office.body.directive.circulation.map((c: { readerId: string; comment: string | null }) => [
      c.readerId,
      c.comment,
    ]),
  ).toEqual([
    ['u-mishuzhang', null],
    ['u-sft-handler', '建议省司法厅参与'],
  ]);
  // Not yet dispatched to 省发展改革委: for it the directive does not exist.
  expect((await as('fgw-mishu').post(`${path}/circulations/1/recall`, { reason: 'x' })).status).toBe(404);
  expect((await as('huangweiyan').post(`${path}/circulations/1/recall`, { reason: '' })).status).toBe(400);
  expect(
    (await as('huangweiyan').post(`${path}/circulations/1/recall`, { reason: '意见已收齐' })).status,
  ).toBe(200);
  // 秘书长 had not read it: once recalled, he no longer holds it.
  expect((await as('mishuzhang').post(`${path}/circulations/1/read`, { comment: '阅' })).status).toBe(409);
});

test('督办人, 催办 and the 承办人 over HTTP: office only, people of the right place only', async () => {
  const path = `/api/directives/${seed}`;
  expect((await as('huangweiyan').post(`${path}/urger`, { urger: 'u-fgw-mishu' })).body.error.fields).toEqual(
    [{ field: 'urger', reason: 'u-fgw-mishu 不是办公厅工作人员' }],
  );
  expect((await as('zh1-director').post(`${path}/urger`, { urger: 'u-chenweiyan' })).status).toBe(200);
  expect((await as('huangweiyan').post(`${path}/dispatch`)).status).toBe(200);
  // From the moment 转办 answers, 省发展改革委 knows the directive: its step is judged at once (here
  // refused by role), even before its task's own first write reaches the database.

  const task = `${path}/tasks/GDFGW`;
  expect((await as('fgw-head').post(`${task}/urge`, { text: '请抓紧' })).status).toBe(403);
  expect((await as('chenweiyan').post(`${task}/urge`, { text: '' })).status).toBe(400);
  expect((await as('chenweiyan').post(`${task}/urge`, { text: '请于1月14日前回报' })).status).toBe(200);
  const other = await as('huangweiyan').post(`${task}/handler`, { handler: 'u-sft-handler', reason: '改派' });
  expect(other.body.error.fields).toEqual([
    { field: 'handler', reason: 'u-sft-handler 不是单位 省发展改革委 的承办人' },
  ]);
  const named = await as('huangweiyan').post(`${task}/handler`, {
    handler: 'u-fgw-mishu',
    reason: '由秘书科承办',
  });
  expect(named.body.task.handler).toEqual({ userId: 'u-fgw-mishu', displayName: expect.any(String) });

  // The 回报单 with option 4: the 代拟稿 comes as a Word file, stamped by the head's signature.
  expect((await as('fgw-mishu').post(`${task}/sign-for`, { deptReceiptNumber: '319号' })).status).toBe(200);
  const DOCX = docx('关于加强我省政务诚信建设的实施意见（代拟稿）');
  const draft = await as('fgw-head').upload('关于加强我省政务诚信建设的实施意见（代拟稿）.docx', DOCX);
  expect(draft.status).toBe(201);
  const noDraft = await as('fgw-head').post(`${task}/report`, { options: [4], text: '需加具贯彻意见' });
  expect(noDraft.body.error.fields).toEqual([
    { field: 'draft', reason: '代拟稿（办理提示 4 须附，或选择待后送出）为必填项' },
  ]);
  const reported = await as('fgw-head').post(`${task}/report`, {
    options: [4],
    text: '需加具贯彻意见，代拟稿附后',
    attachments: [draft.body.attachment.id],
  });
  expect(reported.status).toBe(200);
  expect(reported.body.task.report.attachments).toEqual([
    expect.objectContaining({
      id: draft.body.attachment.id,
      mediaType: expect.stringContaining('wordprocessingml'),
    }),
  ]);
  const fetched = await as('huangweiyan').download(`/api/attachments/${draft.body.attachment.id}`);
  expect(fetched.status).toBe(200);
  // A 传阅 reader of the directive does not get the department's own files.
  expect((await as('sft-handler').download(`/api/attachments/${draft.body.attachment.id}`)).status).toBe(404);
  const readerView = (await as('sft-handler').get(path)).body.directive;
  expect(readerView.attachments.map((a: { id: string }) => a.id)).not.toContain(draft.body.attachment.id);
  expect(Buffer.compare(fetched.body as Buffer, DOCX)).toBe(0);

  const inbox = await as('fgw-mishu').get('/api/inbox');
  expect(inbox.body.items.map((n: { kind: string }) => n.kind).sort()).toEqual(['MANUAL_URGE', 'REASSIGNED']);
  const row = await api.stack.database.db.departmentTask.findFirstOrThrow({ where: { receiptNumber: seed } });
  expect(row.handlerId).toBe('u-fgw-mishu');
});

test('the routing policy: read by all, set by the director, taken by new directives only', async () => {
  expect((await as('fgw-mishu').get('/api/policy')).body.policy.version).toBe('seed-2017.2');
  const working = { ...DEFAULT_POLICY, version: 'working-days-2017', dayCounting: 'WORKING' };
  expect((await as('huangweiyan').put('/api/policy', working)).status).toBe(403);
  const bad = await as('zh1-director').put('/api/policy', {
    ...working,
    noticeHour: 25,
    noticeMinute: 60,
    reviewChain: [],
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
    'noticeHour',
    'noticeMinute',
    'reviewChain',
  ]);
  expect((await as('zh1-director').put('/api/policy', working)).status).toBe(201);
  expect((await as('admin').put('/api/policy', working)).status).toBe(409); // a version is written once
  // Administration is never delegated.
  await as('admin').post('/api/delegations', {
    toUserId: 'u-chenweiyan',
    startsOn: '2017-01-03',
    endsOn: '2017-01-31',
    reason: '休假',
  });
  const standIn = await as('chenweiyan', { 'On-Behalf-Of': 'u-admin' }).put('/api/policy', {
    ...working,
    version: 'x',
  });
  expect(standIn.status).toBe(403);

  // A directive registered now keeps the working-day policy; the seed keeps the policy it came with.
  const later = await as('huangweiyan').post('/api/directives', {
    ...SEED_DIRECTIVE,
    docNumber: '国发〔2016〕95号',
  });
  const started = await api.env.client.workflow
    .getHandle(`directive-${later.body.directive.receiptNumber}`)
    .describe();
  expect(started.status.name).toBe('RUNNING');
  const input = async (rn: string) => {
    const history = await api.env.client.workflow.getHandle(`directive-${rn}`).fetchHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    return JSON.parse(Buffer.from(payload.data!).toString()) as { policy: { version: string } };
  };
  expect((await input(later.body.directive.receiptNumber)).policy.version).toBe('working-days-2017');
  expect((await input(seed)).policy.version).toBe('seed-2017.2');
  const task = await api.stack.database.db.departmentTask.findFirstOrThrow({
    where: { receiptNumber: seed },
  });
  expect(task.dueDate).toBe('2017-01-13'); // dispatched 2017-01-03, 10 calendar days, unchanged
});
