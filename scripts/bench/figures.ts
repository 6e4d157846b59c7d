/** Latency figures and the lanes of a load run, shared by the Duban run and the raw-Temporal floor. */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { machineCpuSeconds, procCpuSeconds, threadCpuSeconds, threadCpuSince } from './proc';

export interface StepFigures {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** The mean and nearest-rank percentiles, in ms with one decimal. */
export function figuresOf(samples: number[]): StepFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return {
    count: sorted.length,
    mean: round1(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
    p50: round1(at(50)),
    p95: round1(at(95)),
    p99: round1(at(99)),
    max: round1(at(100)),
  };
}

/** Runs job(0 … count-1), at most `concurrency` at once, until stopped; job reports its own failures. */
export async function inPool(
  count: number,
  concurrency: number,
  stopped: () => boolean,
  job: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count && !stopped()) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/**
 * A person's pause before each action (reading the screen, filling the form), drawn from an
 * exponential distribution with this mean: the usual model of people acting independently. Resolves
 * with the milliseconds paused; at a mean of 0 it does not pause at all (the closed loop).
 */
export function thinker(meanMs: number): () => Promise<number> {
  if (meanMs <= 0) return () => Promise.resolve(0);
  return () => {
    const ms = -meanMs * Math.log(1 - Math.random());
    return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
  };
}

/** How many lanes send requests at once, and each one's mean pause before a request (0: none). */
export interface Lanes {
  concurrency: number;
  thinkMs: number;
}

/** How the lanes go, for the report: "8 at a time", and their pauses if any. */
export function lanesOf({ concurrency, thinkMs }: Lanes): string {
  return thinkMs
    ? `${concurrency} at a time, each pausing ${thinkMs} ms on average before an action`
    : `${concurrency} at a time`;
}

export interface PhaseFigures {
  wallSeconds: number;
  /** CPU of the bench process: API, worker (with its workflow threads and Rust core) and the load generator. */
  benchCpuSeconds: number;
  temporalCpuSeconds: number | null;
  /** CPU of the worker's own process, when it runs as one (the scale loader). */
  workerCpuSeconds: number | null;
  /**
   * CPU seconds the rest of the machine used meanwhile (other test runs, builds): with 2 CPUs, any
   * sizeable figure here means the phase shared the machine and its figures are skewed.
   */
  otherCpuSeconds: number | null;
  /** CPU seconds the host took from this machine meanwhile (steal): every process ran slower. */
  stealSeconds: number | null;
  /** Share of the wall time the main event loop was busy (API, activities and client share it). */
  eventLoopUtilization: number;
  /** The bench process's CPU by thread name: "node" is the main thread (API, activities, Prisma). */
  threadCpuSeconds: Record<string, number>;
  /** The worker process's, when it runs as one. */
  workerThreadCpuSeconds: Record<string, number> | null;
  /** Load average (1 min) of the machine at the start and end of the phase. */
  loadAverage: { start: number; end: number };
}

/** Wall time, CPU split, event-loop load and machine load of one phase. */
export async function measured<T>(
  temporalPid: number | undefined,
  run: () => Promise<T>,
  workerPid?: number,
): Promise<[T, PhaseFigures]> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const temporalCpu = procCpuSeconds(temporalPid);
  const workerCpu = procCpuSeconds(workerPid);
  const elu = performance.eventLoopUtilization();
  const threads = threadCpuSeconds();
  const workerThreads = workerPid === undefined ? undefined : threadCpuSeconds(workerPid);
  const loadStart = os.loadavg()[0]!;
  const machine = machineCpuSeconds();
  const result = await run();
  const { user, system } = process.cpuUsage(cpu);
  const temporalNow = procCpuSeconds(temporalPid);
  const workerNow = procCpuSeconds(workerPid);
  const machineNow = machineCpuSeconds();
  const round = (n: number) => Math.round(n * 100) / 100;
  const benchCpu = (user + system) / 1e6;
  const temporalCpuSeconds =
    temporalCpu === undefined || temporalNow === undefined ? null : round(temporalNow - temporalCpu);
  const workerCpuSeconds =
    workerCpu === undefined || workerNow === undefined ? null : round(workerNow - workerCpu);
  return [
    result,
    {
      wallSeconds: round((performance.now() - wall) / 1000),
      benchCpuSeconds: round(benchCpu),
      temporalCpuSeconds,
      workerCpuSeconds,
      otherCpuSeconds:
        machine === undefined || machineNow === undefined
          ? null
          : round(
              Math.max(
                0,
                machineNow.busy -
                  machine.busy -
                  benchCpu -
                  (temporalCpuSeconds ?? 0) -
                  (workerCpuSeconds ?? 0),
              ),
            ),
      stealSeconds:
        machine === undefined || machineNow === undefined ? null : round(machineNow.steal - machine.steal),
      eventLoopUtilization: round(performance.eventLoopUtilization(elu).utilization),
      threadCpuSeconds: threadCpuSince(threads),
      workerThreadCpuSeconds: workerThreads ? threadCpuSince(workerThreads, workerPid) : null,
      loadAverage: { start: round(loadStart), end: round(os.loadavg()[0]!) },
    },
  ];
}
