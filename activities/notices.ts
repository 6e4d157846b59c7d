/**
 * Notices (提醒, 催报单, 升级督办, 催办): resolved to people, put in their in-app inbox, and handed
 * to any further channels (e-mail, webhook) behind one interface.
 */
import type { Database } from '../core/database';
import type { IntegrityRecipient } from '../workflows/integrity-policy';
import type { NoticeKind, NoticeRecipient } from '../workflows/policy';
import type { Actor } from '../workflows/types';

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
    | 'CASE_DECIDED';
  /** The directive it is about, or */
  receiptNumber?: string;
  /** the 政务失信记录 it is about. */
  breachRecordId?: string;
  /** The department concerned; none for the office's own notices. */
  departmentCode?: string;
  recipients: (NoticeRecipient | IntegrityRecipient)[];
  /** The leaders who gave the 批示, for INSTRUCTING_LEADER. */
  instructingLeaders: Actor[];
  /** The department's named 承办人: DEPT_HANDLER means this person alone once one is assigned. */
  handler?: Actor;
  /** People named directly (传阅 readers, a newly assigned handler). */
  named?: Actor[];
  title: string;
  body: string;
  /** When the workflow decided to send it (workflow time). */
  at: string;
}

export interface NoticeRecipientUser {
  id: string;
  displayName: string;
}

/** A way to reach people beyond the inbox. A channel must tolerate being called twice for one notice. */
export interface NoticeChannel {
  name: string;
  deliver(notice: NoticeToDeliver, recipients: NoticeRecipientUser[]): Promise<void>;
}

export function createNoticeActivities(db: Database, channels: NoticeChannel[] = []) {
  async function usersWithRole(role: string, where: { departmentCode?: string; officeOnly?: boolean }) {
    // A department role without a department would mean every department's staff: nobody instead.
    if (!where.officeOnly && !where.departmentCode) return [];
    return db.user.findMany({
      where: {
        active: true,
        roles: { some: { role } },
        ...(where.departmentCode ? { departmentCode: where.departmentCode } : {}),
        ...(where.officeOnly ? { department: { kind: { in: ['GENERAL_OFFICE', 'OFFICE_SECTION'] } } } : {}),
      },
      select: { id: true, displayName: true },
    });
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

  return {
    /** Safe to retry: inbox rows are keyed by notice and person; channels are told to tolerate repeats. */
    async deliverNotice(notice: NoticeToDeliver): Promise<{ recipientIds: string[] }> {
      const recipients = await resolve(notice);
      const row = {
        receiptNumber: notice.receiptNumber ?? null,
        breachRecordId: notice.breachRecordId ?? null,
        departmentCode: notice.departmentCode ?? null,
        kind: notice.kind,
        title: notice.title,
        body: notice.body,
        at: new Date(notice.at),
      };
      await db.$transaction(
        recipients.map((r) =>
          db.notice.upsert({
            where: { noticeKey_recipientId: { noticeKey: notice.noticeKey, recipientId: r.id } },
            create: { noticeKey: notice.noticeKey, recipientId: r.id, ...row },
            update: {},
          }),
        ),
      );
      for (const channel of channels) await channel.deliver(notice, recipients);
      return { recipientIds: recipients.map((r) => r.id) };
    },
  };
}
