// CPU seconds used so far by this process (the worker's side), the MongoDB-wire server and the stack's
// Postgres (the postmaster, the backends it reaped, and the live ones): on a shared machine the wall time
// per document follows the load, the CPU time per document follows the work.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime, stime, cutime, cstime and the parent pid of a process, from /proc (undefined when it is gone). */
function procStat(pid: number): { own: number; reaped: number; ppid: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number); // from field 3 (state)
    const [utime, stime, cutime, cstime] = fields.slice(11, 15) as [number, number, number, number];
    return { own: (utime + stime) / TICKS, reaped: (cutime + cstime) / TICKS, ppid: fields[1]! };
  } catch {
    return undefined;
  }
}

/** CPU seconds of a process and its children, live and reaped (a Postgres cluster: the postmaster's tree). */
export function treeSeconds(pid: number): number | undefined {
  const root = procStat(pid);
  if (root === undefined) return undefined;
  let seconds = root.own + root.reaped;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procStat(Number(entry));
    if (child?.ppid === pid) seconds += child.own;
  }
  return seconds;
}

/** CPU seconds of one process so far (undefined when it is gone). */
export const processSeconds = (pid: number): number | undefined => procStat(pid)?.own;

/** The stack's Postgres (first line of postmaster.pid under the stack's data directory), when it is ours. */
export function postmasterPid(stackDataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(stackDataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuSeconds {
  worker: number;
  server?: number;
  postgres?: number;
}

export interface CpuPids {
  server?: number;
  postgres?: number;
}

export function cpuSeconds(pids: CpuPids): CpuSeconds {
  const { user, system } = process.cpuUsage();
  const server = pids.server === undefined ? undefined : procStat(pids.server)?.own;
  const postgres = pids.postgres === undefined ? undefined : treeSeconds(pids.postgres);
  return {
    worker: (user + system) / 1e6,
    ...(server === undefined ? {} : { server }),
    ...(postgres === undefined ? {} : { postgres }),
  };
}

export function cpuBetween(from: CpuSeconds, to: CpuSeconds): CpuSeconds {
  const diff = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : b - a);
  const server = diff(from.server, to.server);
  const postgres = diff(from.postgres, to.postgres);
  return {
    worker: to.worker - from.worker,
    ...(server === undefined ? {} : { server }),
    ...(postgres === undefined ? {} : { postgres }),
  };
}

/** "worker 0.31 + server 0.40 + postgres 0.52 = 1.23 ms CPU/doc". */
export function cpuPerDoc(cpu: CpuSeconds, docs: number): string {
  const parts = Object.entries(cpu).map(([who, seconds]) => [who, (seconds / docs) * 1000] as const);
  const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
  return `${parts.map(([who, ms]) => `${who} ${ms.toFixed(2)}`).join(' + ')} = ${total.toFixed(2)} ms CPU/doc`;
}

export const totalCpu = (cpu: CpuSeconds) => cpu.worker + (cpu.server ?? 0) + (cpu.postgres ?? 0);
