/**
 * 附件: files that come with a document. Uploaded first (raw body, name in the query), streamed
 * to disk under a size limit and hashed on the way, checked against an allow-list by extension
 * and by content, stored once per content under its sha256; a registration then names them by
 * id. Only the uploader may attach a file not yet registered; after that, whoever may read the
 * directive may read its attachments.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
// file-type 16 is the last major that ships CommonJS (see README, "Attachments").
import { fromFile } from 'file-type';
import yauzl from 'yauzl';
import { z } from 'zod';
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import type { AttachmentRef } from '../../workflows/types';
import * as say from '../../workflows/wording';
import { currentUser, requireRole } from '../auth/middleware';
import { visibleRecord } from '../integrity-views';
import { HttpError, invalidInput } from '../errors';
import { operation } from '../openapi';
import { parseRequest, requestSchema } from '../parse';
import { directiveView } from './access';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // Compound File (Word 97, WPS)

interface Kind {
  mediaType: string;
  /** How the content starts (file signatures): checked first, before any parser reads it. */
  magic: number[][];
  /** What file-type must make of the whole content. */
  detected: string[];
  /** Entries a zip-based format must have (read from the zip's central directory). */
  zipEntries?: string[];
}

/** Extension → media type and what its content must be. */
const ALLOWED: Record<string, Kind> = {
  pdf: { mediaType: 'application/pdf', magic: [[0x25, 0x50, 0x44, 0x46, 0x2d]], detected: ['pdf'] }, // %PDF-
  // 版式文件 (GB/T 33190): a zip whose root document is OFD.xml; file-type sees a plain zip.
  ofd: { mediaType: 'application/ofd', magic: [ZIP], detected: ['zip'], zipEntries: ['OFD.xml'] },
  // Office Open XML: a zip with [Content_Types].xml and the parts of its kind (word/, xl/).
  docx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    magic: [ZIP],
    detected: ['docx'],
    zipEntries: ['[Content_Types].xml'],
  },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    magic: [ZIP],
    detected: ['xlsx'],
    zipEntries: ['[Content_Types].xml'],
  },
  doc: { mediaType: 'application/msword', magic: [OLE], detected: ['cfb'] },
  wps: { mediaType: 'application/vnd.ms-works', magic: [OLE], detected: ['cfb'] },
  jpg: { mediaType: 'image/jpeg', magic: [[0xff, 0xd8, 0xff]], detected: ['jpg'] },
  png: { mediaType: 'image/png', magic: [[0x89, 0x50, 0x4e, 0x47]], detected: ['png', 'apng'] },
  tif: {
    mediaType: 'image/tiff',
    magic: [
      [0x49, 0x49, 0x2a, 0x00],
      [0x4d, 0x4d, 0x00, 0x2a],
    ],
    detected: ['tif'],
  },
};

export interface AttachmentStoreOptions {
  dir: string;
  maxBytes: number;
}

const extensionOf = (fileName: string) =>
  path.extname(fileName).slice(1).toLowerCase().replace('jpeg', 'jpg');

const NAME_REASON = '请填写文件名（不超过 200 个字符，不含路径）';
const uploadRequest = requestSchema({
  query: z.object({
    fileName: z
      .string({ error: NAME_REASON })
      .refine((n) => n.trim() !== '' && n.length <= 200 && !/[/\\\0]/.test(n), NAME_REASON),
  }),
});

const downloadRequest = requestSchema({
  params: z.object({ id: z.string().min(1).max(100) }).strict(),
});
const upload = operation({
  summary: '附件: upload a file (raw body), to name in a registration, a 回报单 or a breach record',
  request: uploadRequest,
  rawBody: {
    mediaType: 'application/octet-stream',
    description: 'The file: pdf, ofd, doc(x), wps, xlsx, jpg, png or tif, checked by its content',
  },
  responses: { 201: '`{attachment}`' },
  errors: [413, 415],
});
const download = operation({
  summary: 'Download an attachment',
  request: downloadRequest,
  who: 'Whoever may read its directive or breach record; the uploader while it is filed nowhere.',
  responses: {
    200: {
      description: 'The file',
      mediaTypes: [...new Set(Object.values(ALLOWED).map((k) => k.mediaType))],
    },
  },
});

/** The accepted types as a person names them: PDF、OFD、DOCX … */
const TYPE_NAMES = Object.keys(ALLOWED).map((ext) => ext.toUpperCase());

/** The allowed kind of a file name, or 415. */
function kindOf(fileName: string): Kind {
  const kind = ALLOWED[extensionOf(fileName)];
  if (!kind) {
    throw new HttpError(415, 'unsupported_type', `只接受以下类型的文件：${TYPE_NAMES.join('、')}`, [
      { field: 'fileName', reason: say.oneOfThese('文件类型', TYPE_NAMES) },
    ]);
  }
  return kind;
}

// The rest of a refused upload is not read: the connection closes after the answer.
const tooLarge = (maxBytes: number) =>
  new HttpError(413, 'too_large', `文件不得超过 ${maxBytes} 字节`, undefined, {
    Connection: 'close',
  });

/**
 * Streams the request body into `file`, hashing it on the way and refusing it past `maxBytes`:
 * the upload is never held in memory whole. The request is piped in rather than made part of the
 * pipeline, because a failed pipeline destroys its source, and with it the connection the 413
 * must go back on.
 */
async function receive(
  req: Request,
  file: string,
  maxBytes: number,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(tooLarge(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const cutOff = () => {
    if (!req.complete) meter.destroy(new HttpError(400, 'incomplete', '上传中断，文件不完整'));
  };
  req.once('close', cutOff);
  req.once('error', cutOff);
  req.pipe(meter);
  try {
    await pipeline(meter, createWriteStream(file, { flags: 'wx' }));
  } finally {
    req.unpipe(meter);
    req.off('close', cutOff);
    req.off('error', cutOff);
  }
  return { sha256: hash.digest('hex'), size };
}

/** The names of a zip's entries, from its central directory (nothing is decompressed). */
function zipEntryNames(file: string, limit = 10_000): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err) return reject(err);
      const names = new Set<string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        names.add(entry.fileName);
        if (names.size < limit) return zip.readEntry();
        zip.close();
        resolve(names);
      });
      zip.once('end', () => resolve(names));
      zip.once('error', reject);
      zip.readEntry();
    });
  });
}

async function startsWith(file: string, signatures: number[][]): Promise<boolean> {
  const head = Buffer.alloc(Math.max(...signatures.map((m) => m.length)));
  const handle = await fs.open(file, 'r');
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  return signatures.some((m) => m.every((byte, i) => head[i] === byte));
}

/**
 * Whether the stored upload really is what its extension says. The signature comes first: only
 * content that starts like an accepted type reaches file-type's parsers (so its parsers of other
 * formats, e.g. ASF, never see hostile input), then file-type's verdict, then a zip's entries.
 */
async function contentMatches(file: string, kind: Kind): Promise<boolean> {
  if (!(await startsWith(file, kind.magic))) return false;
  const detected = await fromFile(file).catch(() => undefined);
  if (!detected || !kind.detected.includes(detected.ext)) return false;
  if (!kind.zipEntries) return true;
  const names = await zipEntryNames(file).catch(() => new Set<string>());
  return kind.zipEntries.every((name) => names.has(name));
}

/** Where a stored content lives: under its sha256, in a directory of its first two hex digits. */
const storedFile = (store: Pick<AttachmentStoreOptions, 'dir'>, sha256: string) =>
  path.join(store.dir, sha256.slice(0, 2), sha256);

/**
 * Throws away uploads of this person not filed with anything (those of a refused 涉密
 * registration): their rows, and their content unless another file shares it.
 */
export async function discardUploads(
  db: Database,
  store: Pick<AttachmentStoreOptions, 'dir'>,
  ids: unknown,
  userId: string,
): Promise<void> {
  const named = Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  if (!named.length) return;
  const pending = { uploadedById: userId, receiptNumber: null, breachRecordId: null };
  const rows = await db.attachment.findMany({ where: { id: { in: named }, ...pending } });
  await db.attachment.deleteMany({ where: { id: { in: rows.map((r) => r.id) }, ...pending } });
  for (const sha256 of new Set(rows.map((r) => r.sha256))) {
    if (!(await db.attachment.count({ where: { sha256 } })))
      await fs.rm(storedFile(store, sha256), { force: true });
  }
}

export function attachmentRouter(db: Database, store: AttachmentStoreOptions): Router {
  const router = Router();
  const fileOf = (sha256: string) => storedFile(store, sha256);
  // Uploads being received; on the same file system as the store, so a rename finishes one.
  const incoming = path.join(store.dir, 'incoming');

  router.post(
    '/api/attachments',
    upload,
    // Clerks for 来文, departments for 回报单 and 整改 reports, 督查室 for a breach record's evidence.
    requireRole('CLERK', 'DEPT_HANDLER', 'DEPT_HEAD', 'CREDIT_OFFICER'),
    async (req, res) => {
      const fileName = parseRequest(uploadRequest, req).query.fileName.trim();
      const ext = extensionOf(fileName);
      const kind = kindOf(fileName);
      if (Number(req.get('content-length')) > store.maxBytes) throw tooLarge(store.maxBytes);
      // A JSON content type has had its body read (and refused) by the JSON parser already.
      if (req.readableEnded) throw invalidInput([{ field: 'body', reason: '文件为空' }]);

      await fs.mkdir(incoming, { recursive: true });
      // Written aside and renamed: a crash never leaves a half file under a content hash.
      const partial = path.join(incoming, `${randomUUID()}.part`);
      let received: { sha256: string; size: number };
      try {
        received = await receive(req, partial, store.maxBytes);
        if (received.size === 0) throw invalidInput([{ field: 'body', reason: '文件为空' }]);
        if (!(await contentMatches(partial, kind))) {
          throw new HttpError(415, 'unsupported_type', `文件内容不是 ${ext.toUpperCase()} 文件`, [
            { field: 'body', reason: `文件内容与扩展名（${ext.toUpperCase()}）不符` },
          ]);
        }
        const file = fileOf(received.sha256);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.rename(partial, file);
      } finally {
        await fs.rm(partial, { force: true });
      }
      const user = currentUser(req);
      // On record with its content hash, not its name: a file name may carry a 涉密 title.
      const row = await db.$transaction(async (tx) => {
        const created = await tx.attachment.create({
          data: {
            id: randomUUID(),
            sha256: received.sha256,
            fileName,
            mediaType: kind.mediaType,
            size: received.size,
            uploadedById: user.id,
          },
        });
        await appendAudit(tx, {
          actorId: user.delegate?.id ?? user.id,
          onBehalfOfId: user.delegate ? user.id : null,
          action: 'attachment.upload',
          target: created.id,
          detail: `sha256 ${received.sha256}, ${received.size} bytes`,
        });
        return created;
      });
      res.status(201).location(`/api/attachments/${row.id}`).json({ attachment: row });
    },
  );

  router.get('/api/attachments/:id', download, async (req, res) => {
    const user = currentUser(req);
    const { params } = parseRequest(downloadRequest, req);
    const row = await db.attachment.findUnique({ where: { id: params.id } });
    const view = row?.receiptNumber ? await directiveView(db, user, row.receiptNumber) : undefined;
    // A department's own files (回报单, 代拟稿) are for the office and that department only; a
    // breach record's evidence and 整改 reports for whoever may see the record.
    const allowed =
      row &&
      (row.receiptNumber
        ? view === 'OFFICE' ||
          (view !== undefined && (!row.departmentCode || row.departmentCode === user.departmentCode))
        : row.breachRecordId
          ? (await visibleRecord(db, user, row.breachRecordId)) !== null
          : row.uploadedById === user.id);
    if (!row || !allowed) throw new HttpError(404, 'not_found', '找不到该附件');
    // Who read which file, and when: documents may be classified (密级).
    await appendAudit(db, {
      actorId: user.delegate?.id ?? user.id,
      onBehalfOfId: user.delegate ? user.id : null,
      action: 'attachment.download',
      target: row.id,
      detail: row.receiptNumber ?? row.breachRecordId,
    });
    res
      .type(row.mediaType)
      // Documents may be classified: no browser or proxy keeps a copy.
      .set('Cache-Control', 'no-store')
      .set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.fileName)}`)
      .sendFile(fileOf(row.sha256));
  });

  return router;
}

/**
 * Attachment ids named in a form: uploaded by this user and filed nowhere yet, or (a retry, a
 * second 整改 report) already filed with the breach record the form is for.
 */
export async function attachmentsNamed(
  db: Database,
  ids: unknown,
  userId: string,
  ours: { breachRecordId?: string } = {},
): Promise<AttachmentRef[]> {
  if (ids === undefined) return [];
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw invalidInput([{ field: 'attachments', reason: '附件须为附件编号的列表' }]);
  }
  const rows = await db.attachment.findMany({ where: { id: { in: ids as string[] } } });
  const problems = (ids as string[]).flatMap((id, i) => {
    const row = rows.find((r) => r.id === id);
    if (!row || row.uploadedById !== userId)
      return [{ field: `attachments[${i}]`, reason: '找不到您上传的该附件' }];
    if (row.receiptNumber)
      return [{ field: `attachments[${i}]`, reason: `该附件已归入收文 ${row.receiptNumber}` }];
    if (row.breachRecordId && row.breachRecordId !== ours.breachRecordId)
      return [{ field: `attachments[${i}]`, reason: `该附件已归入政务失信记录 ${row.breachRecordId}` }];
    return [];
  });
  if (problems.length) throw invalidInput(problems);
  return (ids as string[]).map((id) => {
    const r = rows.find((x) => x.id === id)!;
    return { id: r.id, sha256: r.sha256, fileName: r.fileName, mediaType: r.mediaType, size: r.size };
  });
}
