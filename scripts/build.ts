/**
 * `npm run build`: the JavaScript `npm start` runs, so no TypeScript compiler (tsx, webpack) sits
 * in a running process. esbuild bundles the supervisor, the worker and the API (together, and each
 * alone for production services), each one file with
 * the project's own modules in it and the npm packages left to node_modules; the Temporal SDK's
 * bundler packs the workflow code once, as a worker would at each start. Into dist/:
 * start.js, setup.js, app.js, worker.js, api.js, workflow-bundle.js. Takes a few seconds; `npm start` runs it first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { BUILT_WORKFLOWS, ROOT } from '../core/paths';

const OUT = path.join(ROOT, 'dist');

async function main() {
  const started = Date.now();
  fs.mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: {
      start: path.join(ROOT, 'scripts', 'start.ts'),
      app: path.join(ROOT, 'scripts', 'app.ts'),
      worker: path.join(ROOT, 'worker', 'index.ts'),
      api: path.join(ROOT, 'api', 'main.ts'),
      setup: path.join(ROOT, 'scripts', 'setup.ts'),
    },
    outdir: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // npm packages load from node_modules as they are; only Duban's own code is bundled.
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // The same bundle a worker makes from workflows/ when given no prebuilt one.
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(ROOT, 'workflows', 'index.ts'),
    logger: new DefaultLogger('WARN'),
  });
  fs.writeFileSync(BUILT_WORKFLOWS, code);
  console.log(`duban: built dist/ (start, app, worker, api, workflow bundle) in ${Date.now() - started} ms`);
}

main().catch((err) => {
  console.error(`duban: the build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
