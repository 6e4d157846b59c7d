/**
 * What Linux's /proc says about a process: its memory, its CPU time, its children. Every reader
 * answers undefined for a process that is gone (or where there is no /proc), never throws.
 */
import fs from 'node:fs';

const MB = 1024 * 1024;
/** Bytes as MB with one decimal. */
export const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/** A "Field:   123 kB" line of /proc/<pid>/status or smaps_rollup, in bytes. */
function kbField(file: string, field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(file, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A field of /proc/<pid>/status in bytes (e.g. VmRSS, VmHWM). */
export function procStatusBytes(pid: number | undefined, field: string): number | undefined {
  return pid === undefined ? undefined : kbField(`/proc/${pid}/status`, field);
}

/**
 * Proportional set size: the process's private pages plus its share of pages it shares with
 * others (libraries, a parent's copy-on-write pages). Unlike RSS, PSS adds up across processes.
 */
export function procPssBytes(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : kbField(`/proc/${pid}/smaps_rollup`, 'Pss');
}

/**
 * The fields of a stat file (/proc/<pid>/stat, or a thread's /proc/<pid>/task/<tid>/stat) after
 * the command name (state is [0], ppid [1]).
 */
function statFields(pid: number | string, thread?: string): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}${thread ? `/task/${thread}` : ''}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * User + system CPU seconds from stat fields: utime and stime are fields 14 and 15 of stat (11 and
 * 12 after the name), in clock ticks; USER_HZ is 100 on every Linux build Node runs on.
 */
const cpuSecondsOf = (fields: string[]) => (Number(fields[11]) + Number(fields[12])) / 100;

/** CPU seconds a process has used (user + system), from /proc/<pid>/stat. */
export function procCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const fields = statFields(pid);
  return fields ? cpuSecondsOf(fields) : undefined;
}

/** The command line, arguments joined by spaces. */
export function procCommand(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

/** The executable's path, or undefined where it cannot be read. */
export function procExecutable(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Every process's parent, as /proc lists them now. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  if (!fs.existsSync('/proc')) return map;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields) map.set(Number(entry), Number(fields[1]));
  }
  return map;
}

/** The children of a process. */
export function childPids(pid: number): number[] {
  return [...parents()].filter(([, ppid]) => ppid === pid).map(([child]) => child);
}

/** A process and all its descendants, parents before their children. */
export function processTree(root: number): number[] {
  const all = parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i++)
    for (const [child, ppid] of all) if (ppid === tree[i]) tree.push(child);
  return tree;
}

/**
 * CPU seconds since boot of the whole machine: busy, by any process, and stolen, the time its
 * virtual CPUs were ready but the host ran something else. Steal is nobody's work here, yet it
 * slows every process alike, which is why runs of one build on this machine differ.
 */
export function machineCpuSeconds(): { busy: number; steal: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, ...ticks] = line.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is inside user already)
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return { busy: (user! + nice! + system! + irq! + softirq!) / 100, steal: steal! / 100 };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds per thread name of a process, this one unless told (/proc/<pid>/task/<tid>/comm):
 * the main thread is "node", the workflow thread pool and the Rust core's threads have their own.
 */
export function threadCpuSeconds(pid: number | 'self' = 'self'): Record<string, number> {
  const byName: Record<string, number> = {};
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    const fields = statFields(pid, tid);
    let name: string;
    try {
      name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue; // the thread ended between the listing and the read
    }
    if (fields) byName[name] = (byName[name] ?? 0) + cpuSecondsOf(fields);
  }
  return byName;
}

/** What each thread name used between two threadCpuSeconds() readings (threads that ended drop out). */
export function threadCpuSince(
  before: Record<string, number>,
  pid: number | 'self' = 'self',
): Record<string, number> {
  const now = threadCpuSeconds(pid);
  return Object.fromEntries(
    Object.entries(now)
      .map(([name, s]) => [name, Math.round((s - (before[name] ?? 0)) * 100) / 100] as const)
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}
