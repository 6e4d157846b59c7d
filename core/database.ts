/** The Prisma client over SQLite, through the JS driver adapter (no native engine). */
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';

export type Database = PrismaClient;

export function openDatabase(url: string): Database {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

/**
 * The API and the worker are two processes on one file: with the write-ahead log, readers do not
 * wait for a writer, and a commit need not wait for the disk twice. The journal mode is kept in
 * the file; `synchronous` is per connection. NORMAL survives a process crash; on a power loss the
 * last commits may be lost (activities that completed are not run again), a trade for speed that
 * a deployment wanting full durability can reverse with FULL.
 */
export async function useWriteAheadLog(db: Database): Promise<void> {
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
}
