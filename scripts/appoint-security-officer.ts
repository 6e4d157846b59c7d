/**
 * `npm run appoint-security-officer -- <username> [--name 姓名 --department 单位代码]`: appoints a
 * 保密员 on the server (api/auth/security-officer.ts) and prints his new password once.
 */
import { parseArgs } from 'node:util';
import { appointSecurityOfficer } from '../api/auth/security-officer';
import { loadConfigOrExit } from '../core/config';
import { openDatabase, useWriteAheadLog } from '../core/database';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, department: { type: 'string' } },
  });
  const username = positionals[0];
  if (!username)
    throw new Error(
      'usage: npm run appoint-security-officer -- <username> [--name 姓名 --department 单位代码]',
    );
  const config = loadConfigOrExit();
  const db = openDatabase(config.databaseUrl);
  await useWriteAheadLog(db);
  try {
    const done = await appointSecurityOfficer(db, {
      username,
      displayName: values.name,
      departmentCode: values.department,
    });
    console.log(
      `duban: ${done.username} is now a 保密员${done.created ? ' (new account)' : ''}.\n` +
        `  initial password ${done.password}   (shown only now; to be changed at the first sign-in)`,
    );
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(`duban: appointing a 保密员 failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
