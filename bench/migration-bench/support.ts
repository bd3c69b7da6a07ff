// Shared by the migration benchmark's contenders: timing, bench databases, the config's tables.
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import type { Env } from '../../common/env';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../activities/migration/config-file';
import type { TableSpec } from '../../workflows/migration/types';
import { adminUrl, dropDatabaseAndSlots, withAdminClient } from '../../stack/postgres';
import { logSlowStatementsSql, type LoggedStatement } from './statement-log';

export interface Measurement {
  contender: string;
  seconds: number;
  rows: number;
  /** What the contender does beyond (or short of) moving the rows. */
  note: string;
  /** Its slow statements, where measured. */
  statements?: LoggedStatement[];
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export function readTables(): Promise<TableSpec[]> {
  return readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG);
}

/**
 * Drops (terminating its sessions) and recreates an empty database whose slow statements are logged,
 * then checkpoints so that no contender pays for another's writes.
 */
export async function recreateDatabase(env: Env, name: string): Promise<void> {
  await withAdminClient(env, async (client) => {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await client.query(`create database ${pg.escapeIdentifier(name)}`);
    await client.query(logSlowStatementsSql(name));
    await client.query('checkpoint');
  });
}

/**
 * Vacuums and analyzes those of `names` that exist (untimed): an autovacuum of the last contender's freshly
 * loaded rows would otherwise run during the next one (22M unfrozen rows slowed the migration after the raw COPY
 * by 5 to 8 s). No contender is charged for its own deferred vacuum either.
 */
export async function vacuumDatabases(env: Env, names: readonly string[]): Promise<void> {
  const existing = await withAdminClient(env, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname = any($1)',
      [names],
    );
    return rows.map((row) => row.datname);
  });
  for (const name of existing) await withPool(env, name, (pool) => pool.query('vacuum (analyze)'));
}

/** Writes out the dirty buffers (untimed): a run does not pay for the previous run's writes. */
export async function checkpoint(env: Env): Promise<void> {
  await withAdminClient(env, (client) => client.query('checkpoint'));
}

/** A CDC run's source holds a replication slot: dropped with it. */
export async function dropDatabase(env: Env, name: string): Promise<void> {
  await withAdminClient(env, (client) => dropDatabaseAndSlots(client, name));
}

export function openPool(env: Env, database: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: adminUrl(env, database), max, application_name: 'bench-migration' });
  pool.on('error', () => undefined); // an idle client killed by a dropped database must not crash the bench
  return pool;
}

export async function withPool<T>(env: Env, database: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = openPool(env, database);
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** Exact row counts of the config's tables in `schema` (schema_in when not given). */
export async function countRows(
  pool: pg.Pool | pg.PoolClient,
  tables: TableSpec[],
  schema?: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of tables) {
    const name = `${pg.escapeIdentifier(schema ?? table.schema_in)}.${pg.escapeIdentifier(table.name)}`;
    const { rows } = await pool.query<{ n: string }>(`select count(*) as n from ${name}`);
    counts.set(table.name, Number(rows[0]!.n));
  }
  return counts;
}

export const totalRows = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

/** Fails when a contender's target does not hold the source's row counts. */
export async function expectSameCounts(
  pool: pg.Pool,
  tables: TableSpec[],
  schema: string,
  expected: Map<string, number>,
): Promise<void> {
  const actual = await countRows(pool, tables, schema);
  const wrong = tables.filter((table) => actual.get(table.name) !== expected.get(table.name));
  if (wrong.length) {
    const detail = wrong.map((t) => `${t.name}: ${actual.get(t.name)} of ${expected.get(t.name)}`).join(', ');
    throw new Error(`target ${schema} lacks rows: ${detail}`);
  }
}

/** Peak resident memory of a process, sampled from /proc (VmRSS), between start() and stop(). */
export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let peakKb = 0;
  const sample = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0));
    } catch {
      // the process has exited
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peakKb / 1024;
    },
  };
}

export function machineFacts(): string[] {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  return [
    `machine: ${os.availableParallelism()} CPUs (${cpus[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average ${load}`,
    `node ${process.version}, ${os.type()} ${os.release()}`,
  ];
}

export async function serverVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ v: string }>('select version() as v');
  return rows[0]!.v;
}

export const formatSeconds = (seconds: number) => `${seconds.toFixed(1)} s`;
export const formatRate = (rows: number, seconds: number) =>
  `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`;
