/**
 * What `npm start` prepares before the worker and the API start, in a process of its own so the
 * supervisor never loads the database or the Temporal client:
 * - Temporal: a cluster is waited for (a moment after its own start); the embedded dev server keeps
 *   closed workflows' histories a year (HISTORY_RETENTION_DAYS), not its default day.
 * - The people: a production start bootstraps the first administrator (his password printed once);
 *   a first start on the embedded dev server loads the demo organisation.
 * `node dist/setup.js [--embedded]` (start.ts runs it after the migrations and the dev server).
 */
import { msToTs } from '@temporalio/common/lib/time';
import { bootstrapAdministrator, bootstrapMessage } from '../api/auth/bootstrap';
import { loadConfigOrExit, type Config } from '../core/config';
import { openDatabase } from '../core/database';
import { connectClient } from '../core/temporal';
import { printDemoAccounts, seedDemoOrganisation } from './demo-organisation';

/**
 * How long the embedded server keeps a closed workflow's history: a year, so `npm run
 * rebuild-projection` can rewrite the projection of every directive of the last year from its
 * workflow. A cluster's retention is its operator's to set.
 */
export const HISTORY_RETENTION_DAYS = 366;
/** How long a cluster may take to answer before the start gives up. */
const CLUSTER_WAIT_MS = 15_000;

async function prepareTemporal(config: Config, embedded: boolean): Promise<void> {
  const deadline = Date.now() + (embedded ? 0 : CLUSTER_WAIT_MS);
  for (;;) {
    try {
      const client = await connectClient(config.temporal);
      try {
        if (embedded) {
          await client.workflowService.updateNamespace({
            namespace: config.temporal.namespace,
            config: { workflowExecutionRetentionTtl: msToTs(`${HISTORY_RETENTION_DAYS} days`) },
          });
        } else {
          await client.workflowService.getSystemInfo({});
        }
        return;
      } finally {
        await client.connection.close();
      }
    } catch (err) {
      if (Date.now() >= deadline) {
        const where = embedded
          ? 'the embedded dev server'
          : `the Temporal cluster at ${config.temporal.address}`;
        throw new Error(`${where} did not answer: ${err instanceof Error ? err.message : String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function main() {
  const config = loadConfigOrExit();
  const embedded = process.argv.includes('--embedded');
  await prepareTemporal(config, embedded);
  const db = openDatabase(config.databaseUrl);
  try {
    if (config.production) {
      // A production start: never the demo organisation; the first administrator when there is none.
      const made = await bootstrapAdministrator(db);
      if (made) console.log(bootstrapMessage(made));
    } else if (embedded && (await db.user.count()) === 0) {
      await seedDemoOrganisation(db);
      console.log('duban: first start: loaded the demo organisation (npm run seed reloads it)');
      printDemoAccounts();
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(
    `duban: setting up Temporal and the organisation failed: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
