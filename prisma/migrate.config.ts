// Prisma 6.19's CLI (the `prisma-migrate` package) applies and diffs the migrations: its JS
// driver-adapter engine needs no native schema engine, which Prisma 7's `migrate` does and which
// cannot be downloaded here. Its schema is only the datasource: migrations are plain SQL files.
import path from 'node:path';
import { defineConfig } from 'prisma-migrate/config';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(__dirname, 'migrate.prisma'),
  migrations: { path: path.join(__dirname, 'migrations') },
  adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    return Promise.resolve(new PrismaBetterSqlite3({ url }));
  },
});
