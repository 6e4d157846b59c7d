/**
 * Backup, restore and rebuild. A running Duban keeps its state in three places: the SQLite
 * projection (duban.db: people, lists, timelines, the inbox), the embedded Temporal server's SQLite
 * file (temporal.db: every workflow's history, timers and pending steps) and the attachments on
 * disk. A backup copies all three while the system runs; a restore puts them into a fresh data
 * directory; a rebuild writes the projection again from the workflows' own histories.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import Sqlite from 'better-sqlite3';
import { PROJECTING, type Projecting, type Written } from '../activities';
import { createIntegrityActivities } from '../activities/integrity';
import { createNoticeActivities } from '../activities/notices';
import { createProjectionActivities } from '../activities/projection';
import { openDatabase, type Database } from './database';
import { localActivityMarker } from './local-activity-marker';

export interface BackupSources {
  /** The projection's SQLite file (duban.db). */
  databaseFile: string;
  /** The embedded Temporal server's SQLite file; none with an external cluster (back that up there). */
  temporalDbFile?: string;
  attachmentsDir: string;
}

export interface BackupManifest {
  takenAt: string;
  files: { name: string; bytes: number; sha256: string }[];
  attachments: number;
  directives: number;
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * A consistent copy of a live SQLite file through SQLite's online backup API: it copies pages from
 * one snapshot while writers (the worker, the API, the Temporal server) go on, and it never parses
 * the schema (the Temporal server's has expressions only its own SQLite build accepts).
 */
async function snapshot(file: string, into: string): Promise<void> {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    await db.backup(into);
  } finally {
    db.close();
  }
}

/**
 * Takes a backup into `to` (created; must not exist yet). The databases first, then the
 * attachments: files are stored under their content hash and never changed, and a file is on disk
 * before its row is written, so every file the copied database names is in the copy.
 */
export async function backupData(sources: BackupSources, to: string): Promise<BackupManifest> {
  if (fs.existsSync(to)) throw new Error(`${to} already exists: a backup goes into a new directory`);
  fs.mkdirSync(to, { recursive: true });
  // The workflows first: a projection write that lands between the two copies is then in the
  // copied projection or still to be done by the copied workflows (which run it again, idempotent).
  // The other order could restore a step as done whose projection never got it.
  if (sources.temporalDbFile) await snapshot(sources.temporalDbFile, path.join(to, 'temporal.db'));
  await snapshot(sources.databaseFile, path.join(to, 'duban.db'));
  const attachments = path.join(to, 'attachments');
  fs.mkdirSync(attachments);
  if (fs.existsSync(sources.attachmentsDir)) {
    fs.cpSync(sources.attachmentsDir, attachments, {
      recursive: true,
      // Uploads still arriving (incoming/*.part) are not files yet.
      filter: (src) => !src.endsWith('.part') && path.basename(src) !== 'incoming',
    });
  }
  const copy = openDatabase(`file:${path.join(to, 'duban.db')}`);
  const directives = await copy.directive.count();
  await copy.$disconnect();
  const manifest: BackupManifest = {
    takenAt: new Date().toISOString(),
    files: ['duban.db', 'temporal.db']
      .filter((name) => fs.existsSync(path.join(to, name)))
      .map((name) => {
        const file = path.join(to, name);
        return { name, bytes: fs.statSync(file).size, sha256: sha256(file) };
      }),
    attachments: listFiles(attachments).length,
    directives,
  };
  fs.writeFileSync(path.join(to, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * Restores a backup into a data directory that holds no databases yet (a fresh instance): the
 * files are checked against the manifest first, so a damaged backup is refused, not half-restored.
 */
export function restoreData(
  from: string,
  dataDir: string,
  databaseFile = path.join(dataDir, 'duban.db'),
): BackupManifest {
  const manifest = JSON.parse(fs.readFileSync(path.join(from, 'manifest.json'), 'utf8')) as BackupManifest;
  const targets: Record<string, string> = {
    'duban.db': databaseFile,
    'temporal.db': path.join(dataDir, 'temporal.db'),
  };
  for (const f of manifest.files) {
    if (!(f.name in targets)) throw new Error(`${f.name} in the manifest is not a file of a Duban backup`);
    if (sha256(path.join(from, f.name)) !== f.sha256)
      throw new Error(`${f.name} in ${from} does not match its manifest: the backup is damaged`);
  }
  // Attachments are stored under their content hash: a file whose content does not match is damaged.
  const files = path.join(from, 'attachments');
  for (const file of listFiles(files)) {
    if (sha256(file) !== path.basename(file))
      throw new Error(
        `attachment ${path.relative(files, file)} does not match its hash: the backup is damaged`,
      );
  }
  for (const target of Object.values(targets)) {
    for (const file of [target, `${target}-wal`, `${target}-shm`]) {
      if (fs.existsSync(file)) throw new Error(`${file} exists: restore into a fresh data directory`);
    }
  }
  fs.mkdirSync(dataDir, { recursive: true });
  for (const f of manifest.files) {
    fs.mkdirSync(path.dirname(targets[f.name]!), { recursive: true });
    fs.copyFileSync(path.join(from, f.name), targets[f.name]!);
  }
  fs.cpSync(files, path.join(dataDir, 'attachments'), { recursive: true });
  return manifest;
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The workflow types whose activities write the projection, in the order their rows depend on. */
const PROJECTED_TYPES = [
  'incomingRegisterWorkflow',
  'directiveWorkflow',
  'departmentTaskWorkflow',
  'breachRecordWorkflow',
  'accountabilityCaseWorkflow',
];

export interface RebuildReport {
  workflows: number;
  writes: number;
}

/**
 * Writes the projection again from the workflows' histories: every projection and inbox write a
 * workflow asked for is in its history with its input (an activity task's scheduled event, or a
 * local activity's marker); running those inputs
 * again, in order, writes what was written (the writes are idempotent upserts guarded by the
 * workflow's own sequence numbers). Notices go to the inbox only: no e-mail or webhook is re-sent.
 * What no workflow knows (people, sessions, 委托, policies, uploaded files' rows) comes from a backup.
 */
export async function rebuildProjection(client: Client, db: Database): Promise<RebuildReport> {
  // The inbox only: no further channel, so nothing is e-mailed or posted again.
  const inbox = createNoticeActivities(db, []);
  const writers: Record<string, (input: never) => Promise<unknown>> = {
    ...createProjectionActivities(db, (notice) => inbox.deliverNotice(notice)),
    ...createIntegrityActivities(db),
    ...inbox,
  };
  const projecting = new Set<string>(PROJECTING);
  const executions = await allExecutions(client);
  executions.sort((a, b) => PROJECTED_TYPES.indexOf(a.type) - PROJECTED_TYPES.indexOf(b.type));
  let writes = 0;
  for (const { workflowId, runId } of executions) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    for (const event of history.events ?? []) {
      const write = await projectionWrite(client, event);
      if (!write || !projecting.has(write.type)) continue;
      await writers[write.type]!(write.input as never);
      writes++;
    }
  }
  return { workflows: executions.length, writes };
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * The write an event of a history asked for, if any: an activity task's type and input (from its
 * scheduled event), or a local activity's, from its marker (its type in the marker's data, its input
 * in its result: a projecting activity returns it, activities/index.ts).
 */
async function projectionWrite(
  client: Client,
  event: HistoryEvent,
): Promise<{ type: string; input: unknown } | undefined> {
  const converter = client.options.loadedDataConverter;
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled?.activityType?.name)
    return {
      type: scheduled.activityType.name,
      input: await decodeFromPayloadsAtIndex(converter, 0, scheduled.input?.payloads),
    };
  const local = localActivityMarker(event);
  if (!local || !PROJECTING.includes(local.type as Projecting)) return undefined;
  const result = await decodeFromPayloadsAtIndex<Partial<Written<unknown>>>(converter, 0, local.result);
  return result?.written === undefined ? undefined : { type: local.type, input: result.written };
}

/** Every open and closed run of the projected workflow types the namespace still keeps. */
async function allExecutions(client: Client) {
  const namespace = client.options.namespace;
  const found: { workflowId: string; runId: string; type: string }[] = [];
  type Info = temporal.api.workflow.v1.IWorkflowExecutionInfo;
  const collect = (infos: Info[]) => {
    for (const info of infos) {
      const type = info.type?.name ?? '';
      if (PROJECTED_TYPES.includes(type))
        found.push({ workflowId: info.execution!.workflowId!, runId: info.execution!.runId!, type });
    }
  };
  // The list calls every server answers, the time-skipping test server included.
  for (const closed of [false, true]) {
    let nextPageToken: Uint8Array | undefined;
    do {
      const request = {
        namespace,
        maximumPageSize: 1000,
        ...(nextPageToken?.length ? { nextPageToken } : {}),
      };
      const page = closed
        ? await client.workflowService.listClosedWorkflowExecutions(request)
        : await client.workflowService.listOpenWorkflowExecutions(request);
      collect(page.executions ?? []);
      nextPageToken = page.nextPageToken ?? undefined;
    } while (nextPageToken?.length);
  }
  return found;
}
