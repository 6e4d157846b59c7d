import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS = path.join(ROOT, 'tools');
/** The migrated, empty database that global-setup builds once per run; each test file copies it. */
export const TEMPLATE_DB = path.join(
  os.tmpdir(),
  `duban-test-template-${process.env.DUBAN_TEST_RUN ?? 'local'}.db`,
);
