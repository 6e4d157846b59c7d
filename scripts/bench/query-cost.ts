/**
 * What one Prisma query costs in CPU: `node --import tsx scripts/bench/query-cost.ts [--rounds 5000]`.
 *
 * The same reads through Duban's client (core/database.ts: Prisma 7 over the better-sqlite3 driver
 * adapter) as a model query and as raw SQL, on a fresh migrated database with the demo
 * organisation: a user by name with his roles (what every access check reads), and one
 * department by its code. Each is run R times one after another after a warm-up, and the
 * process's CPU time per query is printed, so the README can say what turning the remaining model
 * queries into raw SQL would pay (issue 11, "Where the time goes").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, useWriteAheadLog, type Database } from '../../core/database';
import { seedDemoOrganisation } from '../demo-organisation';
import { migratedDatabase } from './stack';

const WARM_UP = 500;

type Query = { name: string; run: (db: Database) => Promise<unknown> };

const QUERIES: Query[] = [
  {
    name: 'a user with his roles, model query (findUnique, include roles)',
    run: (db) => db.user.findUnique({ where: { username: 'chunxin' }, include: { roles: true } }),
  },
  {
    name: 'a user with his roles, raw SQL ($queryRaw, one join)',
    run: (db) =>
      db.$queryRaw`SELECT u.*, r.role FROM User u LEFT JOIN UserRole r ON r.userId = u.id
        WHERE u.username = ${'chunxin'}`,
  },
  {
    name: 'a department by its code, model query (findUnique)',
    run: (db) => db.department.findUnique({ where: { code: 'GDBGT' } }),
  },
  {
    name: 'a department by its code, raw SQL ($queryRaw)',
    run: (db) => db.$queryRaw`SELECT * FROM Department WHERE code = ${'GDBGT'}`,
  },
];

async function cpuPerQuery(db: Database, query: Query, rounds: number): Promise<number> {
  for (let i = 0; i < WARM_UP; i++) await query.run(db);
  const before = process.cpuUsage();
  for (let i = 0; i < rounds; i++) await query.run(db);
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000 / rounds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5000' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number from 1');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-query-cost-'));
  const db = openDatabase(migratedDatabase(dir));
  try {
    await useWriteAheadLog(db);
    await seedDemoOrganisation(db);
    for (const query of QUERIES) {
      const found = await query.run(db);
      if (found === null || (Array.isArray(found) && !found.length))
        throw new Error(`${query.name}: found nothing; the demo organisation has changed`);
      console.log(`${(await cpuPerQuery(db, query, rounds)).toFixed(3)} ms CPU  ${query.name}`);
    }
    console.log(
      `(${rounds} rounds each after ${WARM_UP} of warm-up, one at a time, Node ${process.version})`,
    );
  } finally {
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
