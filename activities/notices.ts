/**
 * Notices (提醒, 催报单, 升级督办, 催办): resolved to people, put in their in-app inbox, and handed
 * to any further channels (e-mail, webhook) behind one interface.
 */
import { randomUUID } from 'node:crypto';
import { toStoredTime, type Database } from '../core/database';
import { Prisma } from '../generated/prisma/client';
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace';
import type { IntegrityRecipient } from '../workflows/integrity-policy';
import type { NoticeKind, NoticeRecipient, ReviewerRole } from '../workflows/policy';
import { classifiedName, clearancesFor, isClassified } from '../workflows/secrecy';
import type { Actor } from '../workflows/types';
import { departmentNames } from './department-names';

export interface NoticeToDeliver {
  /** Workflow id + rule + round: the inbox keeps one row per key and person, so a retry adds nothing. */
  noticeKey: string;
  kind:
    | NoticeKind
    | 'MANUAL_URGE'
    | 'CIRCULATION'
    | 'CLOSURE'
    | 'OFFICE_DEADLINE'
    | 'REASSIGNED'
    | 'BREACH_OPENED'
    | 'CASE_DECIDED'
    // 待办: a step has become these people's turn (审核 after 拟办, 批示, 审核回报 after a 回报单).
    | 'TURN';
  /** The directive it is about, or */
  receiptNumber?: string;
  /** the 政务失信记录 it is about. */
  breachRecordId?: string;
  /** The department concerned; none for the office's own notices. */
  departmentCode?: string;
  recipients: (NoticeRecipient | IntegrityRecipient | ReviewerRole)[];
  /** The leaders who gave the 批示, for INSTRUCTING_LEADER. */
  instructingLeaders: Actor[];
  /** The department's named 承办人: DEPT_HANDLER means this person alone once one is assigned. */
  handler?: Actor;
  /** People named directly (传阅 readers, a newly assigned handler). */
  named?: Actor[];
  title: string;
  body: string;
  /** When it reaches people (workflow time): when the workflow decided to send it, or */
  at: string;
  /**
   * a later instant it was prepared ahead of (预备提醒, a 09:00 reminder written before 09:00): the
   * inbox shows it, and the outbox sends it, from `at`.
   */
  scheduled?: boolean;
}

export interface NoticeRecipientUser {
  id: string;
  displayName: string;
}

/** One delivery queued in the outbox (NoticeDelivery), as a channel is given it to send. */
export interface QueuedDelivery {
  deliveryId: string;
  recipient: string;
  payload: string;
}

/**
 * A way to reach people beyond the inbox, through the outbox (activities/notice-channels.ts):
 * deliverNotice queues what deliveriesFor gives, the notice-outbox workflow sends each.
 */
export interface NoticeChannel {
  name: string;
  /** Attempts of one delivery before it is given up (the inbox has the notice). */
  attempts: number;
  /** What a notice means here: one delivery per recipient (`*`: one for all). Contacts nobody. */
  deliveriesFor(
    notice: NoticeToDeliver,
    recipients: NoticeRecipientUser[],
  ): Promise<{ recipient: string; payload: string }[]>;
  /** Sends one delivery; throws to be retried later, or a PermanentRefusal to be recorded FAILED. */
  send(delivery: QueuedDelivery): Promise<void>;
}

/**
 * 撤回预备提醒: notices prepared ahead of their instant (`scheduled`) that are no longer due, out of
 * the inbox and, not yet sent, out of the outbox. Run in the transaction of the step that made
 * them stale, so nobody is reminded of a report already in.
 */
export async function withdrawNotices(tx: TransactionClient, noticeKeys: readonly string[]): Promise<void> {
  const keys = Prisma.join(noticeKeys);
  await tx.$executeRaw`DELETE FROM "Notice" WHERE "noticeKey" IN (${keys})`;
  await tx.$executeRaw`
    DELETE FROM "NoticeDelivery" WHERE "noticeKey" IN (${keys}) AND "status" = 'PENDING' AND "attempts" = 0`;
}

export function createNoticeActivities(db: Database, channels: NoticeChannel[] = []) {
  const departmentName = departmentNames(db);
  /**
   * The active people with a role, in a department or in the general office. Raw SQL: a 09:00
   * reminder burst asks this a thousand times at once (README "Performance").
   */
  async function usersWithRole(
    role: string,
    where: { departmentCode?: string; officeOnly?: boolean },
  ): Promise<NoticeRecipientUser[]> {
    // A department role without a department would mean every department's staff: nobody instead.
    if (!where.officeOnly && !where.departmentCode) return [];
    const inDepartment = where.departmentCode
      ? Prisma.sql`u."departmentCode" = ${where.departmentCode}`
      : Prisma.sql`1`;
    const inOffice = where.officeOnly
      ? Prisma.sql`u."departmentCode" IN (SELECT "code" FROM "Department" WHERE "kind" IN ('GENERAL_OFFICE', 'OFFICE_SECTION'))`
      : Prisma.sql`1`;
    return db.$queryRaw<NoticeRecipientUser[]>`
      SELECT u."id", u."displayName" FROM "User" u
      WHERE u."active" = 1 AND ${inDepartment} AND ${inOffice}
        AND EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = u."id" AND r."role" = ${role})
      ORDER BY u."id"`;
  }

  async function resolve(notice: NoticeToDeliver): Promise<NoticeRecipientUser[]> {
    const found = new Map<string, NoticeRecipientUser>();
    for (const recipient of notice.recipients) {
      let users: NoticeRecipientUser[] = [];
      if (recipient === 'DEPT_HANDLER') {
        users = notice.handler
          ? [{ id: notice.handler.userId, displayName: notice.handler.displayName }]
          : await usersWithRole('DEPT_HANDLER', notice);
      }
      if (recipient === 'DEPT_HEAD') users = await usersWithRole('DEPT_HEAD', notice);
      if (recipient === 'OFFICE_DIRECTOR')
        users = await usersWithRole('OFFICE_DIRECTOR', { officeOnly: true });
      if (recipient === 'OFFICE_REVIEWER')
        users = await usersWithRole('OFFICE_REVIEWER', { officeOnly: true });
      if (recipient === 'CREDIT_OFFICER') users = await usersWithRole('CREDIT_OFFICER', { officeOnly: true });
      if (recipient === 'INSTRUCTING_LEADER') {
        users = notice.instructingLeaders.map((l) => ({ id: l.userId, displayName: l.displayName }));
      }
      if ((recipient === 'URGER' || recipient === 'REGISTRAR') && notice.receiptNumber) {
        const directive = await db.directive.findUnique({ where: { receiptNumber: notice.receiptNumber } });
        const id = recipient === 'URGER' ? directive?.urgerId : directive?.registeredById;
        const user = id ? await db.user.findUnique({ where: { id } }) : null;
        if (user) users = [{ id: user.id, displayName: user.displayName }];
      }
      for (const u of users) found.set(u.id, u);
    }
    for (const n of notice.named ?? []) found.set(n.userId, { id: n.userId, displayName: n.displayName });
    return [...found.values()];
  }

  /**
   * People read department names, not codes: the workflows know a department by its code and may
   * write it into a notice (e.g. "GDCZT 回报期限 2017-01-13"); here it becomes 省财政厅.
   */
  async function withDepartmentNames(notice: NoticeToDeliver): Promise<NoticeToDeliver> {
    const code = notice.departmentCode;
    const name = code && (await departmentName(code));
    if (!name) return notice;
    // Whole codes only: GDCZT is not the start of GDCZT-MSK.
    const named = (text: string) =>
      text.replace(/[A-Z0-9][A-Z0-9-]*/g, (token) => (token === code ? name : token));
    return { ...notice, title: named(notice.title), body: named(notice.body) };
  }

  /** The 密级 of the document a notice is about (a 政务失信记录 opened from a directive's task too). */
  async function secrecyOf(
    notice: NoticeToDeliver,
  ): Promise<{ secrecy: string; receiptNumber: string } | null> {
    const receiptNumber =
      notice.receiptNumber ??
      (notice.breachRecordId
        ? (await db.breachRecord.findUnique({ where: { recordId: notice.breachRecordId } }))?.receiptNumber
        : undefined);
    if (!receiptNumber) return null;
    const [directive] = await db.$queryRaw<{ secrecy: string }[]>`
      SELECT "secrecy" FROM "Directive" WHERE "receiptNumber" = ${receiptNumber}`;
    return directive ? { secrecy: directive.secrecy, receiptNumber } : null;
  }

  /**
   * A notice about a classified (涉密) document goes only to people cleared to its 密级, and says
   * what is asked, never the title, a 文号 or a comment: notices leave the system by e-mail and
   * webhook. Workflows title every notice "<what>：<document>".
   */
  async function classifiedSafe(
    notice: NoticeToDeliver,
    recipients: NoticeRecipientUser[],
  ): Promise<{ notice: NoticeToDeliver; recipients: NoticeRecipientUser[] }> {
    const document = await secrecyOf(notice);
    if (!document || !isClassified(document.secrecy)) return { notice, recipients };
    const cleared = await db.user.findMany({
      where: { id: { in: recipients.map((r) => r.id) }, clearance: { in: clearancesFor(document.secrecy) } },
      select: { id: true },
    });
    const what = notice.title.split('：')[0];
    return {
      notice: {
        ...notice,
        title: `${what}：${classifiedName(document.secrecy, document.receiptNumber)}`,
        body: '涉密文件，请在本系统内查看。',
      },
      recipients: recipients.filter((r) => cleared.some((c) => c.id === r.id)),
    };
  }

  return {
    /**
     * Safe to retry: inbox rows and queued deliveries are keyed by notice and person, and written
     * together. No channel is contacted here (the notice outbox sends), so no step waits for one.
     */
    async deliverNotice(toDeliver: NoticeToDeliver): Promise<{ recipientIds: string[] }> {
      const { notice, recipients } = await classifiedSafe(
        await withDepartmentNames(toDeliver),
        await resolve(toDeliver),
      );
      const row = {
        receiptNumber: notice.receiptNumber ?? null,
        breachRecordId: notice.breachRecordId ?? null,
        departmentCode: notice.departmentCode ?? null,
        kind: notice.kind,
        title: notice.title,
        body: notice.body,
        at: new Date(notice.at),
      };
      const queued = [];
      for (const channel of channels) {
        for (const d of await channel.deliveriesFor(notice, recipients))
          queued.push({ channel: channel.name, ...d });
      }
      await db.$transaction([
        // Once per notice and person: a retry inserts nothing. Raw SQL, as the projection's hot
        // statements are (README "Performance").
        ...recipients.map(
          (r) => db.$executeRaw`
            INSERT INTO "Notice" ("noticeKey", "recipientId", "receiptNumber", "breachRecordId",
              "departmentCode", "kind", "title", "body", "at")
            VALUES (${notice.noticeKey}, ${r.id}, ${row.receiptNumber}, ${row.breachRecordId},
              ${row.departmentCode}, ${row.kind}, ${row.title}, ${row.body}, ${toStoredTime(row.at)})
            ON CONFLICT ("noticeKey", "recipientId") DO NOTHING`,
        ),
        ...queued.map(({ channel, recipient, payload }) =>
          db.noticeDelivery.upsert({
            where: { channel_noticeKey_recipient: { channel, noticeKey: notice.noticeKey, recipient } },
            create: {
              channel,
              noticeKey: notice.noticeKey,
              recipient,
              deliveryId: randomUUID(),
              status: 'PENDING',
              payload,
              nextAttemptAt: notice.scheduled ? row.at : null,
            },
            // A retry changes nothing queued (a row from before the outbox gets its content).
            update: { payload },
          }),
        ),
      ]);
      return { recipientIds: recipients.map((r) => r.id) };
    },
  };
}
