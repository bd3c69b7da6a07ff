import fs from 'node:fs';
import path from 'node:path';
import type { StackEnv } from '../common/env';
import { isAlive, readPid, startDetached, stopPidFile, waitUntil } from './process';
import type { Service } from './service';
import { requireTool } from './tools';

export interface DetachedServiceSpec {
  name: string;
  /** File name under STACK_TOOLS_DIR/bin. */
  binary: string;
  port: number;
  portVariable: string;
  args: string[];
  /** Extra environment, e.g. settings that must not show in `ps`. */
  environment?: NodeJS.ProcessEnv;
  healthy: () => Promise<boolean>;
  startTimeoutMs: number;
  /** Folders under STACK_DATA_DIR to create before the first start. */
  dataDirs?: string[];
}

/** A server we launch ourselves and track by a pid file under STACK_DATA_DIR/run. */
export function detachedService(env: StackEnv, spec: DetachedServiceSpec): Service {
  const key = spec.binary;
  const pidFile = path.join(env.STACK_DATA_DIR, 'run', `${key}.pid`);
  const logFile = path.join(env.STACK_DATA_DIR, 'logs', `${key}.log`);
  return {
    name: spec.name,
    port: spec.port,
    portVariable: spec.portVariable,
    checkInstalled: () => void requireTool(env, spec.binary, spec.name),
    healthy: spec.healthy,
    async start() {
      for (const dir of ['run', 'logs', ...(spec.dataDirs ?? [])]) {
        fs.mkdirSync(path.join(env.STACK_DATA_DIR, dir), { recursive: true });
      }
      const command = requireTool(env, spec.binary, spec.name);
      const pid = startDetached({ command, args: spec.args, env: spec.environment, pidFile, logFile });
      await waitUntil(spec.name, spec.healthy, {
        timeoutMs: spec.startTimeoutMs,
        logFile,
        stillRunning: () => isAlive(pid),
      });
    },
    stop: () => stopPidFile(pidFile),
  };
}

export function runningPid(env: StackEnv, binary: string): number | undefined {
  const pid = readPid(path.join(env.STACK_DATA_DIR, 'run', `${binary}.pid`));
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}
