import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DetachedProcess {
  command: string;
  args: string[];
  pidFile: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts a server that outlives this Node process; its pid goes to `pidFile`. */
export function startDetached(proc: DetachedProcess): number {
  const log = fs.openSync(proc.logFile, 'a');
  const options: SpawnOptions = {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...proc.env },
    cwd: proc.cwd,
  };
  const child = spawn(proc.command, proc.args, options);
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${proc.command}`);
  child.unref();
  fs.writeFileSync(proc.pidFile, String(child.pid));
  return child.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!fs.existsSync(pidFile)) return undefined;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** SIGTERM, then SIGKILL after `graceMs`; removes the pid file. */
export async function stopPidFile(pidFile: string, graceMs = 15_000): Promise<boolean> {
  const pid = readPid(pidFile);
  fs.rmSync(pidFile, { force: true });
  if (pid === undefined || !isAlive(pid)) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}

/** Polls `probe` until it resolves true, or fails with the last error and the log's tail. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; logFile?: string; stillRunning?: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    if (options.stillRunning && !options.stillRunning()) break;
    await sleep(250);
  }
  const cause = lastError instanceof Error ? ` Last error: ${lastError.message}.` : '';
  throw new Error(
    `${what} did not become healthy within ${options.timeoutMs / 1000}s.${cause}${logTail(options.logFile)}`,
  );
}

function logTail(logFile: string | undefined): string {
  if (!logFile || !fs.existsSync(logFile)) return '';
  const lines = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15);
  return `\nLast lines of ${logFile}:\n${lines.join('\n')}`;
}
