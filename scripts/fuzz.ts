/**
 * The fuzz run (`bash scripts/fuzz.sh`): the whole stack as `npm start` runs it, on a throw-away
 * data directory and free ports, fuzzed by schemathesis from its own OpenAPI document
 * (/api/openapi.json), once for each person below and once signed out. Before the fuzzing, the
 * demo organisation's people carry a directive to its departments, a 传阅 and a 政务失信记录 with
 * a case, so that the fuzzer's path parameters reach real things and not only 404s (schemathesis
 * picks these ids with some probability and invents the rest).
 *
 * It counts what the API saw, from its own access log: requests, answers by class, 5xx, and
 * requests that never got an answer (a hang). schemathesis checks every answer for a server error
 * (not_a_server_error) and for time (max_response_time); its runs' output is kept beside the log.
 *
 * Environment: FUZZ_EXAMPLES (examples per operation and phase, default 40), FUZZ_PEOPLE
 * (usernames, comma-separated), FUZZ_SEED, FUZZ_MAX_RESPONSE_SECONDS (default 10), FUZZ_CHECKS,
 * FUZZ_KEEP=1 to keep the data directory. Not part of `npm test`: it takes tens of minutes on 2 cores.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD } from './demo-organisation';
import { freePort } from './free-port';

const ROOT = path.resolve(__dirname, '..');
const ST = path.join(ROOT, 'tools', 'schemathesis', 'bin', 'st');
/** Keeps On-Behalf-Of (委托) on a small share of the requests; see the file. */
const HOOKS = path.join(ROOT, 'scripts', 'fuzz_hooks.py');

const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20170103);
const MAX_RESPONSE_SECONDS = Number(process.env.FUZZ_MAX_RESPONSE_SECONDS ?? 10);
/**
 * A 5xx is a failure, and so is an answer the document does not describe (status, media type,
 * headers, body schema) or a route that answers without the session the document asks for.
 */
const CHECKS =
  process.env.FUZZ_CHECKS ??
  [
    'not_a_server_error',
    'status_code_conformance',
    'content_type_conformance',
    'response_headers_conformance',
    'response_schema_conformance',
    'ignored_auth',
  ].join(',');
/** Who fuzzes: the office's clerk and director, a leader, a department head, 督查室, the 保密员, the administrator. */
const PEOPLE = (
  process.env.FUZZ_PEOPLE ?? 'huangweiyan,zh1-director,chunxin,fgw-head,ducha,baomi,admin'
).split(',');

const say = (msg: string) => console.log(`fuzz: ${msg}`);

/** `npm start` on its own data directory and ports; resolves once it prints that it is ready. */
async function startStack(dataDir: string): Promise<{ child: ChildProcess; api: string }> {
  const [apiPort, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DUBAN_DATA_DIR: dataDir,
      API_PORT: String(apiPort),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      LOG_LEVEL: 'info', // the access log is what is counted
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(path.join(dataDir, 'start.log'));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('npm start was not ready within 3 minutes')), 180_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('duban: ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}); see ${dataDir}/start.log`)));
  });
  return { child, api: `http://127.0.0.1:${apiPort}` };
}

// ---------------------------------------------------------------------------------------------
// Fixtures, made through the API as its users would

type Json = Record<string, unknown>;

async function call(api: string, token: string, method: string, url: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${api}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

async function signIn(api: string, username: string): Promise<string> {
  const res = await fetch(`${api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

interface Fixtures {
  receiptNumbers: string[];
  recordId: string;
  caseId: string;
  ids: string[];
}

async function makeFixtures(api: string, tokens: Record<string, string>): Promise<Fixtures> {
  const as = (who: string) => ({
    post: (url: string, body: unknown = {}) => call(api, tokens[who]!, 'POST', url, body),
    get: (url: string) => call(api, tokens[who]!, 'GET', url),
  });
  const register = async (docNumber: string) =>
    (
      (
        await as('huangweiyan').post('/api/directives', {
          sourceOrg: '国务院',
          docNumber,
          title: '国务院关于加强政务诚信建设的指导意见',
          receivedDate: '2017-01-03',
        })
      ).directive as { receiptNumber: string }
    ).receiptNumber;
  // 国发〔2016〕76号 carried to its departments, with a 传阅; another only registered.
  const rn = await register('国发〔2016〕76号');
  const onIt = `/api/directives/${rn}`;
  await as('huangweiyan').post(`${onIt}/initial-review`, { decision: 'ACCEPT' });
  await as('huangweiyan').post(`${onIt}/proposal`, {
    leadDepartment: 'GDFGW',
    coDepartments: ['GDCZT'],
    handlingOption: 1,
    leaders: ['u-chunxin'],
    comment: '拟请省发展改革委会同省财政厅研究提出办理意见。',
  });
  await as('chenweiyan').post(`${onIt}/review`, { decision: 'APPROVE' });
  await as('zh1-director').post(`${onIt}/review`, { decision: 'APPROVE' });
  await as('chunxin').post(`${onIt}/instruction`, { decision: 'APPROVE', text: '同意。' });
  await as('huangweiyan').post(`${onIt}/dispatch`);
  for (let i = 0; ; i++) {
    const { directive } = (await as('huangweiyan').get(onIt)) as { directive: { tasks: unknown[] } };
    if (directive.tasks.length === 2) break;
    if (i === 100) throw new Error('the tasks of 转办 were not projected');
    await new Promise((r) => setTimeout(r, 100));
  }
  await as('huangweiyan').post(`${onIt}/circulations`, { readers: ['u-mishuzhang'], purpose: 'READ' });
  const other = await register('国发〔2016〕77号');

  // A 政务失信记录 against 省财政厅 and a case on it.
  const record = (await as('ducha').post('/api/integrity/records', {
    subject: { kind: 'BODY', departmentCode: 'GDCZT' },
    source: 'BROKEN_COMMITMENT',
    sourceRef: '粤财承诺〔2016〕12号',
    facts: '承诺2016年12月31日前支付政府采购合同尾款，逾期未支付。',
    principal: { name: '省财政厅主要负责人', title: '厅长' },
    severity: { level: 'GENERAL', loss: '拖欠合同款约120万元', socialImpact: '企业投诉' },
    published: true,
    occurredOn: '2017-01-01',
  })) as { record: { recordId: string } };
  const recordId = record.record.recordId;
  const opened = (await as('ducha').post(`/api/integrity/records/${recordId}/cases`, {
    reason: '追究主要负责人责任。',
  })) as { caseId: string };

  // Ids of other kinds: a 委托, an upload, a notice.
  const delegation = (await as('huangweiyan').post('/api/delegations', {
    toUserId: 'u-chenweiyan',
    startsOn: '2017-01-03',
    endsOn: '2099-12-31',
    reason: '出差',
  })) as { delegation: { id: number } };
  const upload = await fetch(`${api}/api/attachments?fileName=fuzz.pdf`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.huangweiyan}`, 'content-type': 'application/octet-stream' },
    body: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'),
  });
  const attachment = ((await upload.json()) as { attachment: { id: string } }).attachment.id;
  const inbox = (await as('huangweiyan').get('/api/inbox')) as { items: { id: number }[] };
  return {
    receiptNumbers: [rn, other],
    recordId,
    caseId: opened.caseId,
    ids: [String(delegation.delegation.id), attachment, ...inbox.items.slice(0, 1).map((n) => String(n.id))],
  };
}

/** schemathesis.toml for a run: real ids for path parameters, some of the time. */
function configFor(f: Fixtures): string {
  const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const dictionaries: Record<string, readonly string[]> = {
    receiptNumbers: f.receiptNumbers,
    departments: ['GDFGW', 'GDCZT'],
    records: [f.recordId],
    cases: [f.caseId],
    ordinals: ['1'],
    ids: f.ids,
    people: ['u-chunxin', 'u-huangweiyan', 'u-fgw-head', 'u-mishuzhang'],
  };
  const bindings: Record<string, string> = {
    'path.receiptNumber': 'receiptNumbers',
    'path.departmentCode': 'departments',
    'path.recordId': 'records',
    'path.caseId': 'cases',
    'path.circulationId': 'ordinals',
    'path.objectionId': 'ordinals',
    'path.id': 'ids',
    'body.leadDepartment': 'departments',
    'body.urger': 'people',
    'body.handler': 'people',
    'body.toUserId': 'people',
  };
  return [
    '[dictionaries]',
    ...Object.entries(dictionaries).map(([name, values]) => `${name} = { values = ${list(values)} }`),
    '',
    '[parameters]',
    ...Object.entries(bindings).map(
      ([key, dictionary]) => `"${key}" = { dictionary = "${dictionary}", probability = 0.7 }`,
    ),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The runs

interface Run {
  who: string;
  exitCode: number | null;
  seconds: number;
  summary: string;
}

function fuzzAs(api: string, dir: string, who: string, seed: number, token?: string): Promise<Run> {
  const out = path.join(dir, `schemathesis-${who}.log`);
  const args = [
    '--config-file',
    path.join(dir, 'schemathesis.toml'),
    'run',
    `${api}/api/openapi.json`,
    '--checks',
    CHECKS, // and, with --max-response-time, max_response_time
    '--max-response-time',
    String(MAX_RESPONSE_SECONDS),
    '--request-timeout',
    '60',
    '--phases',
    'examples,coverage,fuzzing',
    '--max-examples',
    String(EXAMPLES),
    '--seed',
    String(seed),
    '--workers',
    '2',
    '--continue-on-failure',
    '--suppress-health-check',
    'all',
    '--no-color',
    ...(token
      ? // Signing out would end the session the rest of the run uses.
        ['-H', `Authorization: Bearer ${token}`, '--exclude-path', '/api/auth/logout']
      : []),
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(ST, args, {
      cwd: dir,
      env: { ...process.env, SCHEMATHESIS_HOOKS: HOOKS, FUZZ_SEED: String(seed) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const file = fs.createWriteStream(out);
    let tail = '';
    const keep = (chunk: Buffer) => {
      file.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', (exitCode) => {
      file.end();
      const summary = tail.slice(tail.lastIndexOf('=== SUMMARY') >= 0 ? tail.lastIndexOf('=== SUMMARY') : 0);
      resolve({ who, exitCode, seconds: Math.round((Date.now() - started) / 1000), summary });
    });
  });
}

/** What the API's access log (pino-http, one line per request) says it answered. */
function accessLog(file: string) {
  const counts = { requests: 0, byClass: {} as Record<string, number>, serverErrors: 0, unanswered: 0 };
  const errors: string[] = [];
  let slowestMs = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as {
      msg?: string;
      req?: { method: string; url: string };
      res?: { statusCode: number };
      responseTime?: number;
    };
    if (!entry.req || !entry.res) continue;
    counts.requests++;
    if (entry.msg === 'request aborted') counts.unanswered++;
    const status = entry.res.statusCode;
    const cls = `${String(status)[0]}xx`;
    counts.byClass[cls] = (counts.byClass[cls] ?? 0) + 1;
    if (status >= 500) {
      counts.serverErrors++;
      if (errors.length < 20) errors.push(`${status} ${entry.req.method} ${entry.req.url}`);
    }
    slowestMs = Math.max(slowestMs, entry.responseTime ?? 0);
  }
  return { ...counts, slowestMs, errors };
}

async function main() {
  if (!fs.existsSync(ST)) throw new Error(`no schemathesis at ${ST}: run bash scripts/fuzz.sh`);
  const version = spawnSync(ST, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-fuzz-'));
  say(`${version}; data in ${dataDir}`);
  const started = Date.now();
  const { child, api } = await startStack(dataDir);
  let runs: Run[] = [];
  try {
    say(`the stack is up at ${api}; signing in ${PEOPLE.join(', ')} and making fixtures`);
    const tokens: Record<string, string> = {};
    for (const who of new Set([...PEOPLE, 'huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'ducha']))
      tokens[who] = await signIn(api, who);
    const fixtures = await makeFixtures(api, tokens);
    fs.writeFileSync(path.join(dataDir, 'schemathesis.toml'), configFor(fixtures));
    // Each person a seed of their own, so that the runs try different data.
    for (const [i, who] of [...PEOPLE, 'anonymous'].entries()) {
      say(`fuzzing as ${who} (${EXAMPLES} examples per operation and phase)...`);
      const run = await fuzzAs(api, dataDir, who, SEED + i, who === 'anonymous' ? undefined : tokens[who]);
      say(`  ${who}: schemathesis exit ${run.exitCode} after ${run.seconds} s`);
      runs.push(run);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  const seen = accessLog(path.join(dataDir, 'logs', 'app.log'));
  const result = {
    schemathesis: version,
    examplesPerOperation: EXAMPLES,
    seed: `${SEED} + the person's place in the list`,
    maxResponseSeconds: MAX_RESPONSE_SECONDS,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    ...seen,
    checks: CHECKS,
    runs: runs.map(({ who, exitCode, seconds }) => ({ who, exitCode, seconds })),
  };
  fs.writeFileSync(path.join(dataDir, 'fuzz-result.json'), JSON.stringify(result, null, 2));
  for (const run of runs) console.log(`\n--- ${run.who}\n${run.summary.trim()}`);
  console.log(`\n${JSON.stringify(result, null, 2)}`);
  const clean = seen.serverErrors === 0 && seen.unanswered === 0 && runs.every((r) => r.exitCode === 0);
  if (clean && process.env.FUZZ_KEEP !== '1') fs.rmSync(dataDir, { recursive: true, force: true });
  else say(`kept ${dataDir} (api log, schemathesis output, fuzz-result.json)`);
  runs = [];
  process.exitCode = clean ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(`fuzz: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
