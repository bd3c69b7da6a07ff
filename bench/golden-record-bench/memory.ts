// Peak resident memory while something runs: this process (the worker's side: the upsert runs in it) and
// the MongoDB-wire server's process when it is ours (its pid file), sampled every 100 ms.
import fs from 'node:fs';

const MB = 1024 * 1024;

function rssOfPid(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export interface Peaks {
  workerMb: number;
  /** Undefined when the server is not a local process of ours (--server). */
  serverMb?: number;
}

export async function withPeakRss<T>(
  serverPid: number | undefined,
  fn: () => Promise<T>,
): Promise<{ result: T; peaks: Peaks }> {
  let worker = process.memoryUsage().rss;
  let server = serverPid === undefined ? undefined : rssOfPid(serverPid);
  const sample = () => {
    worker = Math.max(worker, process.memoryUsage().rss);
    const now = serverPid === undefined ? undefined : rssOfPid(serverPid);
    if (now !== undefined) server = Math.max(server ?? 0, now);
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await fn();
    sample();
    return { result, peaks: { workerMb: worker / MB, serverMb: server === undefined ? undefined : server / MB } };
  } finally {
    clearInterval(timer);
  }
}

export const maxPeaks = (a: Peaks, b: Peaks): Peaks => ({
  workerMb: Math.max(a.workerMb, b.workerMb),
  serverMb:
    a.serverMb === undefined && b.serverMb === undefined ? undefined : Math.max(a.serverMb ?? 0, b.serverMb ?? 0),
});
