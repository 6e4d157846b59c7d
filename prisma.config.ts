// Prisma CLI configuration for `prisma generate` (Prisma 7). Migrations are applied by
// prisma/migrate.config.ts (see scripts/prisma.sh and README, "Offline Prisma").
import path from 'node:path';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
});
