// A malformed environment stops the worker and the CLI at start: a non-zero exit and one line per bad variable,
// naming it, never its value (which may hold a password), and no stack trace.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../../common/env';
import { runCli } from '../../support/cli';

const run = promisify(execFile);
const SECRET = 'n0t-in-any-output';
const BAD = {
  SOURCE_DATABASE_URL: `postgres://app:${SECRET}@db:99999/x`,
  TARGET_DATABASE_URL: 'postgres://app@db:5432/warehouse',
  STACK_TEMPORAL_PORT: 'seven',
};

async function startWorker(env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', 'worker.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, output: '' };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

function expectNamed(code: number, output: string) {
  expect(code).not.toBe(0);
  expect(output).toMatch(/^ {2}STACK_TEMPORAL_PORT: /m);
  expect(output).not.toContain(SECRET);
  expect(output).not.toMatch(/\n\s+at /);
}

test('the worker exits non-zero naming the bad variable', async () => {
  const { code, output } = await startWorker({ ...BAD, PGPASSWORD: '' });
  expectNamed(code, output);
});

test('the CLI exits non-zero naming each bad variable', async () => {
  // The stack's ports are parsed first: with them right, the connection URLs are checked and named.
  const { code, stdout, stderr } = await runCli(['status'], { ...BAD, STACK_TEMPORAL_PORT: '7233', PGPASSWORD: '' });
  expect(code).not.toBe(0);
  expect(stderr).toMatch(/^ {2}SOURCE_DATABASE_URL: must be a URL/m);
  expect(stderr).toMatch(/^ {2}TARGET_DATABASE_URL: has no password/m);
  expect(stdout + stderr).not.toContain(SECRET);
  expect(stderr).not.toMatch(/\n\s+at /);
});
