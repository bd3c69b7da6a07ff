// The migration workflow run on a real worker, for the migration's integration tests.
import { WorkflowFailedError } from '@temporalio/client';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../activities/migration/config-file';
import type { MigrationInput, MigrationResult, TableProgress } from '../../workflows/migration/types';
import { migrationWorkflow } from '../../workflows';
import type { WorkerHarness } from './stack';

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
