/**
 * Once per test run: check the Temporal servers are installed, build a migrated template database,
 * and build dist/ as `npm start` does (the start and recovery tests run the built JavaScript).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export default function globalSetup(): void {
  process.env.DUBAN_TEST_RUN = String(process.pid);
  // Imported after DUBAN_TEST_RUN is set, so the path names this run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ROOT, TEMPLATE_DB, TOOLS } = require('./paths') as typeof import('./paths');
  for (const tool of ['temporal', 'temporal-test-server']) {
    if (!fs.existsSync(path.join(TOOLS, tool))) {
      throw new Error(`tools/${tool} is missing: run the tests with 'npm test', which installs it first`);
    }
  }
  fs.rmSync(TEMPLATE_DB, { force: true });
  const r = spawnSync('sh', ['scripts/prisma.sh', 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${TEMPLATE_DB}` },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`migrating the template database failed:\n${r.stdout}\n${r.stderr}`);
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
}
