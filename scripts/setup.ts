/**
 * The people `npm start` puts into an empty database, in a process of their own so the supervisor
 * never loads the database client: a production start bootstraps the first administrator (his
 * password printed once); a first start on the embedded dev server loads the demo organisation.
 * `node dist/setup.js [--embedded]` (start.ts runs it after the migrations).
 */
import { bootstrapAdministrator, bootstrapMessage } from '../api/auth/bootstrap';
import { loadConfigOrExit } from '../core/config';
import { openDatabase } from '../core/database';
import { printDemoAccounts, seedDemoOrganisation } from './demo-organisation';

async function main() {
  const config = loadConfigOrExit();
  const embedded = process.argv.includes('--embedded');
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
    `duban: setting up the organisation failed: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
