// Contender "pg_dump | pg_restore": the PostgreSQL 18 client tools of .tools/bin, piped and in parallel.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Env } from '../../common/env';
import { STACK_PG_PASSWORD, STACK_PG_USER } from '../../stack/postgres';
import { recreateDatabase, timed, withPool } from './support';

export const pgTool = (env: Env, name: 'pg_dump' | 'pg_restore') => path.join(env.STACK_TOOLS_DIR, 'bin', name);

/** Connection settings through the environment: no password on a command line. */
function pgEnv(env: Env): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PGHOST: env.STACK_HOST,
    PGPORT: String(env.STACK_PG_PORT),
    PGUSER: STACK_PG_USER,
    PGPASSWORD: STACK_PG_PASSWORD,
  };
}

/**
 * The whole schema `public`: its 15 tables plus the enum, domain and functions they use (and the sample's
 * 7 views). `-t` alone would leave the enum mpaa_rating, the domain year and the trigger function out,
 * and restoring film into an empty database would fail.
 */
const DUMP_SELECTION = ['--no-owner', '--no-privileges', '-n', 'public'];

/** An empty target without schema public: a dump selected with `-n public` creates it. */
async function emptyTarget(env: Env, target: string): Promise<void> {
  await recreateDatabase(env, target);
  await withPool(env, target, (pool) => pool.query('drop schema public'));
}

function finished(child: ChildProcess, label: string): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${label} exited with ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

function run(
  env: Env,
  tool: 'pg_dump' | 'pg_restore',
  args: string[],
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  return spawn(pgTool(env, tool), args, { env: pgEnv(env), stdio: [stdin, 'pipe', 'pipe'] });
}

/** `pg_dump -Fc -Z0 | pg_restore`: one stream, dump and restore at once; restore builds indexes and FKs after the data. */
export async function pgDumpPiped(env: Env, source: string, target: string): Promise<number> {
  await emptyTarget(env, target);
  const { seconds } = await timed(async () => {
    const dump = run(env, 'pg_dump', ['-Fc', '-Z0', ...DUMP_SELECTION, '-d', source]);
    const restore = run(env, 'pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '-d', target], 'pipe');
    // A failed restore closes its input: the exit codes report it, not an unhandled EPIPE.
    restore.stdin!.on('error', () => dump.kill());
    dump.stdout!.pipe(restore.stdin!);
    await Promise.all([finished(dump, 'pg_dump'), finished(restore, 'pg_restore')]);
  });
  return seconds;
}

/** `pg_dump -Fd -j N` into a directory, then `pg_restore -j N` from it: the time of both. */
export async function pgDumpParallel(env: Env, source: string, target: string, jobs: number): Promise<number> {
  await emptyTarget(env, target);
  const dir = path.join(env.STACK_DATA_DIR, 'bench-pgdump');
  fs.rmSync(dir, { recursive: true, force: true });
  try {
    const { seconds } = await timed(async () => {
      await finished(
        run(env, 'pg_dump', ['-Fd', '-Z0', '-j', String(jobs), ...DUMP_SELECTION, '-f', dir, '-d', source]),
        'pg_dump',
      );
      const restoreArgs = ['--no-owner', '--no-privileges', '--exit-on-error', '-j', String(jobs), '-d', target, dir];
      await finished(run(env, 'pg_restore', restoreArgs), 'pg_restore');
    });
    return seconds;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
