// How busy the machine's CPUs were while a contender ran, from /proc/stat: on a CPU-bound machine the
// wall time can only shrink where a core sat idle, or by doing less work.
import fs from 'node:fs';
import os from 'node:os';

interface Ticks {
  busy: number;
  /** Idle with a disk read or write outstanding. */
  iowait: number;
  total: number;
}

function readTicks(): Ticks {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  const idleTicks = idle! + iowait!;
  const total = user! + nice! + system! + idleTicks + irq! + softirq! + steal!;
  return { busy: total - idleTicks, iowait: iowait!, total };
}

export interface CpuTimeline {
  /** Busy fraction of all CPUs per interval, oldest first. */
  busy: number[];
  /** Fraction of all CPUs idle waiting on the disk, per interval. */
  iowait: number[];
  intervalMs: number;
}

export function sampleMachineCpu(intervalMs = 1000): { stop(): CpuTimeline } {
  const busy: number[] = [];
  const iowait: number[] = [];
  let last = readTicks();
  const timer = setInterval(() => {
    const now = readTicks();
    const total = now.total - last.total;
    busy.push(total > 0 ? (now.busy - last.busy) / total : 0);
    iowait.push(total > 0 ? (now.iowait - last.iowait) / total : 0);
    last = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { busy, iowait, intervalMs };
    },
  };
}

/** "CPU busy 93% on average; per 5 s: 98 97 ... " */
export function cpuTimelineLines(
  timeline: CpuTimeline,
  used: { worker: number; postgres?: number },
  bucketSeconds = 5,
): string[] {
  const { busy } = timeline;
  if (busy.length === 0) return ['  (no CPU samples)'];
  const average = busy.reduce((sum, b) => sum + b, 0) / busy.length;
  const perBucket = Math.max(1, Math.round((bucketSeconds * 1000) / timeline.intervalMs));
  const buckets: string[] = [];
  for (let at = 0; at < busy.length; at += perBucket) {
    const slice = busy.slice(at, at + perBucket);
    buckets.push(((slice.reduce((sum, b) => sum + b, 0) / slice.length) * 100).toFixed(0));
  }
  const cpuSeconds = (fractions: number[]) =>
    fractions.reduce((sum, f) => sum + f, 0) * (timeline.intervalMs / 1000) * os.cpus().length;
  const idleCpuSeconds = cpuSeconds(busy.map((b) => 1 - b));
  const diskSeconds = cpuSeconds(timeline.iowait);
  const postgres = used.postgres === undefined ? '' : `, Postgres (all backends) ${used.postgres.toFixed(1)} s`;
  return [
    `  CPU seconds used: worker ${used.worker.toFixed(1)} s${postgres}`,
    `  all CPUs ${(average * 100).toFixed(0)}% busy on average (${idleCpuSeconds.toFixed(1)} CPU-seconds idle, ${diskSeconds.toFixed(1)} of them waiting on the disk); per ${bucketSeconds} s: ${buckets.join(' ')}`,
  ];
}
