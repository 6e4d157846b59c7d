/** `npm run seed`: load the demo organisation and print who can sign in. */
import { loadConfigOrExit } from '../core/config';
import { openDatabase } from '../core/database';
import { printDemoAccounts, seedDemoOrganisation } from './demo-organisation';

async function main() {
  const config = loadConfigOrExit();
  if (config.production) {
    console.error('DUBAN_PRODUCTION is set: the demo organisation is not loaded into a production database.');
    process.exit(78);
  }
  const db = openDatabase(config.databaseUrl);
  try {
    await seedDemoOrganisation(db);
    console.log(`Loaded the demo organisation into ${config.databaseUrl}.`);
    printDemoAccounts();
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
