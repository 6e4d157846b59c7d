/**
 * 附件: files that come with a document. Uploaded first (raw body, name in the query), checked
 * against an allow-list by extension and by content, stored once per content under its sha256;
 * a registration then names them by id. Only the uploader may attach a file not yet registered;
 * after that, whoever may read the directive may read its attachments.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import express, { Router } from 'express';
import type { Database } from '../../core/database';
import type { AttachmentRef } from '../../workflows/types';
import { currentUser, requireRole } from '../auth/middleware';
import { visibleRecord } from '../integrity-views';
import { HttpError, invalidInput } from '../errors';
import { directiveView } from './access';

/** Extension → media type and how its content starts (file signatures). */
const ALLOWED: Record<string, { mediaType: string; magic: number[][] }> = {
  pdf: { mediaType: 'application/pdf', magic: [[0x25, 0x50, 0x44, 0x46, 0x2d]] }, // %PDF-
  ofd: { mediaType: 'application/ofd', magic: [[0x50, 0x4b, 0x03, 0x04]] }, // 版式文件, a zip
  docx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    magic: [[0x50, 0x4b, 0x03, 0x04]],
  },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    magic: [[0x50, 0x4b, 0x03, 0x04]],
  },
  doc: { mediaType: 'application/msword', magic: [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]] },
  wps: { mediaType: 'application/vnd.ms-works', magic: [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]] },
  jpg: { mediaType: 'image/jpeg', magic: [[0xff, 0xd8, 0xff]] },
  png: { mediaType: 'image/png', magic: [[0x89, 0x50, 0x4e, 0x47]] },
  tif: {
    mediaType: 'image/tiff',
    magic: [
      [0x49, 0x49, 0x2a, 0x00],
      [0x4d, 0x4d, 0x00, 0x2a],
    ],
  },
};

export interface AttachmentStoreOptions {
  dir: string;
  maxBytes: number;
}

const extensionOf = (fileName: string) =>
  path.extname(fileName).slice(1).toLowerCase().replace('jpeg', 'jpg');

function checkFile(fileName: unknown, content: Buffer, maxBytes: number): { mediaType: string } {
  if (typeof fileName !== 'string' || !fileName.trim() || fileName.length > 200 || /[/\\\0]/.test(fileName)) {
    throw invalidInput([
      { field: 'fileName', reason: 'give the file name (at most 200 characters, no path)' },
    ]);
  }
  const kind = ALLOWED[extensionOf(fileName)];
  if (!kind) {
    throw new HttpError(
      415,
      'unsupported_type',
      `only ${Object.keys(ALLOWED).join(', ')} files are accepted`,
      [{ field: 'fileName', reason: 'file type not accepted' }],
    );
  }
  if (content.length === 0) throw invalidInput([{ field: 'body', reason: 'the file is empty' }]);
  if (content.length > maxBytes)
    throw new HttpError(413, 'too_large', `a file may be at most ${maxBytes} bytes`);
  if (!kind.magic.some((m) => m.every((byte, i) => content[i] === byte))) {
    throw new HttpError(415, 'unsupported_type', `the content is not a ${extensionOf(fileName)} file`, [
      { field: 'body', reason: `content does not match .${extensionOf(fileName)}` },
    ]);
  }
  return kind;
}

export function attachmentRouter(db: Database, store: AttachmentStoreOptions): Router {
  const router = Router();
  const fileOf = (sha256: string) => path.join(store.dir, sha256.slice(0, 2), sha256);

  router.post(
    '/api/attachments',
    // Clerks for 来文, departments for 回报单 and 整改 reports, 督查室 for a breach record's evidence.
    requireRole('CLERK', 'DEPT_HANDLER', 'DEPT_HEAD', 'CREDIT_OFFICER'),
    express.raw({ type: () => true, limit: store.maxBytes + 1 }),
    async (req, res) => {
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const fileName = req.query.fileName;
      const { mediaType } = checkFile(fileName, content, store.maxBytes);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const file = fileOf(sha256);
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Written aside and renamed: a crash never leaves a half file under a content hash.
      const partial = `${file}.${randomUUID()}.part`;
      await fs.writeFile(partial, content);
      await fs.rename(partial, file);
      const row = await db.attachment.create({
        data: {
          id: randomUUID(),
          sha256,
          fileName: (fileName as string).trim(),
          mediaType,
          size: content.length,
          uploadedById: currentUser(req).id,
        },
      });
      res.status(201).location(`/api/attachments/${row.id}`).json({ attachment: row });
    },
  );

  router.get('/api/attachments/:id', async (req, res) => {
    const user = currentUser(req);
    const row = await db.attachment.findUnique({ where: { id: String(req.params.id) } });
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
    if (!row || !allowed) throw new HttpError(404, 'not_found', 'no such attachment');
    // Who read which file, and when: documents may be classified (密级).
    await db.auditEvent.create({
      data: {
        actorId: user.delegate?.id ?? user.id,
        action: 'attachment.download',
        target: row.id,
        detail: user.delegate
          ? `${row.receiptNumber ?? row.breachRecordId}; for ${user.id}`
          : (row.receiptNumber ?? row.breachRecordId),
      },
    });
    res
      .type(row.mediaType)
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
    throw invalidInput([{ field: 'attachments', reason: 'must be a list of attachment ids' }]);
  }
  const rows = await db.attachment.findMany({ where: { id: { in: ids as string[] } } });
  const problems = (ids as string[]).flatMap((id, i) => {
    const row = rows.find((r) => r.id === id);
    if (!row || row.uploadedById !== userId)
      return [{ field: `attachments[${i}]`, reason: 'no such upload of yours' }];
    if (row.receiptNumber)
      return [{ field: `attachments[${i}]`, reason: `already filed with ${row.receiptNumber}` }];
    if (row.breachRecordId && row.breachRecordId !== ours.breachRecordId)
      return [
        { field: `attachments[${i}]`, reason: `already filed with 政务失信记录 ${row.breachRecordId}` },
      ];
    return [];
  });
  if (problems.length) throw invalidInput(problems);
  return (ids as string[]).map((id) => {
    const r = rows.find((x) => x.id === id)!;
    return { id: r.id, sha256: r.sha256, fileName: r.fileName, mediaType: r.mediaType, size: r.size };
  });
}
