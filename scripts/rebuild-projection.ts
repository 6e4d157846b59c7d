/**
 * `npm run rebuild-projection`: writes the projection again from the workflows' histories (every
 * workflow the Temporal namespace still keeps: a year with the embedded server). Into the database
 * configured, after its migrations; people and policies come from a backup or `npm run seed`.
 */
import { rebuildProjection } from '../core/backup';
import { loadConfigOrExit } from '../core/config';
import { openDatabase } from '../core/database';
import { connectClient } from '../core/temporal';

async function main() {
  const config = loadConfigOrExit();
  const db = openDatabase(config.databaseUrl);
  const client = await connectClient(config.temporal);
  try {
    const { workflows, writes } = await rebuildProjection(client, db);
    console.log(`duban: rebuilt the projection from ${workflows} workflow(s), ${writes} write(s)`);
  } finally {
    await client.connection.close();
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(`duban: rebuild failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
