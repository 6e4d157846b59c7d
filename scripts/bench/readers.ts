/**
 * The bench's measured reads, sent from a thread of their own. The people reading are browsers on
 * other machines; sent from the bench's main thread, their HTTP client (building each request,
 * parsing each answer and its JSON) would take turns on the very event loop that serves the API,
 * and each read would also wait for the others' client work. In a thread, the readers run on the
 * machine's other CPU, idle in the read phase, and the API's thread serves reads only. The thread
 * is in the bench's process, so the CPU per read still counts the client's part.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { inPool, thinker, type Lanes } from './figures';
import { KeptAliveHttp } from './http-client';

/** One read: who reads what, and what the answer must hold. */
export interface Read {
  step: string;
  who: string;
  url: string;
  /** A list's page (`total` and `items`), or a directive's detail whose status is CLOSED. */
  expect: 'page' | 'closed';
}

export interface ReadersInput extends Lanes {
  apiUrl: string;
  /** Each reader's bearer token, signed in by the bench beforehand. */
  tokens: Record<string, string>;
  reads: Read[];
  timeoutMs: number;
  /** The header that names the step for the profile's counters. */
  stepHeader: string;
}

export interface ReadersOutput {
  /** Milliseconds per answered read, by step. */
  latencies: Record<string, number[]>;
  failures: string[];
}

const THREAD = 'duban-bench-readers';

/**
 * Runs the reads in a thread, `concurrency` at a time, each lane pausing before a read as with
 * --think-ms; `stopped` ends it early (not a failure).
 */
export function readInThread(input: ReadersInput, stopped: () => boolean): Promise<ReadersOutput> {
  return new Promise((resolve, reject) => {
    // Under tsx, as the bench runs: a thread does not inherit its loader, so it registers it first.
    const entry = `require('tsx/cjs/api').register(); require(${JSON.stringify(__filename)});`;
    const worker = new Worker(entry, { eval: true, workerData: { thread: THREAD, input } });
    const poll = setInterval(() => {
      if (stopped()) void worker.terminate();
    }, 100);
    let output: ReadersOutput = { latencies: {}, failures: [] };
    worker.on('message', (m: ReadersOutput) => (output = m));
    worker.on('error', reject);
    worker.on('exit', () => {
      clearInterval(poll);
      resolve(output);
    });
  });
}

/** What the answer must hold; a message when it does not. */
function unexpected(expect: Read['expect'], body: Record<string, unknown>): string | undefined {
  if (expect === 'page')
    return typeof body.total === 'number' && Array.isArray(body.items)
      ? undefined
      : `unexpected answer ${JSON.stringify(body).slice(0, 200)}`;
  const status = (body.directive as { status?: unknown } | undefined)?.status;
  return status === 'CLOSED' ? undefined : `status is ${String(status)}, expected CLOSED`;
}

async function readAll(input: ReadersInput): Promise<ReadersOutput> {
  const http = new KeptAliveHttp(input.apiUrl, input.timeoutMs, new AbortController().signal);
  const output: ReadersOutput = { latencies: {}, failures: [] };
  const think = thinker(input.thinkMs);
  await inPool(
    input.reads.length,
    input.concurrency,
    () => false,
    async (i) => {
      const { step, who, url, expect } = input.reads[i]!;
      await think();
      const headers = { authorization: `Bearer ${input.tokens[who]}`, [input.stepHeader]: step };
      const started = performance.now();
      try {
        const { status, text } = await http.send('GET', url, headers);
        const ms = performance.now() - started;
        if (status !== 200) throw new Error(`GET ${url} → ${status} ${text}`);
        const problem = unexpected(expect, JSON.parse(text) as Record<string, unknown>);
        if (problem) throw new Error(problem);
        (output.latencies[step] ??= []).push(ms);
      } catch (err) {
        output.failures.push(`${step} ${url}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  );
  http.close();
  return output;
}

if (!isMainThread && (workerData as { thread?: string } | null)?.thread === THREAD) {
  const { input } = workerData as { input: ReadersInput };
  void readAll(input).then((output) => parentPort!.postMessage(output));
}
