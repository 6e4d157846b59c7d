/** All activities, built from the worker's dependencies. */
import type { Database } from '../core/database';
import { createProjectionActivities } from './projection';

export interface ActivityDeps {
  db: Database;
}

export function createActivities({ db }: ActivityDeps) {
  return { ...createProjectionActivities(db) };
}

export type Activities = ReturnType<typeof createActivities>;
