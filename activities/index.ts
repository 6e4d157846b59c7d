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

/**
 * The activities that write what people read: the projection and the inbox. `npm run
 * rebuild-projection` (core/backup.ts) runs them again from the workflows' histories.
 */
export const PROJECTING = [
  'recordReceipt',
  'recordReceipts',
  'recordDirective',
  'recordDepartmentTask',
  'recordBreach',
  'recordCase',
  'deliverNotice',
] as const;
export type Projecting = (typeof PROJECTING)[number];

/** What a projecting activity returns besides its own result: the input it wrote. */
export interface Written<I> {
  written: I;
}

/**
 * An activity task's input is in its history (its scheduled event); a local activity's is not, only
 * its result (workflows/activities.ts runs them locally). So a projecting activity returns its
 * input too, and the rebuild reads it from the marker; or what it wrote where the input left a part
 * to it (a reminder's comment: whom its notice reached).
 */
function keepingInputs<A, K extends keyof A & Projecting>(
  activities: A,
  names: readonly K[],
): {
  [P in K]: A[P] extends (input: infer I) => Promise<infer R> ? (input: I) => Promise<R & Written<I>> : never;
} {
  const keep = (name: K) => async (input: unknown) => {
    const write = activities[name] as (input: unknown) => Promise<object | void>;
    return { written: input, ...((await write(input)) ?? {}) };
  };
  return Object.fromEntries(names.map((name) => [name, keep(name)])) as never;
}

export function createActivities({ db, noticeChannels }: ActivityDeps) {
  const notices = createNoticeActivities(db, noticeChannels);
  const projection = createProjectionActivities(db, (notice) => notices.deliverNotice(notice));
  const integrity = createIntegrityActivities(db);
  return {
    ...projection,
    ...notices,
    ...createNoticeOutboxActivities(db, noticeChannels),
    ...createDeadlineClockActivities(),
    ...integrity,
    ...createRegisterActivities(db),
    ...keepingInputs(projection, [
      'recordReceipt',
      'recordReceipts',
      'recordDirective',
      'recordDepartmentTask',
    ]),
    ...keepingInputs(integrity, ['recordBreach', 'recordCase']),
    ...keepingInputs(notices, ['deliverNotice']),
  };
}

export type Activities = ReturnType<typeof createActivities>;
