/** A database of one's own: a copy of the migrated template, removed afterwards. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, useWriteAheadLog, type Database } from '../../core/database';
import { seedDemoOrganisation } from '../../scripts/demo-organisation';
import { TEMPLATE_DB } from './paths';

export interface TestDatabase {
  db: Database;
  url: string;
  close(): Promise<void>;
}

export async function createTestDatabase(opts: { demoOrganisation?: boolean } = {}): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-db-'));
  const file = path.join(dir, 'duban.db');
  fs.copyFileSync(TEMPLATE_DB, file);
  const url = `file:${file}`;
  const db = openDatabase(url);
  await useWriteAheadLog(db);
  if (opts.demoOrganisation) await seedDemoOrganisation(db);
  return {
    db,
    url,
    async close() {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
