/** `npm run seed`: load the demo organisation and print who can sign in. */
import { loadConfigOrExit } from '../core/config';
import { openDatabase } from '../core/database';
import { ROLES } from '../core/roles';
import { DEMO_DEPARTMENTS, DEMO_PASSWORD, DEMO_USERS, seedDemoOrganisation } from './demo-organisation';

export function printDemoAccounts(): void {
  const dept = new Map(DEMO_DEPARTMENTS.map((d) => [d.code, d.name]));
  console.log(`Demo accounts (password for all: ${DEMO_PASSWORD}):`);
  for (const u of DEMO_USERS) {
    const roles = u.roles.map((r) => ROLES[r]).join(', ');
    console.log(`  ${u.username.padEnd(14)} ${u.displayName} — ${dept.get(u.departmentCode)} — ${roles}`);
  }
}

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

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
