import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../common/env';
import { bundleWorkflows } from '../scripts/bundle-workflows';

export interface WorkerProcess {
  pid: number;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** SIGTERM (graceful: running tasks finish), then the peak RSS in MB. */
  stop(): Promise<number>;
  /** SIGKILL, what a crash or the OOM killer does: no shutdown, running activities are lost with it. */
  kill(): Promise<void>;
}

function readPeakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export interface WorkerProcessOptions {
  env: Record<string, string>;
  maxOldSpaceMb?: number;
  /** Further node flags, e.g. `--max-semi-space-size=4`. */
  nodeFlags?: string[];
  /**
   * `tsx` (default): worker.ts through tsx, always the current sources. `compiled`: dist/worker.js,
   * as deployed (`npm run build` first): no TypeScript compiler in the process, ~100 MB less RSS.
   */
  entry?: 'tsx' | 'compiled';
  logFile: string;
}

export const COMPILED_WORKER = path.join(REPO_ROOT, 'dist', 'worker.js');

function entryArgs(entry: WorkerProcessOptions['entry']): string[] {
  if (entry !== 'compiled') return ['--import', 'tsx', path.join(REPO_ROOT, 'worker.ts')];
  if (!fs.existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} missing: run npm run build first`);
  return [COMPILED_WORKER];
}

/**
 * The worker in a process of its own (no tsx wrapper process: node loads tsx itself), so that its
 * memory can be bounded (`maxOldSpaceMb`) and measured apart from the caller's. The workflow code is
 * bundled here first, as a production deployment would, so webpack's memory is not the worker's.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const bundle =
    options.env.TEMPORAL_WORKFLOW_BUNDLE ?? (await bundleWorkflows(`${options.logFile}.workflow-bundle.js`));
  const heap = options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : [];
  const args = [...heap, ...(options.nodeFlags ?? []), ...entryArgs(options.entry)];
  const log = fs.openSync(options.logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    // info, whatever the caller's level: 'worker started' is how we know it is ready
    env: { ...process.env, TEMPORAL_WORKFLOW_BUNDLE: bundle, ...options.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  let peak = 0;
  const peakRssMb = () => {
    if (child.exitCode === null && child.signalCode === null) peak = Math.max(peak, readPeakRssMb(pid));
    return peak;
  };
  try {
    await waitForLog(options.logFile, 'worker started', child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    pid,
    peakRssMb,
    async stop() {
      peakRssMb();
      child.kill('SIGTERM');
      await exited;
      return peak;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Generous: on a loaded machine (load average 20+ on 2 cores seen in CI rehearsals) a start took over 60 s. */
const WORKER_START_TIMEOUT_MS = 180_000;

async function waitForLog(file: string, text: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + WORKER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (fs.readFileSync(file, 'utf8').includes(text)) return;
    if (child.exitCode !== null) break;
    await sleep(200);
  }
  throw new Error(`worker process did not start: see ${file}\n${fs.readFileSync(file, 'utf8').slice(-2000)}`);
}
