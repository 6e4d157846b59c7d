/**
 * Access proven: every route of the app, tried by every person of the demo organisation (and by
 * a leader who is not involved, another department's staff, a 传阅 reader and someone not signed
 * in), against 国发〔2016〕76号 dispatched to 省发展改革委 (主办) and 省财政厅 (会办), and a
 * 政务失信记录 against 省财政厅. Each row states the outcome per person; a route of the app without
 * a row fails. Where a row allows someone (2xx), that person acts on a fresh directive or record in
 * the state the step needs, so no row changes what another row sees; the rest try the shared
 * fixtures, which a refusal never changes.
 */
import type { Express } from 'express';
import request, { type Response } from 'supertest';
import { directiveSteps, people, seedProposal } from '../helpers/seed-case';
import { integritySteps } from '../helpers/integrity-case';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { SEED_DIRECTIVE, signIn } from '../helpers/stack';
import { until } from '../helpers/until';
import {
  circulateUpdate,
  requestExtensionUpdate,
  reviewReportUpdate,
  sendDraftUpdate,
  signForUpdate,
  submitReportUpdate,
} from '../../workflows/definitions';
import { DEFAULT_INTEGRITY_POLICY } from '../../workflows/integrity-policy';
import { DEFAULT_POLICY } from '../../workflows/policy';
import type { Actor, DirectiveState } from '../../workflows/types';

jest.setTimeout(180_000);

// ---------------------------------------------------------------------------------------------
// Who tries

const PEOPLE = [
  'huangweiyan', // clerk (文秘)
  'chenweiyan', // office reviewer (审核人)
  'zh1-director', // office director (处长)
  'chunxin', // the leader asked for the 批示 on 国发〔2016〕76号
  'mishuzhang', // a leader not involved in it
  'fgw-mishu', // 省发展改革委 handler: 主办
  'fgw-head', // 省发展改革委 head
  'czt-handler', // 省财政厅 handler: 会办, and the body of the 政务失信记录
  'czt-head', // 省财政厅 head
  'sft-handler', // 省司法厅: another department's staff, sent nothing
  'gz-head', // 广州市: sent nothing, but the 传阅 reader of 国发〔2016〕76号
  'ducha', // 督查室, who registered the record (CREDIT_OFFICER)
  'xinyong', // 督查室 (CREDIT_OFFICER)
  'admin', // administers users, not documents
  'baomi', // 保密员: reads the audit trail, sees no document for it
] as const;
type Person = (typeof PEOPLE)[number];
type Who = Person | 'anonymous';
const EVERYONE: Who[] = [...PEOPLE, 'anonymous'];

/** An outcome: any 2xx is `ok`, anything else its status. */
type Outcome = 'ok' | 400 | 401 | 403 | 404 | 409 | 503;
/** Who gets which outcome, as space-separated usernames; the unnamed get `else`, anonymous 401. */
type Expect = Partial<Record<Exclude<Outcome, 'ok'> | 'ok', string>> & { else?: Outcome };

function outcomes(e: Expect): Record<Who, Outcome> {
  const out = {} as Record<Who, Outcome>;
  for (const [outcome, names] of Object.entries(e)) {
    if (outcome === 'else') continue;
    for (const who of (names as string).split(/\s+/).filter(Boolean)) {
      if (!EVERYONE.includes(who as Who)) throw new Error(`unknown person ${who}`);
      if (who in out) throw new Error(`${who} is named twice`);
      out[who as Who] = outcome === 'ok' ? 'ok' : (Number(outcome) as Outcome);
    }
  }
  for (const who of EVERYONE) out[who] ??= who === 'anonymous' ? 401 : (e.else ?? 403);
  return out;
}

// Groups, to keep the rows short.
const OFFICE = 'huangweiyan chenweiyan zh1-director';
const FGW = 'fgw-mishu fgw-head';
const CZT = 'czt-handler czt-head';
const CREDIT = 'ducha xinyong';
/** 国发〔2016〕76号 does not exist for them. */
const SEED_HIDDEN = 'mishuzhang sft-handler ducha xinyong admin baomi';
/** Who sees 国发〔2016〕76号: the office, the leader asked, both departments, the 传阅 reader. */
const SEES_SEED = `${OFFICE} chunxin ${FGW} ${CZT} gz-head`;
/** Who does not see 省发展改革委's task on it: 省财政厅 (its own task only), the reader, and the hidden. */
const FGW_TASK_HIDDEN = `${CZT} gz-head ${SEED_HIDDEN}`;
/** Who does not see the record against 省财政厅 (integrityScope: a body sees its own records only). */
/** Who does not see 省财政厅's record: other bodies, and the administrator (accounts, not records). */
const RECORD_HIDDEN = `${FGW} sft-handler gz-head baomi admin`;
/** Department staff whose role fits a 省财政厅 step but who do not see its record. */
const OTHER_HEADS = 'fgw-head gz-head';
const EVERYONE_OK: Expect = { ok: PEOPLE.join(' ') };

// ---------------------------------------------------------------------------------------------
// The app, its people and the fixtures

const api = useSeedDayApi([]);
const app = (): Express => api.stack.app;
const db = () => api.stack.database.db;
const tokens = {} as Record<Person, string>;
const directives = () => directiveSteps(api.stack.temporal, api.stack.taskQueue);
const integrity = () => integritySteps(api.stack.temporal, api.stack.taskQueue);

type Params = Record<string, string>;

async function send(who: Who, method: 'get' | 'post' | 'put', url: string, body?: object, token?: string) {
  let req = request(app())[method](url);
  const bearer = token ?? (who === 'anonymous' ? undefined : tokens[who]);
  if (bearer) req = req.set('Authorization', `Bearer ${bearer}`);
  return method === 'get' ? req : req.send(body ?? {});
}
const upload = (who: Who, fileName: string, content = PDF) => {
  let req = request(app()).post(`/api/attachments?fileName=${encodeURIComponent(fileName)}`);
  if (who !== 'anonymous') req = req.set('Authorization', `Bearer ${tokens[who]}`);
  return req.set('Content-Type', 'application/octet-stream').send(content);
};
const sendRaw = (who: Who, url: string, content: Buffer) => {
  let req = request(app()).post(url);
  if (who !== 'anonymous') req = req.set('Authorization', `Bearer ${tokens[who]}`);
  return req.set('Content-Type', 'application/octet-stream').send(content);
};
/** A new account of 省司法厅, for a row that changes it (the administrator's). */
async function freshAccount(): Promise<Params> {
  const res = await ok(
    send('admin', 'post', '/api/org/users', {
      username: `access-${next()}`,
      displayName: '访问测试',
      departmentCode: 'GDSFT',
      roles: ['DEPT_HANDLER'],
    }),
    201,
  );
  return { id: (res.body as { user: { id: string } }).user.id };
}
/** The body of a response that must have succeeded. */
async function ok(res: Promise<Response> | Response, status = 200): Promise<Response> {
  const r = await res;
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r;
}
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
let serial = 0;
const next = () => ++serial;

/** The shared fixtures, made once; refusals never change them. */
const F = {
  seed: '', // 国发〔2016〕76号: 省发展改革委 reported (with a file), 省财政厅 dispatched, 传阅 1 to 广州市
  seedFile: '', // filed with its registration
  fgwFile: '', // 省发展改革委's 回报单 file
  clerkUpload: '', // an upload of the clerk's, filed nowhere yet
  gzNotice: '', // 广州市's 传阅 notice
  delegation: '', // 黄炜演's 委托 to 陈伟演
  record: '', // the 政务失信记录 against 省财政厅, registered by 督查员 with evidence
  evidenceFile: '',
  case: '', // a 追责案件 opened on it
  /** Rectified before the 90-day wait, so repairable now: for 申请信用修复, and repairs asked. */
  repairable: '',
  repairAsked: [] as string[],
};

// Directives, straight at their workflows (as the API would): each a new 国发 number.
const registered = () =>
  directives().register({ ...SEED_DIRECTIVE, docNumber: `国发〔2016〕${200 + next()}号` });
async function accepted() {
  const rn = await registered();
  await directives().accept(rn);
  return rn;
}
async function reviewing() {
  const rn = await accepted();
  await directives().propose(rn); // 省发展改革委 主办, 春新 asked
  return rn;
}
async function reviewedOnce() {
  const rn = await reviewing();
  await directives().signOff(rn, people.reviewer);
  return rn;
}
async function awaitingInstruction() {
  const rn = await reviewedOnce();
  await directives().signOff(rn, people.director);
  return rn;
}
async function instructed() {
  const rn = await awaitingInstruction();
  await directives().instruct(rn);
  return rn;
}
async function dispatched(rn?: string) {
  rn ??= await instructed();
  await directives().dispatch(rn);
  await until(
    async () =>
      (await db().departmentTask.count({ where: { receiptNumber: rn, departmentCode: 'GDFGW' } })) > 0,
    `the task of ${rn}`,
  );
  return rn;
}
const fgwTask = (rn: string) => directives().task(rn, 'GDFGW');
async function signedFor() {
  const rn = await dispatched();
  await fgwTask(rn).executeUpdate(signForUpdate, {
    args: [{ by: people.fgwHandler, deptReceiptNumber: `${next()}号` }],
  });
  return rn;
}
async function reported() {
  const rn = await signedFor();
  await fgwTask(rn).executeUpdate(submitReportUpdate, {
    args: [{ by: people.fgwHead, options: [1], text: '已原文翻印发至各市、县。' }],
  });
  return rn;
}
/** 办理提示 4, 代拟稿待后送出: the 回报单 accepted, the 代拟稿 owed. */
async function draftOwed() {
  const rn = await registered();
  await directives().instructed(rn, seedProposal({ handlingOption: 4 }));
  await dispatched(rn);
  await fgwTask(rn).executeUpdate(signForUpdate, {
    args: [{ by: people.fgwHandler, deptReceiptNumber: `${next()}号` }],
  });
  await fgwTask(rn).executeUpdate(submitReportUpdate, {
    args: [{ by: people.fgwHead, options: [4], text: '需加具贯彻意见', draftToFollow: true }],
  });
  await fgwTask(rn).executeUpdate(reviewReportUpdate, {
    args: [{ by: people.clerk, decision: 'ACCEPT', comment: '' }],
  });
  return rn;
}
async function draftSent() {
  const rn = await draftOwed();
  await fgwTask(rn).executeUpdate(sendDraftUpdate, {
    args: [{ by: people.fgwHead, draft: '关于加强我省政务诚信建设的实施意见（代拟稿）' }],
  });
  return rn;
}
async function extensionAsked() {
  const rn = await dispatched();
  await fgwTask(rn).executeUpdate(requestExtensionUpdate, {
    args: [{ by: people.fgwHandler, newDueDate: '2017-04-30', reason: '需征求各市意见' }],
  });
  return rn;
}
async function closed() {
  const rn = await reported();
  await fgwTask(rn).executeUpdate(reviewReportUpdate, {
    args: [{ by: people.clerk, decision: 'ACCEPT', comment: '' }],
  });
  await until(
    async () => (await db().directive.findUnique({ where: { receiptNumber: rn } }))?.status === 'CLOSED',
    `办结 of ${rn}`,
  );
  return rn;
}
async function circulatedTo(reader: Actor): Promise<Params> {
  const rn = await instructed();
  const state: DirectiveState = await directives()
    .directive(rn)
    .executeUpdate(circulateUpdate, {
      args: [{ by: people.clerk, readers: [reader], purpose: 'READ', note: '' }],
    });
  return { receiptNumber: rn, circulationId: String(state.circulations!.at(-1)!.id) };
}
const onDirective = (make: () => Promise<string>) => async () => ({ receiptNumber: await make() });
const onFgwTask = (make: () => Promise<string>) => async () => ({
  receiptNumber: await make(),
  departmentCode: 'GDFGW',
});
/** One fixture for all the row allows, where their steps add up in any order. */
const once = <T>(make: () => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
};

// 政务失信记录 against 省财政厅: registered through the API, then driven straight at the workflows.
const BREACH = {
  subject: { kind: 'BODY', departmentCode: 'GDCZT' },
  source: 'BROKEN_COMMITMENT',
  sourceRef: '粤财承诺〔2016〕12号',
  facts: '承诺2016年12月31日前支付政府采购合同尾款，逾期未支付。',
  principal: { name: '省财政厅主要负责人', title: '厅长' },
  severity: { level: 'GENERAL', loss: '拖欠合同款约120万元', socialImpact: '企业投诉' },
  published: true,
  occurredOn: '2017-01-01',
};
async function recordBy(opener: 'ducha' | 'xinyong' = 'ducha', attachments?: string[]) {
  const res = await ok(
    send(opener, 'post', '/api/integrity/records', { ...BREACH, ...(attachments ? { attachments } : {}) }),
    201,
  );
  return (res.body as { record: { recordId: string } }).record.recordId;
}
async function explained() {
  const id = await recordBy();
  await integrity().explain(id);
  return id;
}
async function planned() {
  const id = await explained();
  await integrity().plan(id);
  return id;
}
async function completed() {
  const id = await planned();
  await integrity().complete(id);
  return id;
}
async function objectedRecord(opener: 'ducha' | 'xinyong') {
  const id = await recordBy(opener);
  await integrity().objectToRecord(id);
  return id;
}
/** Cases are opened on one record of their own; each case has its own workflow. */
const caseHost = once(() => recordBy());
/** One opening at a time: the answer names the record's latest case, which a concurrent one would move. */
let opening: Promise<unknown> = Promise.resolve();
function openCase(): Promise<string> {
  const opened = opening.then(openCaseNow);
  opening = opened.catch(() => undefined);
  return opened;
}
async function openCaseNow() {
  const res = await ok(
    send('ducha', 'post', `/api/integrity/records/${await caseHost()}/cases`, {
      reason: '追究主要负责人责任。',
    }),
  );
  return (res.body as { caseId: string }).caseId;
}
async function investigated() {
  const id = await openCase();
  await integrity().investigate(id);
  return id;
}
async function decided(by = people.director) {
  const id = await investigated();
  await integrity().decide(id, { measure: 'PUBLIC_CRITICISM', reasons: '未履行公开承诺。' }, by);
  return id;
}
async function objectedCase(decider: typeof people.director) {
  const id = await decided(decider);
  await integrity().objectToDecision(id);
  return id;
}
const onRecord = (make: () => Promise<string>) => async () => ({ recordId: await make() });
const onCase = (make: () => Promise<string>) => async () => ({ caseId: await make() });

// ---------------------------------------------------------------------------------------------
// The table: one row per route (a route may have more, for different targets)

interface Row {
  /** The route as the app's router spells it: method and path. */
  route: string;
  /** What the row tries, when a route has more than one row. */
  what?: string;
  expect: Expect;
  /** The target everyone tries (the shared fixtures); the route's params. */
  on?: () => Params;
  /** A new target for each person the row allows, so each write starts from the state it needs. */
  fresh?: (who: Who) => Promise<Params>;
  body?: object | ((who: Who) => object);
  /** The concrete path, for a route that is a pattern. */
  path?: string;
  upload?: boolean;
  /** A raw body (an import's file) and the query that names it, instead of a JSON body. */
  raw?: { query: string; content: Buffer };
  /** A session of its own (signing out ends it). */
  ownSession?: boolean;
  /** More to check of an answer that succeeded. */
  check?: (res: Response) => void;
}

const seed = () => ({ receiptNumber: F.seed });
const seedFgwTask = () => ({ receiptNumber: F.seed, departmentCode: 'GDFGW' });
const record = () => ({ recordId: F.record });
const theCase = () => ({ caseId: F.case });
const noStore = (res: Response) => expect(res.headers['cache-control']).toBe('no-store');

/** A directive step: the office roles named may take it, everyone who sees the seed else is refused. */
const onSeed = (ok: string, make: () => Promise<string>, body: object): Omit<Row, 'route'> => ({
  expect: { ok, 404: SEED_HIDDEN },
  on: seed,
  fresh: onDirective(make),
  body,
});
/** A step on 省发展改革委's task: who may see it but not take it is refused, the rest see nothing. */
const onSeedTask = (ok: string, make: () => Promise<string>, body: object): Omit<Row, 'route'> => ({
  expect: { ok, 404: FGW_TASK_HIDDEN },
  on: seedFgwTask,
  fresh: onFgwTask(make),
  body,
});
/** A 省财政厅 step on its record: its staff of the right role act; heads elsewhere do not see it. */
const bySubject = (
  ok: string,
  fresh: Row['fresh'],
  body: object,
  on: () => Params = record,
): Omit<Row, 'route'> => ({
  expect: { ok, 404: OTHER_HEADS },
  on,
  fresh,
  body,
});

const ROWS: Row[] = [
  // Open to anyone
  {
    route: 'GET /health',
    // Open to anyone. Under the test server, whose clock is in 2017, the worker's polls look years
    // old, so the worker check is down: 503, alike for everyone.
    expect: { 503: `${PEOPLE.join(' ')} anonymous` },
  },
  {
    route: 'POST /api/auth/login',
    expect: EVERYONE_OK, // anonymous: a wrong password
    body: (who) =>
      who === 'anonymous'
        ? { username: 'nobody', password: 'guess' }
        : { username: who, password: 'duban-demo-2017' },
  },
  // The API's OpenAPI document (its interactive docs at /api/docs are static files, not a route).
  { route: 'GET /api/openapi.json', expect: { ok: `${PEOPLE.join(' ')} anonymous` } },
  {
    // The Temporal Web UI's codec endpoint: the operator's only.
    route: `POST ${String(/^\/codec(?:\/([^/]*))?\/(encode|decode)\/?$/)}`,
    path: '/codec/decode',
    expect: { ok: 'admin' },
    body: { payloads: [] },
  },

  // Sessions, 委托, policy, who is who
  { route: 'GET /api/auth/me', expect: EVERYONE_OK },
  // 个人设置: everyone his own notice preference
  { route: 'GET /api/me/notice-settings', expect: EVERYONE_OK },
  {
    route: 'PUT /api/me/notice-settings',
    expect: EVERYONE_OK,
    body: { email: null, noticeByEmail: false },
  },
  { route: 'POST /api/auth/logout', expect: EVERYONE_OK, ownSession: true },
  {
    route: 'POST /api/delegations',
    expect: EVERYONE_OK,
    body: (who) => ({
      toUserId: who === 'admin' ? 'u-huangweiyan' : 'u-admin',
      startsOn: '2017-04-10',
      endsOn: '2017-04-20',
      reason: '出差',
    }),
  },
  { route: 'GET /api/delegations', expect: EVERYONE_OK },
  {
    route: 'POST /api/delegations/:id/revoke',
    what: "黄炜演's 委托",
    expect: { ok: 'huangweiyan', else: 404 },
    on: () => ({ id: F.delegation }),
    fresh: async () => ({ id: await delegationOfClerk() }),
  },
  { route: 'GET /api/policy', expect: EVERYONE_OK },
  {
    route: 'PUT /api/policy',
    expect: { ok: 'zh1-director admin' },
    body: () => ({ ...DEFAULT_POLICY, version: `access-${next()}` }),
  },
  { route: 'GET /api/directory', expect: { ok: `${OFFICE} ${CREDIT} admin` } },

  // 审计日志: the administrator and the 保密员 only
  { route: 'GET /api/audit', expect: { ok: 'admin baomi' } },
  {
    route: 'GET /api/audit/verify',
    expect: { ok: 'admin baomi' },
    check: (res) => expect(res.body.ok).toBe(true),
  },
  { route: 'GET /api/names', expect: EVERYONE_OK },

  // 涉密资格: the 保密员 only (not the administrator: he must not grant himself secrets)
  { route: 'GET /api/clearances', expect: { ok: 'baomi', else: 403 } },
  {
    route: 'PUT /api/users/:id/clearance',
    expect: { ok: 'baomi', else: 403 },
    on: () => ({ id: 'u-sft-handler' }),
    body: { clearance: '非密', reason: '保密委〔2017〕1号审批' },
  },

  // 机构与用户: the administrator only; 修改密码: everyone signed in, for himself
  { route: 'GET /api/org/departments', expect: { ok: 'admin' } },
  {
    route: 'POST /api/org/departments',
    expect: { ok: 'admin' },
    body: () => ({ code: `ACC-${next()}`, name: `访问测试单位${next()}`, kind: 'RESPONSIBLE_DEPARTMENT' }),
  },
  {
    route: 'PUT /api/org/departments/:code',
    expect: { ok: 'admin' },
    on: () => ({ code: 'GDJXW' }),
    body: { name: '省经济和信息化委', kind: 'RESPONSIBLE_DEPARTMENT' },
  },
  { route: 'GET /api/org/users', expect: { ok: 'admin' } },
  {
    route: 'POST /api/org/users',
    expect: { ok: 'admin' },
    body: () => ({
      username: `access-new-${next()}`,
      displayName: '访问测试',
      departmentCode: 'GDSFT',
      roles: ['DEPT_HANDLER'],
    }),
  },
  {
    route: 'PUT /api/org/users/:id',
    what: 'deactivating an account',
    expect: { ok: 'admin' },
    on: () => ({ id: 'u-sft-handler' }),
    fresh: freshAccount,
    body: { displayName: '访问测试', departmentCode: 'GDSFT', roles: ['DEPT_HANDLER'], active: false },
  },
  {
    route: 'POST /api/org/users/:id/password-reset',
    expect: { ok: 'admin' },
    on: () => ({ id: 'u-sft-handler' }),
    fresh: freshAccount,
  },
  { route: 'POST /api/org/users/:id/unlock', expect: { ok: 'admin' }, on: () => ({ id: 'u-sft-handler' }) },
  {
    route: 'POST /api/org/import',
    what: 'checked only (dryRun)',
    expect: { ok: 'admin' },
    raw: {
      query: 'fileName=access.csv&dryRun=true',
      content: Buffer.from('用户名,姓名,单位代码,角色\nx-y,某人,GDSFT,承办人\n'),
    },
  },
  {
    route: 'POST /api/auth/password',
    what: 'with a wrong current password',
    expect: { 400: PEOPLE.join(' ') },
    body: { currentPassword: 'not-my-password', newPassword: 'Another2017pw' },
  },

  // 启用编号: where the year's numbers continue from; the clerk reads, the administrator sets
  {
    route: 'GET /api/registers/:year/numbering',
    expect: { ok: 'huangweiyan admin', else: 403 },
    on: () => ({ year: '2017' }),
  },
  {
    route: 'PUT /api/registers/:year/numbering',
    expect: { ok: 'admin', else: 403 },
    on: () => ({ year: '2017' }),
    body: { lastHandlingSequences: { 试: 0 } },
  },

  // 附件
  {
    route: 'POST /api/attachments',
    expect: { ok: `huangweiyan ${FGW} ${CZT} sft-handler gz-head ${CREDIT}` },
    upload: true,
  },
  {
    route: 'GET /api/attachments/:id',
    what: "国发〔2016〕76号's own file",
    expect: { ok: SEES_SEED, else: 404 },
    on: () => ({ id: F.seedFile }),
    check: noStore,
  },
  {
    route: 'GET /api/attachments/:id',
    what: "省发展改革委's 回报单 file",
    expect: { ok: `${OFFICE} chunxin ${FGW}`, else: 404 },
    on: () => ({ id: F.fgwFile }),
    check: noStore,
  },
  {
    route: 'GET /api/attachments/:id',
    what: "the record's evidence",
    expect: { ok: `${OFFICE} chunxin mishuzhang ${CZT} ${CREDIT}`, else: 404 },
    on: () => ({ id: F.evidenceFile }),
    check: noStore,
  },
  {
    route: 'GET /api/attachments/:id',
    what: "the clerk's upload, filed nowhere yet",
    expect: { ok: 'huangweiyan', else: 404 },
    on: () => ({ id: F.clerkUpload }),
  },

  // 收文
  {
    route: 'POST /api/receipts',
    expect: { ok: 'huangweiyan' },
    body: () => ({ sourceOrg: '国务院', docNumber: `国函〔2017〕${next()}号`, copies: 1 }),
  },
  {
    route: 'POST /api/directives',
    expect: { ok: 'huangweiyan' },
    body: () => ({ ...SEED_DIRECTIVE, docNumber: `国办发〔2017〕${next()}号` }),
  },
  { route: 'GET /api/directives/:receiptNumber', expect: { ok: SEES_SEED, else: 404 }, on: seed },
  { route: 'GET /api/directives/:receiptNumber/execution', expect: { ok: SEES_SEED, else: 404 }, on: seed },
  // 打印: a form is seen as what it prints, the directive or 省发展改革委's task (api/routes/forms.ts)
  {
    route: 'GET /api/directives/:receiptNumber/forms/approval-sheet',
    expect: { ok: SEES_SEED, else: 404 },
    on: seed,
  },
  {
    route: 'GET /api/directives/:receiptNumber/forms/report-sheet/:departmentCode',
    expect: { ok: `${OFFICE} chunxin ${FGW}`, else: 404 },
    on: seedFgwTask,
  },
  {
    route: 'GET /api/directives/:receiptNumber/forms/dispatch-letter/:departmentCode',
    expect: { ok: `${OFFICE} chunxin ${FGW}`, else: 404 },
    on: seedFgwTask,
  },
  {
    route: 'GET /api/directives/:receiptNumber/forms/urge-sheet/:departmentCode',
    what: '省发展改革委 has reported: nothing to urge',
    expect: { 409: `${OFFICE} chunxin ${FGW}`, else: 404 },
    on: seedFgwTask,
  },

  // Steps on a directive: 404 first for whom it does not exist, then the role (403)
  {
    route: 'POST /api/directives/:receiptNumber/proposal',
    ...onSeed('huangweiyan', accepted, {
      leadDepartment: 'GDFGW',
      handlingOption: 1,
      leaders: ['u-chunxin'],
      comment: '拟请省发展改革委研究提出办理意见。',
    }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/review',
    ...onSeed('chenweiyan zh1-director', reviewing, { decision: 'APPROVE', comment: '' }),
    // The policy's order: the reviewer signs first, then the director.
    fresh: async (who) => ({ receiptNumber: await (who === 'chenweiyan' ? reviewing() : reviewedOnce()) }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/instruction',
    // 办公厅秘书长 is a leader too, but not asked: for him it does not exist.
    ...onSeed('chunxin', awaitingInstruction, { decision: 'APPROVE', text: '同意。' }),
  },
  { route: 'POST /api/directives/:receiptNumber/dispatch', ...onSeed('huangweiyan', instructed, {}) },
  {
    route: 'POST /api/directives/:receiptNumber/withdraw',
    ...onSeed('huangweiyan zh1-director', registered, { reason: '来文单位通知另行部署' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/file',
    ...onSeed('huangweiyan zh1-director', accepted, { comment: '存档备查' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/initial-review',
    ...onSeed('huangweiyan zh1-director', registered, { decision: 'ACCEPT', comment: '' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/urger',
    ...onSeed('huangweiyan zh1-director', registered, { urger: 'u-huangweiyan' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/circulations',
    ...onSeed(OFFICE, once(instructed), { readers: ['u-mishuzhang'], purpose: 'READ', note: '' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/circulations/:circulationId/read',
    // The office and the departments see the directive, but 传阅 1 was not sent to them (403).
    expect: { ok: 'gz-head', 404: SEED_HIDDEN },
    on: () => ({ receiptNumber: F.seed, circulationId: '1' }),
    fresh: () => circulatedTo({ userId: 'u-gz-head', displayName: '广州市政府办公厅负责人' }),
    body: {},
  },
  {
    route: 'POST /api/directives/:receiptNumber/circulations/:circulationId/recall',
    expect: { ok: OFFICE, 404: SEED_HIDDEN },
    on: () => ({ receiptNumber: F.seed, circulationId: '1' }),
    fresh: () => circulatedTo({ userId: 'u-mishuzhang', displayName: '办公厅秘书长' }),
    body: { reason: '误送' },
  },
  {
    route: 'POST /api/directives/:receiptNumber/reply',
    ...onSeed('huangweiyan zh1-director', closed, { text: '已办理完毕。', notifyDepartments: [] }),
  },

  // Steps on 省发展改革委's task: 省财政厅 sees the directive, but not this task (404)
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/sign-for',
    ...onSeedTask(FGW, dispatched, { deptReceiptNumber: '319号' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/report',
    ...onSeedTask('fgw-head', signedFor, { options: [1], text: '已原文翻印发至各市、县。' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/review',
    ...onSeedTask(OFFICE, reported, { decision: 'ACCEPT', comment: '' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/draft',
    ...onSeedTask('fgw-head', draftOwed, { draft: '关于加强我省政务诚信建设的实施意见（代拟稿）' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/draft/review',
    ...onSeedTask(OFFICE, draftSent, { decision: 'ACCEPT', comment: '' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/extension',
    ...onSeedTask(FGW, dispatched, { newDueDate: '2017-04-30', reason: '需征求各市意见' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/extension/decision',
    ...onSeedTask(OFFICE, extensionAsked, { approve: true, comment: '' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/urge',
    ...onSeedTask(OFFICE, once(dispatched), { text: '请抓紧回报。' }),
  },
  {
    route: 'POST /api/directives/:receiptNumber/tasks/:departmentCode/handler',
    ...onSeedTask(OFFICE, dispatched, { handler: 'u-fgw-head', reason: '承办人出差' }),
  },

  // Lists and the inbox: everyone, each their own
  { route: 'GET /api/directives', expect: EVERYONE_OK },
  { route: 'GET /api/tasks', expect: EVERYONE_OK },
  { route: 'GET /api/inbox', expect: EVERYONE_OK },
  { route: 'GET /api/todo', expect: EVERYONE_OK },
  { route: 'GET /api/done', expect: EVERYONE_OK },
  // 督办台账: those who handle directives, each over what he sees; 督查室, 保密员, admin none
  ...['', '/stats', '/export'].map((sub) => ({
    route: `GET /api/ledger${sub}`,
    expect: { ok: `${OFFICE} chunxin mishuzhang ${FGW} ${CZT} sft-handler gz-head` },
  })),
  {
    route: 'POST /api/inbox/:id/read',
    what: "广州市's 传阅 notice",
    expect: { ok: 'gz-head', else: 404 },
    on: () => ({ id: F.gzNotice }),
  },

  // The integrity chain. Its routes judge the role first (403), then whether the record is
  // visible (404): integrity.ts keeps that order (see the README's "Who sees what").
  { route: 'GET /api/integrity/policy', expect: EVERYONE_OK },
  {
    route: 'PUT /api/integrity/policy',
    expect: { ok: 'zh1-director admin' },
    body: () => ({ ...DEFAULT_INTEGRITY_POLICY, version: `access-${next()}` }),
  },
  { route: 'POST /api/integrity/records', expect: { ok: CREDIT }, body: BREACH },
  { route: 'GET /api/integrity/records', expect: EVERYONE_OK },
  { route: 'GET /api/integrity/records/export', expect: { ok: `zh1-director ${CREDIT}` } },
  {
    route: 'GET /api/integrity/records/:recordId',
    expect: { 404: RECORD_HIDDEN, else: 'ok' },
    on: record,
  },
  {
    route: 'POST /api/integrity/records/:recordId/corrections',
    expect: { ok: CREDIT },
    on: record,
    fresh: onRecord(once(() => recordBy())),
    body: () => ({ changes: { facts: `逾期未支付合同尾款约${100 + next()}万元。` }, reason: '核实金额' }),
  },
  {
    route: 'POST /api/integrity/records/:recordId/explanation',
    ...bySubject(
      CZT,
      onRecord(() => recordBy()),
      { text: '因预算调整审批未及时完成。' },
    ),
    expect: { ok: CZT, 404: `${FGW} sft-handler gz-head` },
  },
  {
    route: 'POST /api/integrity/records/:recordId/plan',
    ...bySubject('czt-head', onRecord(explained), { text: '一月底前完成支付。' }),
  },
  {
    route: 'POST /api/integrity/records/:recordId/completion',
    ...bySubject('czt-head', onRecord(planned), { text: '尾款已支付。' }),
  },
  {
    route: 'POST /api/integrity/records/:recordId/verification',
    expect: { ok: CREDIT },
    on: record,
    fresh: onRecord(completed),
    body: { pass: true, comment: '整改到位' },
  },
  {
    route: 'POST /api/integrity/records/:recordId/cases',
    expect: { ok: CREDIT },
    on: record,
    fresh: onRecord(caseHost),
    body: { reason: '追究主要负责人责任。' },
  },
  {
    route: 'POST /api/integrity/records/:recordId/objections',
    ...bySubject(
      'czt-head',
      onRecord(() => recordBy()),
      { reason: '逾期系财政部资金调度所致。' },
    ),
  },
  {
    route: 'POST /api/integrity/records/:recordId/objections/:objectionId/review',
    // 回避: each reviewer gets a record someone else registered.
    expect: { ok: `${CREDIT} zh1-director` },
    on: () => ({ recordId: F.record, objectionId: '1' }),
    fresh: async (who) => ({
      recordId: await objectedRecord(who === 'ducha' ? 'xinyong' : 'ducha'),
      objectionId: '1',
    }),
    body: { uphold: false, reasons: '异议理由不成立。' },
  },
  {
    route: 'POST /api/integrity/records/:recordId/repair',
    ...bySubject('czt-head', () => Promise.resolve({ recordId: F.repairable }), {
      statement: '已整改到位，申请信用修复。',
    }),
  },
  {
    route: 'POST /api/integrity/records/:recordId/repair/decision',
    expect: { ok: CREDIT },
    on: record,
    fresh: (who) => Promise.resolve({ recordId: F.repairAsked[who === 'ducha' ? 0 : 1]! }),
    body: { approve: true, comment: '' },
  },
  { route: 'GET /api/integrity/cases/:caseId', expect: { 404: RECORD_HIDDEN, else: 'ok' }, on: theCase },
  {
    route: 'POST /api/integrity/cases/:caseId/investigation',
    expect: { ok: CREDIT },
    on: theCase,
    fresh: onCase(openCase),
    body: { findings: '承诺未履行属实。' },
  },
  {
    route: 'POST /api/integrity/cases/:caseId/mitigation',
    ...bySubject(
      'czt-head',
      onCase(openCase),
      { grounds: ['RECOVERED_LOSS'], statement: '已全额支付。' },
      theCase,
    ),
  },
  {
    route: 'POST /api/integrity/cases/:caseId/decision',
    expect: { ok: `zh1-director ${CREDIT}` },
    on: theCase,
    fresh: onCase(investigated),
    body: { measure: 'PUBLIC_CRITICISM', reasons: '未履行公开承诺。' },
  },
  {
    route: 'POST /api/integrity/cases/:caseId/objections',
    ...bySubject(
      'czt-head',
      onCase(() => decided()),
      { reason: '已主动挽回损失，请求从轻。' },
      theCase,
    ),
  },
  {
    route: 'POST /api/integrity/cases/:caseId/objections/:objectionId/review',
    // 回避: the director reviews a decision of 督查员's, the credit staff one of the director's.
    expect: { ok: `${CREDIT} zh1-director` },
    on: () => ({ caseId: F.case, objectionId: '1' }),
    fresh: async (who) => ({
      caseId: await objectedCase(who === 'zh1-director' ? people.ducha : people.director),
      objectionId: '1',
    }),
    body: { uphold: false, reasons: '决定并无不当。' },
  },
  {
    route: 'GET /api/integrity/evaluation',
    // The ranking is the office's and 督查室's; a body reads its own evaluation.
    expect: { ok: `${OFFICE} chunxin mishuzhang ${CREDIT}` },
  },
  {
    route: 'GET /api/integrity/evaluation/:departmentCode',
    expect: { 404: RECORD_HIDDEN, else: 'ok' },
    on: () => ({ departmentCode: 'GDCZT' }),
  },
];

async function delegationOfClerk(): Promise<string> {
  const res = await ok(
    send('huangweiyan', 'post', '/api/delegations', {
      toUserId: 'u-chenweiyan',
      startsOn: '2017-04-10',
      endsOn: '2017-04-20',
      reason: '休假',
    }),
    201,
  );
  return String((res.body as { delegation: { id: number } }).delegation.id);
}

// ---------------------------------------------------------------------------------------------
// Fixtures

beforeAll(async () => {
  for (const who of PEOPLE) tokens[who] = await signIn(app(), who);

  // Three records rectified on the first day, so that after the 90-day wait one may ask for
  // 信用修复 and two have asked. Everything else is made after the wait.
  const rectified = await Promise.all(
    [0, 1, 2].map(async () => {
      const id = await recordBy();
      await integrity().rectified(id);
      return id;
    }),
  );
  await api.until('2017-04-04T10:00');
  F.repairable = rectified[0]!;
  F.repairAsked = rectified.slice(1);
  await Promise.all(F.repairAsked.map((id) => integrity().applyRepair(id)));

  // 国发〔2016〕76号 with its file; 拟办 to 省发展改革委 with 省财政厅, 春新 批示, 转办.
  F.seedFile = (await ok(upload('huangweiyan', '国发〔2016〕76号.pdf'), 201)).body.attachment.id;
  const registration = await ok(
    send('huangweiyan', 'post', '/api/directives', { ...SEED_DIRECTIVE, attachments: [F.seedFile] }),
    201,
  );
  F.seed = registration.body.directive.receiptNumber;
  const steps = directives();
  await steps.accept(F.seed);
  await steps.propose(F.seed, {
    leadDepartment: 'GDFGW',
    coDepartments: ['GDCZT'],
    handlingOption: 1,
    leaders: [{ userId: 'u-chunxin', displayName: '春新' }],
    leaderMode: 'SEQUENCE',
    comment: '拟请省发展改革委会同省财政厅研究提出办理意见。',
  });
  await steps.signOff(F.seed, people.reviewer);
  await steps.signOff(F.seed, people.director);
  await steps.instruct(F.seed);
  await steps.dispatch(F.seed);
  await until(
    async () => (await db().departmentTask.count({ where: { receiptNumber: F.seed } })) === 2,
    '转办',
  );
  // 传阅 to 广州市's head, who holds it unread.
  await ok(
    send('huangweiyan', 'post', `/api/directives/${F.seed}/circulations`, {
      readers: ['u-gz-head'],
      purpose: 'READ',
      note: '请阅',
    }),
  );
  await until(
    async () => (await db().notice.count({ where: { recipientId: 'u-gz-head', receiptNumber: F.seed } })) > 0,
    'the 传阅 notice',
  );
  F.gzNotice = String(
    (await db().notice.findFirstOrThrow({ where: { recipientId: 'u-gz-head', receiptNumber: F.seed } })).id,
  );
  // 省发展改革委 signs for it and reports with a file; 省财政厅 has not signed yet.
  await ok(
    send('fgw-mishu', 'post', `/api/directives/${F.seed}/tasks/GDFGW/sign-for`, {
      deptReceiptNumber: '319号',
    }),
  );
  F.fgwFile = (await ok(upload('fgw-head', '回报单.pdf'), 201)).body.attachment.id;
  await ok(
    send('fgw-head', 'post', `/api/directives/${F.seed}/tasks/GDFGW/report`, {
      options: [1],
      text: '已原文翻印发至各市、县，省府直属各部门。',
      attachments: [F.fgwFile],
    }),
  );
  F.clerkUpload = (await ok(upload('huangweiyan', '草稿.pdf'), 201)).body.attachment.id;
  F.delegation = await delegationOfClerk();

  // The record against 省财政厅, with evidence, and a case on it.
  F.evidenceFile = (await ok(upload('ducha', '证据.pdf'), 201)).body.attachment.id;
  F.record = await recordBy('ducha', [F.evidenceFile]);
  const opened = await ok(
    send('ducha', 'post', `/api/integrity/records/${F.record}/cases`, { reason: '立案。' }),
  );
  F.case = opened.body.caseId;
});

// ---------------------------------------------------------------------------------------------
// The routes of the app, from its router (Express 5: app.router.stack, routers nested in it)

interface RouteLayer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
  match(path: string): boolean;
}
function routesOf(expressApp: Express): { key: string; layer: RouteLayer }[] {
  const found: { key: string; layer: RouteLayer }[] = [];
  const walk = (stack: RouteLayer[]) => {
    for (const layer of stack) {
      if (layer.route)
        for (const method of Object.keys(layer.route.methods))
          found.push({ key: `${method.toUpperCase()} ${String(layer.route.path)}`, layer });
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((expressApp as unknown as { router: { stack: RouteLayer[] } }).router.stack);
  return found;
}

test('every route of the app has an access row, and every row names a route of the app', () => {
  const routes = routesOf(app()).map((r) => r.key);
  const rows = new Set(ROWS.map((r) => r.route));
  expect([
    ...routes.filter((key) => !rows.has(key)).map((key) => `route ${key} has no access row`),
    ...[...rows].filter((key) => !routes.includes(key)).map((key) => `row ${key} names no route of the app`),
  ]).toEqual([]);
});

/** What an answer was: `ok` for any 2xx, else its status. */
type Seen = 'ok' | number;
const classOf = (status: number): Seen => (status >= 200 && status < 300 ? 'ok' : status);
const fill = (path: string, params: Params) =>
  path.replace(/:(\w+)/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`no ${name} for ${path}`);
    return encodeURIComponent(params[name]);
  });

test.each(ROWS.map((row) => [row.what ? `${row.route} (${row.what})` : row.route, row] as const))(
  '%s',
  async (_name, row) => {
    const [method, pattern] = row.route.split(' ') as [string, string];
    const layer = routesOf(app()).find((r) => r.key === row.route)?.layer;
    const expected = outcomes(row.expect);
    const attempt = async (who: Who): Promise<[Who, Seen]> => {
      const params = expected[who] === 'ok' && row.fresh ? await row.fresh(who) : (row.on?.() ?? {});
      const path = row.path ?? fill(pattern, params);
      // The path reaches the row's route, not a neighbour.
      if (layer && !layer.match(path)) throw new Error(`${path} is not ${row.route}`);
      const token = row.ownSession && who !== 'anonymous' ? await signIn(app(), who) : undefined;
      const body = typeof row.body === 'function' ? row.body(who) : row.body;
      const res = row.upload
        ? await upload(who, `附件${next()}.pdf`)
        : row.raw
          ? await sendRaw(who, `${path}?${row.raw.query}`, row.raw.content)
          : await send(who, method.toLowerCase() as 'get' | 'post' | 'put', path, body, token);
      if (classOf(res.status) === 'ok') row.check?.(res);
      return [who, classOf(res.status)];
    };
    const actual = Object.fromEntries(await Promise.all(EVERYONE.map(attempt)));
    expect(actual).toEqual(expected);
  },
);

// ---------------------------------------------------------------------------------------------
// What the rows' answers hold

const receiptsOf = async (who: Person, query = '') =>
  (
    (await ok(send(who, 'get', `/api/directives?pageSize=100${query}`))).body.items as {
      receiptNumber: string;
      tasks: { departmentCode: string }[];
    }[]
  ).map((d) => ({ receiptNumber: d.receiptNumber, tasks: d.tasks.map((t) => t.departmentCode).sort() }));

test.each(PEOPLE)('for %s, the detail, the list and the files of 国发〔2016〕76号 agree', async (who) => {
  const [detail, file, list] = await Promise.all([
    send(who, 'get', `/api/directives/${F.seed}`),
    send(who, 'get', `/api/attachments/${F.seedFile}`),
    receiptsOf(who),
  ]);
  const sees = outcomes({ ok: SEES_SEED, else: 404 })[who] === 'ok';
  expect([detail.status, file.status, list.some((d) => d.receiptNumber === F.seed)]).toEqual(
    sees ? [200, 200, true] : [404, 404, false],
  );
});

test('a leader lists what concerns him: asked for 批示, a 传阅 reader, named in the timeline; the administrator nothing', async () => {
  const asked = await awaitingInstruction(); // 春新 asked
  const notYet = await accepted(); // no 拟办 yet
  const circulated = await circulatedTo({ userId: 'u-mishuzhang', displayName: '办公厅秘书长' });
  const chunxin = (await receiptsOf('chunxin')).map((d) => d.receiptNumber);
  expect(chunxin).toEqual(expect.arrayContaining([F.seed, asked, circulated.receiptNumber]));
  expect(chunxin).not.toContain(notYet);
  expect((await send('chunxin', 'get', `/api/directives/${notYet}`)).status).toBe(404);
  const mishuzhang = (await receiptsOf('mishuzhang')).map((d) => d.receiptNumber);
  expect(mishuzhang).toContain(circulated.receiptNumber);
  expect(mishuzhang).not.toContain(F.seed);
  expect(mishuzhang).not.toContain(asked);
  expect((await ok(send('admin', 'get', '/api/directives'))).body.total).toBe(0);
  // The office's handlers keep seeing everything.
  expect((await receiptsOf('chenweiyan')).map((d) => d.receiptNumber)).toEqual(
    expect.arrayContaining([F.seed, asked, notYet]),
  );
});

test('a department sees its own task only, in the list rows and their filters', async () => {
  const row = async (who: Person, query = '') =>
    (await receiptsOf(who, query)).find((d) => d.receiptNumber === F.seed);
  expect(await row('czt-handler')).toEqual({ receiptNumber: F.seed, tasks: ['GDCZT'] });
  expect(await row('fgw-head')).toEqual({ receiptNumber: F.seed, tasks: ['GDFGW'] });
  expect(await row('gz-head')).toEqual({ receiptNumber: F.seed, tasks: [] }); // the 传阅 reader
  expect(await row('chunxin')).toEqual({ receiptNumber: F.seed, tasks: ['GDCZT', 'GDFGW'] });
  // Filtered by 省发展改革委, 省财政厅 still finds it (the 主办 is on the row), with its own task only.
  expect(await row('czt-handler', '&department=GDFGW')).toEqual({ receiptNumber: F.seed, tasks: ['GDCZT'] });
  const tasks = (await ok(send('czt-handler', 'get', '/api/tasks'))).body.items as {
    departmentCode: string;
  }[];
  expect(new Set(tasks.map((t) => t.departmentCode))).toEqual(new Set(['GDCZT']));
});

test('a department reads the names in its own work, not the directory', async () => {
  expect((await send('fgw-head', 'get', '/api/directory')).status).toBe(403);
  const names = (await ok(send('fgw-head', 'get', '/api/names'))).body as {
    departments: { code: string }[];
    people: { id: string; displayName: string; departmentName: string }[];
  };
  const ids = names.people.map((p) => p.id);
  // Who registered, reviewed, gave the 批示, signed for and reported 国发〔2016〕76号.
  expect(ids).toEqual(
    expect.arrayContaining(['u-huangweiyan', 'u-chenweiyan', 'u-chunxin', 'u-fgw-mishu', 'u-fgw-head']),
  );
  // Not 督查室, not another department's people, not the reader 省发展改革委 never met.
  for (const stranger of ['u-ducha', 'u-xinyong', 'u-sft-handler', 'u-gz-head', 'u-czt-handler'])
    expect(ids).not.toContain(stranger);
  expect(names.people.find((p) => p.id === 'u-chunxin')).toEqual({
    id: 'u-chunxin',
    displayName: '春新',
    departmentName: '广东省人民政府办公厅',
  });
  expect(names.departments.map((d) => d.code)).toContain('GDCZT');
});

test('a leader reads the names of his own department’s colleagues, to name one his stand-in (委托)', async () => {
  const names = (await ok(send('chunxin', 'get', '/api/names'))).body as { people: { id: string }[] };
  // 办公厅秘书长 and 保密员, whom no document has brought together with him.
  expect(names.people.map((p) => p.id)).toEqual(expect.arrayContaining(['u-mishuzhang', 'u-baomi']));
});

// Last: it stops the worker.
test('while the workflows cannot answer, a leader asked for 批示 still finds the directive: the projection names him', async () => {
  const asked = await awaitingInstruction(); // 春新 asked; he has not looked at it yet
  await api.stack.stopWorker();
  expect((await send('chunxin', 'get', `/api/directives/${asked}`)).status).toBe(200);
  expect((await receiptsOf('chunxin')).map((d) => d.receiptNumber)).toContain(asked);
  // 办公厅秘书长, a leader not asked, does not.
  expect((await send('mishuzhang', 'get', `/api/directives/${asked}`)).status).toBe(404);
});
