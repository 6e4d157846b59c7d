/**
 * The audit trail's hash chain (core/audit.ts): appended in order under concurrency, from one
 * process and from several on one file; sealed once; refused changes by the database; and
 * `npm run audit:verify` naming what someone with the file changed behind its back.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { createNoticeActivities } from '../../activities/notices';
import { createProjectionActivities } from '../../activities/projection';
import { appendAudit, chainHash, verifyAuditChain } from '../../core/audit';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ROOT } from '../helpers/paths';

jest.setTimeout(120_000);

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(() => database?.close());

const fileOf = (d: TestDatabase) => d.url.replace(/^file:/, '');

/** The trail as stored, read past Prisma. */
function storedChain(d: TestDatabase) {
  const sqlite = new Sqlite(fileOf(d), { readonly: true });
  try {
    return sqlite.prepare('SELECT id, prevHash, hash, actorId FROM AuditEvent ORDER BY id').all() as {
      id: number;
      prevHash: string | null;
      hash: string | null;
      actorId: string | null;
    }[];
  } finally {
    sqlite.close();
  }
}

/** Every entry links to the one before it, ids run 1…n without a gap. */
function expectUnbroken(d: TestDatabase, n: number) {
  const rows = storedChain(d);
  expect(rows.map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  rows.forEach((r, i) => expect(r.prevHash).toBe(i === 0 ? null : rows[i - 1]!.hash));
  expect(rows.every((r) => r.hash !== null)).toBe(true);
}

const clerk = { userId: 'u-huangweiyan', displayName: '黄炜演' };
const leader = { userId: 'u-chunxin', displayName: '春新' };
const secretary = { userId: 'u-mishuzhang', displayName: '办公厅秘书长' };
/** 国发〔2016〕76号 registered, and a 批示 given under a 委托: three timeline entries. */
async function seedTimeline(d: TestDatabase) {
  const projection = createProjectionActivities(d.db, (notice) =>
    createNoticeActivities(d.db, []).deliverNotice(notice),
  );
  const registered = {
    receiptNumber: '201700084',
    receiptYear: 2017,
    receiptSequence: 84,
    document: {
      sourceOrg: '国务院',
      docNumber: '国发〔2016〕76号',
      title: '国务院关于加强政务诚信建设的指导意见',
      receivedDate: '2017-01-03',
      urgency: '平急' as const,
      secrecy: '非密' as const,
    },
    registeredBy: clerk,
    registeredAt: '2017-01-03T01:30:00.000Z',
    status: 'REGISTERED' as const,
    entries: [
      { seq: 1, at: '2017-01-03T01:00:00.000Z', actor: clerk, action: '签收', comment: '1 份' },
      { seq: 2, at: '2017-01-03T01:30:00.000Z', actor: clerk, action: '收文登记', toState: 'REGISTERED' },
    ],
  };
  const instructed = {
    receiptNumber: '201700084',
    status: 'INSTRUCTED' as const,
    entry: {
      seq: 3,
      at: '2017-01-04T01:00:00.000Z',
      actor: secretary,
      onBehalfOf: leader,
      action: '批示',
      fromState: 'AWAITING_INSTRUCTION',
      toState: 'INSTRUCTED',
      comment: '同意。',
    },
  };
  // Run twice, as an activity may be: the trail gets each entry once.
  for (let run = 0; run < 2; run++) {
    await projection.recordReceipt(registered);
    await projection.recordDirective(instructed);
  }
}

test('each step on the timeline is one audit entry: who, for whom, when, from which state to which', async () => {
  await seedTimeline(database);
  await appendAudit(database.db, { actorId: 'u-chunxin', action: 'login', detail: '127.0.0.1' });
  const entries = await database.db.auditEvent.findMany({ orderBy: { id: 'asc' } });
  expect(
    entries.map((e) => [
      e.action,
      e.actorId,
      e.onBehalfOfId,
      e.target,
      e.before,
      e.after,
      e.at.toISOString(),
    ]),
  ).toEqual([
    ['签收', 'u-huangweiyan', null, '201700084', null, null, '2017-01-03T01:00:00.000Z'],
    ['收文登记', 'u-huangweiyan', null, '201700084', null, 'REGISTERED', '2017-01-03T01:30:00.000Z'],
    [
      '批示',
      'u-mishuzhang',
      'u-chunxin',
      '201700084',
      'AWAITING_INSTRUCTION',
      'INSTRUCTED',
      '2017-01-04T01:00:00.000Z',
    ],
    ['login', 'u-chunxin', null, null, null, null, entries[3]!.at.toISOString()],
  ]);
  // The 批示's text stays on the timeline: the trail names, it does not disclose.
  expect(entries.some((e) => e.detail?.includes('同意'))).toBe(false);
  expectUnbroken(database, 4);
  const verified = await verifyAuditChain(database.db);
  expect(verified).toMatchObject({ ok: true, entries: 4, timelineRows: 3, unsealed: 0, problems: [] });
  expect(verified.head).toEqual({ id: 4, hash: entries[3]!.hash });
});

test('an append undone with its transaction leaves no gap and no trace', async () => {
  await appendAudit(database.db, { action: 'login-failed', target: 'nobody' });
  await expect(
    database.db.$transaction(async (tx) => {
      await appendAudit(tx, { action: 'policy.save', target: 'v-undone' });
      throw new Error('the policy was refused');
    }),
  ).rejects.toThrow('refused');
  await appendAudit(database.db, { action: 'logout', actorId: 'u-admin' });
  expectUnbroken(database, 2);
  expect((await verifyAuditChain(database.db)).ok).toBe(true);
});

test('appends from one process at once (Promise.all) chain in order, without a gap', async () => {
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      appendAudit(database.db, { action: 'test.append', target: String(i) }),
    ),
  );
  expectUnbroken(database, 60);
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, entries: 60 });
});

test('three processes appending to one file at once chain in order, without a gap', async () => {
  const go = path.join(os.tmpdir(), `duban-audit-go-${process.pid}-${Date.now()}`);
  const perProcess = 48;
  const children = ['api', 'worker-1', 'worker-2'].map((name) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/audit-appender.ts', database.url, String(perProcess), name, go],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { name, output: () => out, exited };
  });
  try {
    // All ready, then all at once; this process appends meanwhile too.
    while (!children.every((c) => c.output().includes('ready'))) {
      if (children.some((c) => c.output().match(/Error/))) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    fs.writeFileSync(go, '');
    for (let i = 0; i < 12; i++) await appendAudit(database.db, { actorId: 'test', action: 'test.append' });
    const codes = await Promise.all(children.map((c) => c.exited));
    expect(children.map((c) => [c.name, codes[children.indexOf(c)], c.output().split('\n')[0]])).toEqual(
      children.map((c) => [c.name, 0, 'ready']),
    );
  } finally {
    fs.rmSync(go, { force: true });
  }
  const total = 3 * perProcess + 12;
  expectUnbroken(database, total);
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, entries: total });
  // They did run at once: each process's entries are interleaved with the others'.
  const rows = storedChain(database);
  const runs = rows.filter((r, i) => i > 0 && r.actorId !== rows[i - 1]!.actorId).length;
  expect(runs).toBeGreaterThan(3);
});

test('entries written before the chain (or past appendAudit) are sealed into it, in id order, by the next append', async () => {
  // As an existing database has them after the migration: no hashes.
  const sqlite = new Sqlite(fileOf(database));
  const legacy = sqlite.prepare('INSERT INTO AuditEvent (at, actorId, action, detail) VALUES (?, ?, ?, ?)');
  legacy.run('2017-01-02T08:00:00.000+00:00', 'u-admin', 'login', '10.0.0.1');
  legacy.run('2017-01-02 09:00:00', null, 'login-failed', '10.0.0.2'); // the SQL default's form
  sqlite.close();
  expect(await verifyAuditChain(database.db)).toMatchObject({
    ok: true,
    entries: 2,
    unsealed: 2,
    head: null,
  });

  await appendAudit(database.db, { actorId: 'u-admin', action: 'logout' });
  expectUnbroken(database, 3);
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, entries: 3, unsealed: 0 });
  // Typed reads still read them.
  expect((await database.db.auditEvent.findMany()).map((e) => e.action)).toEqual([
    'login',
    'login-failed',
    'logout',
  ]);
  // A writer that bypasses appendAudit leaves an entry without a hash: the next append seals it too.
  await database.db.auditEvent.create({ data: { actorId: 'u-baomi', action: 'clearance.set' } });
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, entries: 4, unsealed: 1 });
  await appendAudit(database.db, { actorId: 'u-admin', action: 'login' });
  expectUnbroken(database, 5);
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, entries: 5, unsealed: 0 });
});

test('the database refuses to change or delete a sealed entry or a timeline entry; the same values again pass', async () => {
  await seedTimeline(database);
  const sqlite = new Sqlite(fileOf(database));
  try {
    sqlite
      .prepare(`INSERT INTO IntegrityEntry (workflowId, seq, recordId, at, action) VALUES (?, ?, ?, ?, ?)`)
      .run('breach-record-SX1', 1, 'SX1', '2017-01-03T01:00:00.000+00:00', '登记');
    const refused = (sql: string) => expect(() => sqlite.prepare(sql).run()).toThrow(/append-only/);
    refused(`UPDATE AuditEvent SET detail = 'changed' WHERE id = 1`);
    refused(`UPDATE AuditEvent SET hash = 'f00' WHERE id = 1`);
    refused(`DELETE FROM AuditEvent WHERE id = 3`);
    refused(`UPDATE TimelineEntry SET comment = '不同意。' WHERE seq = 3`);
    refused(`DELETE FROM TimelineEntry WHERE seq = 1`);
    refused(`UPDATE IntegrityEntry SET action = '撤销' WHERE seq = 1`);
    refused(`DELETE FROM IntegrityEntry`);
    // An older worker's upsert writing the same values again is an update that changes nothing.
    expect(() =>
      sqlite.prepare(`UPDATE TimelineEntry SET comment = comment, at = at WHERE seq = 3`).run(),
    ).not.toThrow();
  } finally {
    sqlite.close();
  }
  const same = await database.db.timelineEntry.findFirstOrThrow({ where: { seq: 3 } });
  await expect(
    database.db.timelineEntry.upsert({
      where: { workflowId_seq: { workflowId: same.workflowId, seq: 3 } },
      create: same,
      update: same,
    }),
  ).resolves.toMatchObject({ comment: '同意。' });
  expect((await verifyAuditChain(database.db)).ok).toBe(true);
});

/** `npm run audit:verify` against this database: its exit code and what it printed. */
function auditVerify(d: TestDatabase, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: d.url, DUBAN_DATA_DIR: path.dirname(fileOf(d)) },
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('audit:verify names an altered entry, a deleted one, and an altered and a deleted timeline row', async () => {
  await seedTimeline(database); // #1–#3
  for (const action of ['login', 'attachment.download', 'logout', 'login', 'logout'])
    await appendAudit(database.db, { actorId: 'u-chenweiyan', action }); // #4–#8
  const intact = auditVerify(database);
  expect(intact.status).toBe(0);
  const head = (await verifyAuditChain(database.db)).head!;
  expect(intact.output).toContain('已核验 8 条审计记录及其对应的 3 条办理记录');
  expect(intact.output).toContain(`末条 #8 ${head.hash}`);
  expect(intact.output).toContain('哈希链完整，未发现改动');

  // Someone with the file, who drops the triggers as anyone with it can.
  const sqlite = new Sqlite(fileOf(database));
  const triggers = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all() as {
    name: string;
  }[];
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
  sqlite.prepare(`UPDATE AuditEvent SET actorId = 'u-huangweiyan' WHERE id = 5`).run();
  sqlite.prepare(`DELETE FROM AuditEvent WHERE id = 7`).run();
  sqlite.prepare(`UPDATE TimelineEntry SET comment = '不同意。' WHERE seq = 3`).run();
  sqlite.prepare(`DELETE FROM TimelineEntry WHERE seq = 1`).run();
  sqlite.close();

  const tampered = auditVerify(database);
  expect(tampered.status).toBe(1);
  expect(tampered.output).toContain('已核验 7 条审计记录');
  expect(tampered.output).toContain('首个问题：审计记录 #5 已被改动：哈希不符');
  expect(tampered.output).toContain('审计记录 #6 与 #8 之间有记录缺失（#7）');
  expect(tampered.output).toContain('办理记录 directive-201700084:1（审计记录 #1）已被删除');
  expect(tampered.output).toContain('办理记录 directive-201700084:3（审计记录 #3）已被改动');
  const verified = await verifyAuditChain(database.db);
  expect(verified.problems.map((p) => [p.id, p.kind])).toEqual([
    [5, 'altered'],
    [8, 'missing'],
    [1, 'timeline-missing'],
    [3, 'timeline-altered'],
  ]);
  // What the audit page lists (GET /api/audit/verify), in Chinese.
  expect(verified.problems.map((p) => p.message)).toEqual([
    '审计记录 #5 已被改动：哈希不符',
    '审计记录 #6 与 #8 之间有记录缺失（#7），或 #6 已被改动',
    '办理记录 directive-201700084:1（审计记录 #1）已被删除',
    '办理记录 directive-201700084:3（审计记录 #3）已被改动',
  ]);
});

test('entries deleted at the end are found against the head recorded before', async () => {
  for (const action of ['login', 'logout', 'login'])
    await appendAudit(database.db, { actorId: 'u-admin', action });
  const recorded = (await verifyAuditChain(database.db)).head!.hash;
  const sqlite = new Sqlite(fileOf(database));
  sqlite.exec(`DROP TRIGGER "AuditEvent_append_only_delete"`);
  sqlite.prepare(`DELETE FROM AuditEvent WHERE id = 3`).run();
  sqlite.close();
  // Without the recorded head, a shorter chain is a whole one: hence the README's advice.
  expect(auditVerify(database).status).toBe(0);
  const checked = auditVerify(database, '--head', recorded);
  expect(checked.status).toBe(1);
  expect(checked.output).toContain(`此前记录的末条哈希 ${recorded} 不在哈希链中`);
});

test('a chain rewritten from an altered entry on still shows: its own hashes agree, but not with what followed', async () => {
  for (let i = 0; i < 4; i++) await appendAudit(database.db, { actorId: 'u-admin', action: 'login' });
  const sqlite = new Sqlite(fileOf(database));
  sqlite.exec(`DROP TRIGGER "AuditEvent_append_only_update"`);
  const row = sqlite
    .prepare(`SELECT id, CAST(at AS TEXT) AS at, prevHash FROM AuditEvent WHERE id = 2`)
    .get() as {
    id: number;
    at: string;
    prevHash: string;
  };
  const forged = {
    id: 2,
    at: row.at,
    actorId: 'u-someone-else',
    onBehalfOfId: null,
    action: 'login',
    target: null,
    before: null,
    after: null,
    detail: null,
    sourceKey: null,
    sourceDigest: null,
  };
  sqlite
    .prepare(`UPDATE AuditEvent SET actorId = ?, hash = ? WHERE id = 2`)
    .run(forged.actorId, chainHash(row.prevHash, forged));
  sqlite.close();
  const verified = await verifyAuditChain(database.db);
  expect(verified.problems).toEqual([
    { id: 3, kind: 'missing', message: '审计记录 #2 与 #3 之间有记录缺失，或 #2 已被改动' },
  ]);
});
