/**
 * Where the project's files are, whether the code runs from its TypeScript sources (tests, `npm run
 * api`) or from the JavaScript built into dist/ (`npm start`): found from the package.json above.
 */
import fs from 'node:fs';
import path from 'node:path';

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const ROOT = projectRoot(__dirname);
/** The workflow code bundled once by `npm run build` (scripts/build.ts). */
export const BUILT_WORKFLOWS = path.join(ROOT, 'dist', 'workflow-bundle.js');
