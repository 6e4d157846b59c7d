/**
 * The top of a V8 CPU profile: `node --import tsx scripts/bench/cpu-top.ts <dir or .cpuprofile …>
 * [--top 25] [--within function@file]…`. Made for a profiled bench run:
 *
 *   node --cpu-prof --cpu-prof-dir=data/bench/cpu --import tsx scripts/bench.ts --no-floor --no-profile
 *
 * (one profile per thread: the main thread, where the API, the activities, the clients and the
 * load generator run, and the worker's workflow thread). For each profile: self time by where the
 * code comes from (a package, a project folder, Node's internals, the garbage collector, idle),
 * then the functions with the most self time; with --within, the time spent inside a function,
 * its callees included (`--within init@vm-shared.js`: the SDK's promise hook).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = path.resolve(__dirname, '..', '..');

/** Where a frame's code comes from. */
function originOf({ functionName, url }: CallFrame): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const file = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1]!;
  if (/workflow-bundle|webpack/.test(file)) return 'workflow bundle';
  if (file.startsWith(ROOT)) return `${path.relative(ROOT, file).split(path.sep)[0]}/ (project)`;
  return file;
}

/** The part of the stack an origin belongs to. */
function subsystemOf(origin: string): string {
  if (/^@prisma\/|^better-sqlite3$|^wasm:\/\//.test(origin))
    return 'Prisma and SQLite (query compiler, client, adapter, driver)';
  if (
    /^@temporalio\/|^@grpc\/|^rxjs$|^long$|^protobufjs$|workflow bundle|evalmachine|^source-map$/.test(origin)
  )
    return 'Temporal SDK (worker, client, workflow sandbox)';
  if (
    /^(express|router|body-parser|raw-body|zod|helmet|pino|pino-http|undici|on-finished|finalhandler|send|qs)$/.test(
      origin,
    )
  )
    return 'HTTP: Express, zod, logging';
  if (/\(project\)$/.test(origin)) return 'project code';
  if (/^(webpack|webpack-sources|tsx|esbuild|@swc\/.*|terser.*|enhanced-resolve)$/.test(origin))
    return 'build at start (webpack, tsx)';
  return origin;
}

/**
 * Time spent within each of `within` (`function@file`, e.g. `init@vm-shared.js`): the samples
 * with such a frame anywhere on their stack, each counted once, so callees are included.
 */
function timeWithin(
  profile: CpuProfile,
  byId: Map<number, CallFrame>,
  self: Map<number, number>,
  within: string[],
): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const times = new Map(within.map((w) => [w, 0]));
  for (const [id, t] of self) {
    const onStack = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const frame = byId.get(node)!;
      onStack.add(`${frame.functionName}@${path.basename(frame.url)}`);
    }
    for (const w of within) if (onStack.has(w)) times.set(w, times.get(w)! + t);
  }
  return times;
}

function summarise(file: string, top: number, within: string[]): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self]
    .filter(([id]) => byId.get(id)?.functionName === '(idle)')
    .reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;

  const origins = new Map<string, number>();
  const subsystems = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, t] of self) {
    const frame = byId.get(id)!;
    if (frame.functionName === '(idle)') continue;
    const origin = originOf(frame);
    origins.set(origin, (origins.get(origin) ?? 0) + t);
    const subsystem = subsystemOf(origin);
    subsystems.set(subsystem, (subsystems.get(subsystem) ?? 0) + t);
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where} [${origin}]`;
    functions.set(key, (functions.get(key) ?? 0) + t);
  }
  const ms = (us: number) => `${Math.round(us / 1000)} ms`.padStart(10);
  const share = (us: number) => `${((us / busy) * 100).toFixed(1)} %`.padStart(7);
  console.log(
    `\n${path.basename(file)}: ${ms(total).trim()} sampled, ${ms(busy).trim()} busy (${((busy / total) * 100).toFixed(0)} %)`,
  );
  console.log('  self time by part of the stack (share of busy):');
  for (const [subsystem, t] of [...subsystems].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`  ${ms(t)} ${share(t)}  ${subsystem}`);
  console.log('  self time by origin:');
  for (const [origin, t] of [...origins].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${ms(t)} ${share(t)}  ${origin}`);
  console.log('  functions with the most self time:');
  for (const [fn, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${ms(t)} ${share(t)}  ${fn}`);
  if (!within.length) return;
  console.log('  time within (callees included):');
  for (const [w, t] of timeWithin(profile, byId, self, within)) console.log(`  ${ms(t)} ${share(t)}  ${w}`);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '25' },
      within: { type: 'string', multiple: true, default: [] },
    },
  });
  const files = positionals.flatMap((p) =>
    fs.statSync(p).isDirectory()
      ? fs
          .readdirSync(p)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => path.join(p, f))
      : [p],
  );
  if (!files.length) throw new Error('name a .cpuprofile file or a folder holding some');
  for (const file of files) summarise(file, Number(values.top), values.within);
}

main();
