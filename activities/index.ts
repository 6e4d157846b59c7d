/** All activities, built from the worker's dependencies. */
import type { Database } from '../core/database';
import { createDeadlineClockActivities } from './deadline-clock';
import { createIntegrityActivities } from './integrity';
import { createNoticeOutboxActivities } from './notice-channels';
import { createNoticeActivities, type NoticeChannel } from './notices';
import { createProjectionActivities } from './projection';
import { createRegisterActivities } from './register';

export interface ActivityDeps {
  db: Database;
  /** Channels beyond the in-app inbox (e-mail, webhook); none by default. */
  noticeChannels?: NoticeChannel[];
}

export function createActivities({ db, noticeChannels }: ActivityDeps) {
  return {
    ...createProjectionActivities(db),
    ...createNoticeActivities(db, noticeChannels),
    ...createNoticeOutboxActivities(db, noticeChannels),
    ...createDeadlineClockActivities(),
    ...createIntegrityActivities(db),
    ...createRegisterActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
