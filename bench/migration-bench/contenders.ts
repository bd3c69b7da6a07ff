// Runs each contender against fresh target databases and checks that every row arrived.
import type { Client } from '@temporalio/client';
import type { Env } from '../../common/env';
import type { TableSpec } from '../../workflows/migration/types';
import { checksumSeconds } from './diagnostics';
import { pgDumpParallel, pgDumpPiped } from './pg-dump';
import { rawCopy } from './raw-copy';
import { SEED_BATCH_ROWS, seedMethod, type SeedStyle } from './seed-method';
import { logPosition, statementsSince, type LoggedStatement } from './statement-log';
import { countRows, expectSameCounts, vacuumDatabases, withPool, type Measurement } from './support';
import { runMigrationWorkflow, type WorkflowRun } from './workflow';

export const TARGETS = {
  migration: 'bench_target_migration',
  pgdump: 'bench_target_pgdump',
  seed: 'bench_target_seed',
  copy: 'bench_target_copy',
};
export const HEADLINE_PARALLELISM = 2;

export interface Context {
  env: Env;
  client: Client;
  workflowBundle: string;
  tables: TableSpec[];
}

export interface Source {
  database: string;
  scale: number;
  counts: Map<string, number>;
  rows: number;
}

/** Fails the bench when a contender left the target short of the source's rows. */
function checkTarget(context: Context, source: Source, target: string, schema: string): Promise<void> {
  return withPool(context.env, target, (pool) => expectSameCounts(pool, context.tables, schema, source.counts));
}

/**
 * Reads the source's tables once (their heap: index scans off), untimed: every contender starts with them in
 * the OS page cache, whatever the one before it wrote (a cold round-1 migration took 142 s, the next 64 s).
 */
async function warmSource(context: Context, source: Source): Promise<void> {
  await withPool(context.env, source.database, async (pool) => {
    const client = await pool.connect();
    try {
      await client.query('set enable_indexonlyscan = off; set enable_indexscan = off; set enable_bitmapscan = off');
      await countRows(client, context.tables);
    } finally {
      client.release();
    }
  });
}

/** Runs a contender from a warm source on a quiet server, with the slow statements logged while it ran. */
async function measured<T>(
  context: Context,
  source: Source,
  run: () => Promise<T>,
): Promise<{ result: T; statements: LoggedStatement[] }> {
  await vacuumDatabases(context.env, Object.values(TARGETS));
  await warmSource(context, source);
  const { env } = context;
  const position = logPosition(env);
  const result = await run();
  return { result, statements: statementsSince(env, position) };
}

export interface MigrationRun extends WorkflowRun {
  statements: LoggedStatement[];
}

export async function migrate(context: Context, source: Source, parallelism: number): Promise<MigrationRun> {
  const { result: run, statements } = await measured(context, source, () =>
    runMigrationWorkflow({ ...context, source: source.database, target: TARGETS.migration, parallelism }),
  );
  if (run.result.status !== 'succeeded') throw new Error(`migration ${run.result.status}`);
  await checkTarget(context, source, TARGETS.migration, 'dvd_rental');
  const rss = `worker peak RSS ${run.peakRssMb.toFixed(0)} MB (after start ${run.startupRssMb.toFixed(0)} MB, highest during the run ${run.runRssMb.toFixed(0)} MB)`;
  console.log(`  migration, parallelism ${parallelism}, scale ${source.scale}: ${run.seconds.toFixed(1)} s, ${rss}`);
  return { ...run, statements };
}

export function migrationMeasurement(run: MigrationRun, source: Source, parallelism: number, label = ''): Measurement {
  return {
    contender: `this migration (parallelism ${parallelism}${label})`,
    seconds: run.seconds,
    rows: source.rows,
    note:
      `migrationWorkflow, mode auto: pre-data, per table COPY, verify checksums, keys and indexes; then FKs, sequences; ` +
      `worker started before the clock; worker peak RSS ${run.peakRssMb.toFixed(0)} MB`,
    statements: run.statements,
  };
}

/** The verify step's checksums of the headline run, timed again on their own. */
export function headlineChecksums(context: Context, source: Source): Promise<Map<string, number>> {
  return checksumSeconds(context.env, { source: source.database, target: TARGETS.migration }, context.tables);
}

const RESTORE_NOTE = 'pg_restore creates the tables, loads them, then builds keys, indexes and FKs; nothing verified';

export async function pgDumpContenders(context: Context, source: Source): Promise<Measurement[]> {
  const { env } = context;
  const piped = await measured(context, source, () => pgDumpPiped(env, source.database, TARGETS.pgdump));
  await checkTarget(context, source, TARGETS.pgdump, 'public');
  console.log(`  pg_dump | pg_restore: ${piped.result.toFixed(1)} s`);
  const parallel = await measured(context, source, () => pgDumpParallel(env, source.database, TARGETS.pgdump, 2));
  await checkTarget(context, source, TARGETS.pgdump, 'public');
  console.log(`  pg_dump -Fd -j 2, pg_restore -j 2: ${parallel.result.toFixed(1)} s`);
  const measurement = (contender: string, run: typeof piped, how: string): Measurement => ({
    contender,
    seconds: run.result,
    rows: source.rows,
    note: `schema public (the 15 tables, their enum, domain, functions, views); ${how}; ${RESTORE_NOTE}`,
    statements: run.statements,
  });
  return [
    measurement('pg_dump -Fc -Z0 | pg_restore', piped, 'one stream, dump and restore at once'),
    measurement('pg_dump -Fd -Z0 -j 2; pg_restore -j 2', parallel, 'dump to a directory, then restore, 2 jobs each'),
  ];
}

export const RAW_COPY_POST_DATA = 'like-for-like: raw COPY pipe, 2 at once, + post-data';

export async function rawCopyContenders(context: Context, source: Source): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const lanes of [1, 2]) {
    const run = await measured(context, source, () =>
      rawCopy(context.env, source.database, TARGETS.copy, context.tables, lanes),
    );
    await checkTarget(context, source, TARGETS.copy, 'dvd_rental');
    console.log(`  raw COPY pipe, ${lanes} at once: ${run.result.toFixed(1)} s`);
    measurements.push({
      contender: `raw COPY pipe, ${lanes} table${lanes > 1 ? 's' : ''} at once`,
      seconds: run.result,
      rows: source.rows,
      note: 'COPY TO STDOUT -> COPY FROM STDIN (pg-copy-streams) into bare pre-created tables (no keys, indexes or FKs); nothing verified',
      statements: run.statements,
    });
  }
  const withPostData = await measured(context, source, () =>
    rawCopy(context.env, source.database, TARGETS.copy, context.tables, 2, true),
  );
  await checkTarget(context, source, TARGETS.copy, 'dvd_rental');
  console.log(`  ${RAW_COPY_POST_DATA}: ${withPostData.result.toFixed(1)} s`);
  measurements.push({
    contender: RAW_COPY_POST_DATA,
    seconds: withPostData.result,
    rows: source.rows,
    note: "the raw COPY pipe (2 at once), then the migration's own post-data (finishTargetSchema: keys, indexes, FKs, sequences); the same end state, nothing verified",
    statements: withPostData.statements,
  });
  return measurements;
}

const SEED_LABELS: Record<SeedStyle, { contender: string; how: string }> = {
  row: {
    contender: `seed's method: one INSERT per row, commit per ${SEED_BATCH_ROWS}`,
    how: `one INSERT statement per row (literals, simple query protocol, as psycopg2 executemany sends them), commit after every ${SEED_BATCH_ROWS} rows`,
  },
  'multi-row': {
    contender: `seed variant: INSERTs of ${SEED_BATCH_ROWS} rows`,
    how: `one INSERT of ${SEED_BATCH_ROWS} rows with bind parameters per batch, commit after each (faster than the seed: a stricter baseline)`,
  },
};

/** The seed's method (or its multi-row variant), on a (smaller) source. */
export async function seedContender(context: Context, source: Source, style: SeedStyle): Promise<Measurement> {
  const seconds = await seedMethod(
    context.env,
    { source: source.database, target: TARGETS.seed },
    context.tables,
    style,
  );
  await checkTarget(context, source, TARGETS.seed, 'dvd_rental');
  const { contender, how } = SEED_LABELS[style];
  console.log(`  ${contender}, scale ${source.scale}: ${seconds.toFixed(1)} s`);
  return {
    contender: `${contender} (scale ${source.scale})`,
    seconds,
    rows: source.rows,
    note: `select * per table into memory, then ${how}, tables one by one; into pre-created tables with their keys, no other index, no FK; nothing verified`,
  };
}
