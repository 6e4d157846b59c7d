/**
 * The audit trail (审计日志): who did what, when, from which state to which. Append-only and
 * hash-chained: entry n stores `prevHash` (entry n−1's hash) and `hash` = sha256 of prevHash and a
 * canonical serialisation of its own columns, id included. Changing an entry, deleting one or
 * putting one in between breaks the chain at that entry, and `verifyAuditChain` names it.
 *
 * Every writer appends through `appendAudit`, API and worker alike (two processes on one file):
 * - Timeline steps (拟办, 批示, 转办, 签收, 回报 …, and the integrity chain's): the projection appends
 *   one entry per timeline entry in the same transaction, action as on the timeline, before/after
 *   its fromState/toState, actor and on-behalf-of; keyed `timeline:<workflowId>:<seq>` (or
 *   `integrity:…`), so a retried activity appends nothing, and carrying the timeline row's digest,
 *   so the verification also finds a timeline row changed or deleted behind the database's back.
 *   The step's comment (a 批示's text) is not copied: the trail names, it does not disclose.
 * - The API's own actions, with these names (AUDIT_ACTIONS): `login`, `login-failed`,
 *   `login-locked`, `logout`; `delegation.create`, `delegation.revoke`, `delegation.refused`;
 *   `policy.save`, `integrity-policy.save`; `attachment.upload`, `attachment.download`;
 *   `clearance.set`; the organisation's administration (`department.*`, `user.*`, `org.import`,
 *   `password.change`, `admin.bootstrap`); and `classified.read` for a read of a classified (涉密) directive:
 *   `appendAudit(db, { actorId, onBehalfOfId, action: 'classified.read', target: receiptNumber,
 *   detail: secrecy })`.
 *
 * Who: `actorId` is the person at the keyboard; under a 委托 that is the colleague, and
 * `onBehalfOfId` the person he stood in for (as on the timeline).
 *
 * Order under concurrency. SQLite has one writer at a time, and a write transaction only ever
 * reads the latest committed state (a transaction whose snapshot went stale cannot write: it fails
 * with SQLITE_BUSY and nothing is committed). `appendAudit` inserts first, so its transaction holds
 * the write lock from its first statement (the busy timeout waits for another process's writer), and
 * only then reads the previous entry and seals its own: nobody else can append in between. The
 * Prisma adapter runs one interactive transaction at a time per client (a mutex), so concurrent
 * appends from one process queue up; test/core/audit.test.ts runs both cases.
 *
 * Entries without a hash (written before the chain existed, or by a writer that bypassed
 * appendAudit) are sealed into it, in id order, by the first append that follows them.
 */
import crypto from 'node:crypto';
import { toStoredTime, type Database } from './database';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace';

export type AuditClient = Database | TransactionClient;

/** Actions of entries that do not come from a timeline (those take the timeline's action, e.g. 拟办). */
export const AUDIT_ACTIONS = {
  login: '登录',
  'login-failed': '登录失败',
  'login-locked': '登录锁定',
  logout: '退出',
  'delegation.create': '委托',
  'delegation.revoke': '撤销委托',
  'delegation.refused': '委托不成立',
  'policy.save': '保存督办规则',
  'integrity-policy.save': '保存诚信规则',
  'attachment.upload': '上传附件',
  'attachment.download': '下载附件',
  'classified.read': '阅读涉密文件',
  'clearance.set': '设定涉密资格',
  'security-officer.appoint': '任命保密员',
  'department.create': '新增单位',
  'department.update': '修改单位',
  'user.create': '新增用户',
  'user.update': '修改用户',
  'user.deactivate': '停用用户',
  'user.reactivate': '启用用户',
  'user.password-reset': '重置密码',
  'user.unlock': '解除登录锁定',
  'org.import': '导入机构与用户',
  'password.change': '修改密码',
  'password.change-failed': '修改密码失败',
  'admin.bootstrap': '生成初始管理员',
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export interface AuditEntry {
  /** The person at the keyboard; none for the system (a reminder, an escalation). */
  actorId?: string | null;
  /** Under a 委托: whom the actor stood in for. */
  onBehalfOfId?: string | null;
  action: string;
  /** What it was done to: a 收文编号, `<收文编号>/<department>`, a record or case, a username … */
  target?: string | null;
  before?: string | null;
  after?: string | null;
  detail?: string | null;
  /** When; now by default. A timeline entry's is the workflow's time. */
  at?: Date;
  /** What the entry records, unique: appending the same key again appends nothing. */
  sourceKey?: string;
  /** The digest of the row it records (rowDigest). */
  sourceDigest?: string;
}

/** An entry as stored: the text of every column as the hash covers it. */
interface StoredEntry {
  id: number;
  at: string;
  actorId: string | null;
  onBehalfOfId: string | null;
  action: string;
  target: string | null;
  before: string | null;
  after: string | null;
  detail: string | null;
  sourceKey: string | null;
  sourceDigest: string | null;
  prevHash: string | null;
  hash: string | null;
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** This entry's hash: over the previous entry's hash and every column of its own but the hashes. */
export function chainHash(prevHash: string | null, e: Omit<StoredEntry, 'prevHash' | 'hash'>): string {
  const own = [
    e.id,
    e.at,
    e.actorId,
    e.onBehalfOfId,
    e.action,
    e.target,
    e.before,
    e.after,
    e.detail,
    e.sourceKey,
    e.sourceDigest,
  ];
  return sha256(`${prevHash ?? ''}\n${JSON.stringify(own)}`);
}

/**
 * The columns read back as text, whatever type the driver would give them (a date stays the text
 * stored, so the hash never depends on how a process parses it).
 */
const STORED_COLUMNS = `"id", CAST("at" AS TEXT) AS "at", "actorId", "onBehalfOfId", "action", "target",
  "before", "after", "detail", "sourceKey", "sourceDigest", "prevHash", "hash"`;

/** A column's value as text: what SQLite holds may be text, a number or, tampered with, a blob. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return Buffer.isBuffer(v) ? `x'${v.toString('hex')}'` : JSON.stringify(v);
}
function stored(row: Record<string, unknown>): StoredEntry {
  return {
    id: Number(row.id),
    at: text(row.at) ?? '',
    actorId: text(row.actorId),
    onBehalfOfId: text(row.onBehalfOfId),
    action: text(row.action) ?? '',
    target: text(row.target),
    before: text(row.before),
    after: text(row.after),
    detail: text(row.detail),
    sourceKey: text(row.sourceKey),
    sourceDigest: text(row.sourceDigest),
    prevHash: text(row.prevHash),
    hash: text(row.hash),
  };
}

/**
 * Appends an entry to the audit trail and seals it into the chain. With the database client it
 * runs in a transaction of its own; with a transaction's client it joins it (and is undone with
 * it). Inside a transaction, pass its client: the database client would wait for that transaction
 * to end. Returns false when an entry with this sourceKey is already there.
 */
export async function appendAudit(client: AuditClient, entry: AuditEntry): Promise<boolean> {
  // Its own transaction waits its turn a while (one at a time per process), and may take long once:
  // the first append after the migration seals the entries from before the chain.
  // A transaction's client lacks $connect (Prisma 7's has a $transaction of its own, nested).
  if ('$connect' in client)
    return client.$transaction((tx) => appendAudit(tx, entry), { maxWait: 10_000, timeout: 60_000 });
  const row = {
    at: toStoredTime(entry.at ?? new Date()),
    actorId: entry.actorId ?? null,
    onBehalfOfId: entry.onBehalfOfId ?? null,
    action: entry.action,
    target: entry.target ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    detail: entry.detail ?? null,
    sourceKey: entry.sourceKey ?? null,
    sourceDigest: entry.sourceDigest ?? null,
  };
  // The INSERT comes first: from here this transaction holds the database's write lock. Written as
  // INSERT … SELECT … WHERE NOT EXISTS rather than ON CONFLICT DO NOTHING, which would use up an
  // id: ids stay gapless, so a missing entry shows as a gap.
  const inserted = await client.$queryRaw<{ id: number | bigint }[]>`
    INSERT INTO "AuditEvent" ("at", "actorId", "onBehalfOfId", "action", "target", "before", "after",
      "detail", "sourceKey", "sourceDigest")
    SELECT ${row.at}, ${row.actorId}, ${row.onBehalfOfId}, ${row.action}, ${row.target}, ${row.before},
      ${row.after}, ${row.detail}, ${row.sourceKey}, ${row.sourceDigest}
    WHERE NOT EXISTS (SELECT 1 FROM "AuditEvent" WHERE "sourceKey" = ${row.sourceKey})
    RETURNING "id"`;
  if (inserted.length === 0) return false;
  const id = Number(inserted[0]!.id);
  const [previous] = (
    await client.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${STORED_COLUMNS} FROM "AuditEvent" WHERE "id" < ? ORDER BY "id" DESC LIMIT 1`,
      id,
    )
  ).map(stored);
  const prevHash = previous && (previous.hash ?? (await sealUpTo(client, id)));
  const hash = chainHash(prevHash ?? null, { id, ...row });
  await client.$executeRaw`UPDATE "AuditEvent" SET "prevHash" = ${prevHash ?? null}, "hash" = ${hash} WHERE "id" = ${id}`;
  return true;
}

/**
 * Seals the entries just before `id` that have no hash (written before the chain, or by a writer
 * that bypassed appendAudit), oldest first, after the last sealed one; returns the last hash.
 */
async function sealUpTo(tx: TransactionClient, id: number): Promise<string | null> {
  const unsealed: StoredEntry[] = [];
  let prevHash: string | null = null;
  for (let below = id; ;) {
    const page = (
      await tx.$queryRawUnsafe<Record<string, unknown>[]>(
        `SELECT ${STORED_COLUMNS} FROM "AuditEvent" WHERE "id" < ? ORDER BY "id" DESC LIMIT 500`,
        below,
      )
    ).map(stored);
    const sealed = page.find((r) => r.hash !== null);
    unsealed.push(...(sealed ? page.filter((r) => r.id > sealed.id) : page));
    if (sealed || page.length < 500) {
      prevHash = sealed?.hash ?? null;
      break;
    }
    below = page.at(-1)!.id;
  }
  const sealed: [number, string | null, string][] = [];
  for (const r of unsealed.reverse()) {
    const hash = chainHash(prevHash, r);
    sealed.push([r.id, prevHash, hash]);
    prevHash = hash;
  }
  // Many at a time: an existing database may hold a year of sign-ins.
  for (let i = 0; i < sealed.length; i += 500) {
    const batch = sealed.slice(i, i + 500);
    await tx.$executeRawUnsafe(
      `UPDATE "AuditEvent" SET "prevHash" = v.column2, "hash" = v.column3
       FROM (VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}) AS v WHERE "AuditEvent"."id" = v.column1`,
      ...batch.flat(),
    );
  }
  return prevHash;
}

// ---------------------------------------------------------------------------------------------
// Timeline rows: their digest, and the entry that records one

/** The columns of a timeline row, in the order its digest covers them. */
const TIMELINE_COLUMNS = {
  timeline: [
    'workflowId',
    'seq',
    'receiptNumber',
    'departmentCode',
    'at',
    'actorId',
    'onBehalfOfId',
    'action',
    'fromState',
    'toState',
    'comment',
  ],
  integrity: [
    'workflowId',
    'seq',
    'recordId',
    'caseId',
    'at',
    'actorId',
    'onBehalfOfId',
    'action',
    'fromState',
    'toState',
    'comment',
    'detail',
  ],
} as const;
export type TimelineTable = keyof typeof TIMELINE_COLUMNS;
const TABLE_NAMES: Record<TimelineTable, string> = { timeline: 'TimelineEntry', integrity: 'IntegrityEntry' };
/** How a verification's problems name the tables: 办理记录 (TimelineEntry), 政务诚信办理记录 (IntegrityEntry). */
const TABLE_LABELS: Record<TimelineTable, string> = { timeline: '办理记录', integrity: '政务诚信办理记录' };

/** A stored time as an instant (ms), however it is written: a Date, ISO text, or epoch ms. */
function instant(v: unknown): number | null {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return null;
}

/** sha256 of a timeline row's columns: the time as an instant, the seq as a number, the rest as text. */
export function rowDigest(table: TimelineTable, row: Record<string, unknown>): string {
  const values = TIMELINE_COLUMNS[table].map((c) =>
    c === 'at' ? instant(row[c]) : c === 'seq' ? Number(row[c]) : text(row[c]),
  );
  return sha256(JSON.stringify(values));
}

interface TimelineRow {
  workflowId: string;
  seq: number;
  at: Date;
  actorId: string | null;
  onBehalfOfId: string | null;
  action: string;
  fromState: string | null;
  toState: string | null;
}

/** The audit entry recording a timeline row: same who, when and what, before/after its states. */
export function timelineAudit(table: TimelineTable, row: TimelineRow, target: string): AuditEntry {
  return {
    at: row.at,
    actorId: row.actorId,
    onBehalfOfId: row.onBehalfOfId,
    action: row.action,
    target,
    before: row.fromState,
    after: row.toState,
    sourceKey: `${table}:${row.workflowId}:${row.seq}`,
    sourceDigest: rowDigest(table, row as unknown as Record<string, unknown>),
  };
}

// ---------------------------------------------------------------------------------------------
// Verification

export interface AuditProblem {
  /** The audit entry at which it shows. */
  id: number;
  kind: 'altered' | 'missing' | 'unsealed' | 'timeline-altered' | 'timeline-missing';
  /** For a person, in Chinese (the audit page lists them; `npm run audit:verify` prints them). */
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** The last entry: record its hash elsewhere; deleting entries at the end is otherwise undetectable. */
  head: { id: number; hash: string } | null;
  /** Entries at the end without a hash (from before the chain, or past appendAudit): the next append seals them. */
  unsealed: number;
  /** Timeline rows checked against the digest their audit entry holds. */
  timelineRows: number;
  /** Problems in the order found; the first is the first altered or missing entry. */
  problems: AuditProblem[];
}

const PAGE = 2000;
/** At most this many problems are listed: after a break, everything later may disagree. */
const MAX_PROBLEMS = 50;

/**
 * Recomputes the whole chain, in id order: each entry's hash from its columns (a mismatch: the
 * entry was altered), its prevHash against the entry before it and the ids for gaps (a mismatch or
 * a gap: entries are missing there). Then each timeline row an entry records, against its digest.
 * With `expectHead` (a hash recorded earlier), that entry must still be in the chain. Read-only.
 */
export async function verifyAuditChain(
  db: Database,
  opts: { expectHead?: string } = {},
): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  const report = (p: AuditProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const sources: { id: number; key: string; digest: string | null }[] = [];
  let previous: StoredEntry | undefined;
  let entries = 0;
  let unsealed: StoredEntry[] = [];
  let headSeen = opts.expectHead === undefined;
  for (let after = -1; ;) {
    const page = (
      await db.$queryRawUnsafe<Record<string, unknown>[]>(
        `SELECT ${STORED_COLUMNS} FROM "AuditEvent" WHERE "id" > ? ORDER BY "id" LIMIT ${PAGE}`,
        after,
      )
    ).map(stored);
    for (const e of page) {
      entries++;
      if (e.hash === null) {
        // Only entries from before the chain, not yet sealed, may lack a hash; and they come first.
        unsealed.push(e);
        previous = e;
        continue;
      }
      for (const u of unsealed)
        report({ id: u.id, kind: 'unsealed', message: `审计记录 #${u.id} 没有哈希，而其后的记录已有哈希` });
      unsealed = [];
      if (chainHash(e.prevHash, e) !== e.hash)
        report({ id: e.id, kind: 'altered', message: `审计记录 #${e.id} 已被改动：哈希不符` });
      const expectedPrev = previous?.hash ?? null;
      const firstId = previous ? previous.id + 1 : 1;
      if (e.id !== firstId || e.prevHash !== expectedPrev) {
        const gap = e.id > firstId ? `（${rangeOf(firstId, e.id - 1)}）` : '';
        report({
          id: e.id,
          kind: 'missing',
          message: previous
            ? `审计记录 #${previous.id} 与 #${e.id} 之间有记录缺失${gap}，或 #${previous.id} 已被改动`
            : `审计记录 #${e.id} 之前有记录缺失${gap}`,
        });
      }
      if (e.sourceKey) sources.push({ id: e.id, key: e.sourceKey, digest: e.sourceDigest });
      if (e.hash === opts.expectHead) headSeen = true;
      previous = e;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  const timelineRows = await verifySources(db, sources, report);
  if (!headSeen)
    report({
      id: previous?.id ?? 0,
      kind: 'missing',
      message: `此前记录的末条哈希 ${opts.expectHead} 不在哈希链中：末尾的记录已被删除，或哈希链已被改写`,
    });
  const last = previous?.hash ? { id: previous.id, hash: previous.hash } : null;
  return {
    ok: problems.length === 0,
    entries,
    head: last,
    unsealed: unsealed.length,
    timelineRows,
    problems,
  };
}

const rangeOf = (from: number, to: number) => (from === to ? `#${from}` : `#${from}–#${to}`);

/** Each timeline row an audit entry records must still be there, unchanged. */
async function verifySources(
  db: Database,
  sources: { id: number; key: string; digest: string | null }[],
  report: (p: AuditProblem) => void,
): Promise<number> {
  let checked = 0;
  for (const table of Object.keys(TIMELINE_COLUMNS) as TimelineTable[]) {
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${TIMELINE_COLUMNS[table].map((c) => (c === 'at' ? `CAST("at" AS TEXT) AS "at"` : `"${c}"`)).join(', ')}
       FROM "${TABLE_NAMES[table]}"`,
    );
    const byKey = new Map(rows.map((r) => [`${table}:${String(r.workflowId)}:${Number(r.seq)}`, r]));
    for (const s of sources) {
      if (!s.key.startsWith(`${table}:`)) continue;
      const row = byKey.get(s.key);
      const what = `${TABLE_LABELS[table]} ${s.key.slice(table.length + 1)}（审计记录 #${s.id}）`;
      checked++;
      if (!row) report({ id: s.id, kind: 'timeline-missing', message: `${what}已被删除` });
      else if (rowDigest(table, row) !== s.digest)
        report({ id: s.id, kind: 'timeline-altered', message: `${what}已被改动` });
    }
  }
  return checked;
}
