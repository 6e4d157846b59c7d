// Prisma CLI configuration: the JS driver adapter stands in for Prisma's native
// engines, which cannot be downloaded here (see README, "Offline Prisma").
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    return Promise.resolve(new PrismaBetterSQLite3({ url }));
  },
});
