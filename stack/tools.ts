import fs from 'node:fs';
import path from 'node:path';
import type { StackEnv } from '../common/env';
import { ToolMissingError } from './errors';

/** Path of a binary that scripts/install-tools.sh puts under STACK_TOOLS_DIR/bin. */
export function toolPath(env: StackEnv, name: string): string {
  return path.join(env.STACK_TOOLS_DIR, 'bin', name);
}

export function requireTool(env: StackEnv, name: string, label: string): string {
  const file = toolPath(env, name);
  if (!fs.existsSync(file)) throw new ToolMissingError(label, file);
  return file;
}

/** Our pinned copy when installed, else whatever PATH has (e.g. in the Docker image). */
export function toolOrPath(env: StackEnv, name: string): string {
  const file = toolPath(env, name);
  return fs.existsSync(file) ? file : name;
}
