// The migration workflow run on a real worker, for the migration's integration tests.
import { WorkflowFailedError } from '@temporalio/client';
import pg from 'pg';
import type { Env } from '../../common/env';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../activities/migration/config-file';
import type { MigrationInput, MigrationResult, TableProgress } from '../../workflows/migration/types';
import { migrationWorkflow } from '../../workflows';
import { freshDvdRentalPair } from './dvdrental';
import { fileWorker, type WorkerHarness } from './stack';

export const DEFAULT_OPTIONS: MigrationInput['options'] = {
  mode: 'auto',
  deletes: 'delete',
  parallelism: 3,
  recreate: false,
};

/** Runs the migration (config/migration.json unless `input.tables`) to its end. */
export async function migrate(
  { client, taskQueue }: WorkerHarness,
  workflowId: string,
  input: Partial<MigrationInput> = {},
): Promise<MigrationResult> {
  const tables = input.tables ?? (await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG));
  return client.workflow.execute(migrationWorkflow, {
    taskQueue,
    workflowId,
    args: [{ configName: 'migration', tables, options: DEFAULT_OPTIONS, ...input }],
  });
}

export const byTable = (result: MigrationResult) =>
  Object.fromEntries(result.tables.map((table) => [table.table, table])) as Record<string, TableProgress>;

export async function failureOf(promise: Promise<unknown>): Promise<WorkflowFailedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkflowFailedError) return error;
    throw error;
  }
  throw new Error('expected the workflow to fail');
}

/** A sync test file's parts: a dvd_rental source, a target, a pool on each and one worker for the file. */
export interface SyncFixture {
  env: Env;
  source: pg.Pool;
  target: pg.Pool;
  harness: WorkerHarness;
  /** Stops the worker and ends the pools (afterAll). */
  close(): Promise<void>;
}

/** Fresh databases; `prepare` runs before anything connects to them (e.g. database settings). */
export async function syncFixture(
  databases: { source: string; target: string },
  prepare?: () => Promise<void>,
): Promise<SyncFixture> {
  const env = await freshDvdRentalPair(databases);
  await prepare?.();
  const source = new pg.Pool({ connectionString: env.SOURCE_DATABASE_URL, max: 3 });
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  const { harness, stop } = await fileWorker(env);
  const close = async () => {
    await stop();
    await Promise.all([source.end(), target.end()]);
  };
  return { env, source, target, harness, close };
}

/** The first row of a query's result. */
export const one = async <T extends pg.QueryResultRow>(pool: pg.Pool, sql: string, values: unknown[] = []) =>
  (await pool.query<T>(sql, values)).rows[0]!;
