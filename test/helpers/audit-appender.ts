/**
 * A process of its own appending to the audit trail, as the API and the worker do on one file:
 * `node --import tsx test/helpers/audit-appender.ts <database url> <count> <name> <go file>`.
 * Says "ready", waits for the go file (so that all start together), appends `count` entries four
 * at a time and prints the ids it got as JSON.
 */
import fs from 'node:fs';
import { appendAudit } from '../../core/audit';
import { openDatabase, useWriteAheadLog } from '../../core/database';

async function main() {
  const [url, count, name, go] = process.argv.slice(2) as [string, string, string, string];
  const db = openDatabase(url);
  await useWriteAheadLog(db);
  console.log('ready');
  while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 5));
  const ids: number[] = [];
  for (let i = 0; i < Number(count); i += 4) {
    await Promise.all(
      [0, 1, 2, 3].map(async (j) => {
        await appendAudit(db, { actorId: name, action: 'test.append', target: `${name}-${i + j}` });
      }),
    );
  }
  const mine = await db.auditEvent.findMany({ where: { actorId: name }, select: { id: true } });
  ids.push(...mine.map((r) => r.id));
  console.log(JSON.stringify(ids));
  await db.$disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
