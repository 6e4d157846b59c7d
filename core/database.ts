/** The Prisma client over SQLite, through the JS driver adapter (no native engine). */
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';

export type Database = PrismaClient;

export function openDatabase(url: string): Database {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}
