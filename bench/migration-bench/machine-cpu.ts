// How busy the machine's CPUs were while a contender ran, from /proc/stat: on a CPU-bound machine the
// wall time can only shrink where a core sat idle, or by doing less work.
import fs from 'node:fs';
import os from 'node:os';

interface Ticks {
  busy: number;
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
  return { busy: total - idleTicks, total };
}

export interface CpuTimeline {
  /** Busy fraction of all CPUs per interval, oldest first. */
  busy: number[];
  intervalMs: number;
}

export function sampleMachineCpu(intervalMs = 1000): { stop(): CpuTimeline } {
  const busy: number[] = [];
  let last = readTicks();
  const timer = setInterval(() => {
    const now = readTicks();
    busy.push(now.total > last.total ? (now.busy - last.busy) / (now.total - last.total) : 0);
    last = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { busy, intervalMs };
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
  const idleCpuSeconds = busy.reduce((sum, b) => sum + (1 - b), 0) * (timeline.intervalMs / 1000) * os.cpus().length;
  const postgres = used.postgres === undefined ? '' : `, Postgres (all backends) ${used.postgres.toFixed(1)} s`;
  return [
    `  CPU seconds used: worker ${used.worker.toFixed(1)} s${postgres}`,
    `  all CPUs ${(average * 100).toFixed(0)}% busy on average (${idleCpuSeconds.toFixed(1)} CPU-seconds idle); per ${bucketSeconds} s: ${buckets.join(' ')}`,
  ];
}
