/**
 * Backup while the system runs, restore into a fresh data directory, and rebuild the projection
 * from the workflows' histories: 国发〔2016〕76号 with its attachment, dispatched to two departments,
 * one of which reports while the other is chased past its deadline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { verifyAuditChain } from '../../core/audit';
import { backupData, rebuildProjection, restoreData } from '../../core/backup';
import { openDatabase, type Database } from '../../core/database';
import { createTestDatabase } from '../helpers/database';
import { onSeedDay } from '../helpers/seed-day';
import { people, seedProposal } from '../helpers/seed-case';
import { signIn, SEED_DIRECTIVE } from '../helpers/stack';
import { reviewReportUpdate, signForUpdate, submitReportUpdate } from '../../workflows/definitions';

jest.setTimeout(180_000);

/** What people read of the directives: rows, timelines and the inbox, in a stable order. */
async function readable(db: Database) {
  const [directives, tasks, timeline, notices] = await Promise.all([
    db.directive.findMany({ orderBy: { receiptNumber: 'asc' } }),
    db.departmentTask.findMany({ orderBy: { workflowId: 'asc' } }),
    db.timelineEntry.findMany({ orderBy: [{ workflowId: 'asc' }, { seq: 'asc' }] }),
    db.notice.findMany({
      orderBy: [{ noticeKey: 'asc' }, { recipientId: 'asc' }],
      select: { noticeKey: true, recipientId: true, kind: true, title: true, body: true, at: true },
    }),
  ]);
  return { directives, tasks, timeline, notices };
}

test('a backup taken while the worker runs restores every directive and file; the workflows rebuild the projection', () =>
  onSeedDay(async (day) => {
    const { app, database, attachmentsDir } = day.stack;
    const clerk = await signIn(app, 'huangweiyan');
    const pdf = Buffer.from('%PDF-1.4\n国发〔2016〕76号 正文\n%%EOF\n');
    const upload = await request(app)
      .post('/api/attachments?fileName=guofa-2016-76.pdf')
      .set('Authorization', `Bearer ${clerk}`)
      .set('Content-Type', 'application/octet-stream')
      .send(pdf);
    expect(upload.status).toBe(201);
    const { id, sha256, fileName, mediaType, size } = upload.body.attachment;
    const receiptNumber = await day.steps.register({
      ...SEED_DIRECTIVE,
      attachments: [{ id, sha256, fileName, mediaType, size }],
    });
    await day.steps.instructed(receiptNumber, seedProposal({ coDepartments: ['GDCZT'] }));
    await day.until('2017-01-04T09:30');
    await day.steps.dispatch(receiptNumber);
    const fgw = day.steps.task(receiptNumber, 'GDFGW');
    await fgw.executeUpdate(signForUpdate, { args: [{ by: people.fgwHandler, deptReceiptNumber: '319号' }] });
    await fgw.executeUpdate(submitReportUpdate, {
      args: [{ by: people.fgwHead, options: [1], text: '已原文翻印发至各市、县。' }],
    });
    await fgw.executeUpdate(reviewReportUpdate, {
      args: [{ by: people.clerk, decision: 'ACCEPT', comment: '' }],
    });
    await day.until('2017-01-18T10:00'); // 省财政厅 reminded, overdue, 催报, escalated

    const live = await readable(database.db);
    expect(live.notices.length).toBeGreaterThan(4);
    const liveChain = await verifyAuditChain(database.db);
    expect(liveChain.ok).toBe(true);

    // Backup while the worker runs.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-backup-'));
    try {
      const manifest = await backupData(
        { databaseFile: database.url.slice('file:'.length), attachmentsDir },
        path.join(dir, 'backup'),
      );
      expect(manifest).toMatchObject({ directives: 1, attachments: 1 });

      // Restore into a fresh data directory: every directive, its timeline and its file are there.
      restoreData(path.join(dir, 'backup'), path.join(dir, 'restored'));
      const restored = openDatabase(`file:${path.join(dir, 'restored', 'duban.db')}`);
      try {
        expect(await readable(restored)).toEqual(live);
        // The audit trail too, its chain intact up to the same head.
        expect(await verifyAuditChain(restored)).toMatchObject({ ok: true, head: liveChain.head });
        const [file] = await restored.attachment.findMany({ where: { receiptNumber } });
        const stored = path.join(dir, 'restored', 'attachments', file!.sha256.slice(0, 2), file!.sha256);
        expect(fs.readFileSync(stored)).toEqual(pdf);
      } finally {
        await restored.$disconnect();
      }
      // A damaged backup is refused before anything is written.
      fs.appendFileSync(path.join(dir, 'backup', 'duban.db'), 'x');
      expect(() => restoreData(path.join(dir, 'backup'), path.join(dir, 'again'))).toThrow(/damaged/);
      expect(fs.existsSync(path.join(dir, 'again', 'duban.db'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // The projection lost: a fresh database with the organisation, rebuilt from the workflows.
    const fresh = await createTestDatabase({ demoOrganisation: true });
    try {
      const report = await rebuildProjection(day.env.client, fresh.db);
      expect(report.workflows).toBe(4); // the register, the directive and its two tasks
      expect(await readable(fresh.db)).toEqual(live);
      // The trail of the steps comes back with it (sign-ins and uploads only from a backup).
      const rebuilt = { ok: true, entries: live.timeline.length, timelineRows: live.timeline.length };
      expect(await verifyAuditChain(fresh.db)).toMatchObject(rebuilt);
      // Run again: the same projection, nothing doubled.
      await rebuildProjection(day.env.client, fresh.db);
      expect(await readable(fresh.db)).toEqual(live);
      expect(await verifyAuditChain(fresh.db)).toMatchObject(rebuilt);
    } finally {
      await fresh.close();
    }
  }));
