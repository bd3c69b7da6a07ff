import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../common/env';

const run = promisify(execFile);
/** Below the test timeout, so that a CLI that hangs fails its test with what it printed so far. */
const CLI_TIMEOUT_MS = 90_000;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the client CLI as a user would (`npm run cli -- ...` without npm's banner). */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      timeout: CLI_TIMEOUT_MS,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string; killed?: boolean };
    if (failed.killed)
      throw new Error(
        `cli ${args.join(' ')} did not exit within ${CLI_TIMEOUT_MS / 1000} s; stdout: ${failed.stdout}; stderr: ${failed.stderr}`,
        { cause: error },
      );
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The CLI's `--json` document (it prints exactly one). */
export const jsonOf = <T>(result: CliRun): T => JSON.parse(result.stdout) as T;
