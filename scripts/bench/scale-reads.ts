/**
 * The scale loader's reads (scripts/bench/scale.ts), once the tasks are loaded: what people open
 * first each morning. The clerk's 收文 list (GET /api/directives), a 承办单位's own tasks as its head
 * sees them (GET /api/tasks), and 待办 (GET /api/todo) for the clerk and for a department's 承办人.
 * Each R times, one kind after the other: first one at a time (a person opening his list, what the
 * data's size costs), then 8 at a time (what waiting for the API's one main thread adds).
 */
import os from 'node:os';
import { figuresOf, inPool, type StepFigures } from './figures';
import type { ScaleApi } from './scale-http';

/** One reader, then eight. */
const READ_CONCURRENCIES = [1, 8] as const;

export interface ReadKind {
  label: string;
  who: string;
  url: string;
  /** The `total` the answer should give, where the load fixes it. */
  expectedTotal?: number;
}

export interface ReadFigures extends StepFigures {
  label: string;
  url: string;
  who: string;
  /** `total` of the last answer: how many rows the list holds. */
  total: number | null;
  /** Readers at a time. */
  concurrency: number;
  loadAverage: number;
}

/** One kind's R reads; stops early (fewer reads) once `stopped` says so. */
async function readKind(
  api: ScaleApi,
  kind: ReadKind,
  reads: number,
  concurrency: number,
  stopped: () => boolean,
) {
  const last: { total: number | null } = { total: null };
  await inPool(reads, concurrency, stopped, async () => {
    try {
      const answer = await api.get(kind.label, kind.who, kind.url);
      if (typeof answer.total !== 'number' || !Array.isArray(answer.items))
        throw new Error(`unexpected answer ${JSON.stringify(answer).slice(0, 200)}`);
      last.total = answer.total;
    } catch (err) {
      api.recorder.fail(`read ${kind.label}`, err);
    }
  });
  const { total } = last;
  if (kind.expectedTotal !== undefined && total !== null && total !== kind.expectedTotal)
    api.recorder.fail(`read ${kind.label}`, new Error(`total ${total}, expected ${kind.expectedTotal}`));
  return total;
}

export async function readPhase(
  api: ScaleApi,
  kinds: ReadKind[],
  reads: number,
  stopped: () => boolean,
): Promise<ReadFigures[]> {
  const figures: ReadFigures[] = [];
  for (const concurrency of READ_CONCURRENCIES)
    for (const kind of kinds) {
      // Timed under a label of its own per concurrency (the recorder keeps latencies by label).
      const timed = { ...kind, label: `${kind.label} ×${concurrency}` };
      const total = await readKind(api, timed, reads, concurrency, stopped);
      figures.push({
        label: kind.label,
        url: kind.url,
        who: kind.who,
        total,
        concurrency,
        loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
        ...figuresOf(api.recorder.latencies.get(timed.label) ?? []),
      });
    }
  return figures;
}
