import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Command, Option } from 'commander';
import type { Env } from '../../common/env';
import { businessDate, workflowUrl } from '../../common/temporal-client';
import { readMigrationConfigFile } from '../../activities/migration/config-file';
import { planMigration } from '../../workflows/migration/plan';
import { migrationProgressQuery } from '../../workflows/migration/progress';
import { DEFAULT_MIGRATION_OPTIONS, type MigrationInput, type MigrationResult, type TableProgress } from '../../workflows/migration/types';
import { migrationWorkflow } from '../../workflows';
import { positiveInt, readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { EXIT } from '../errors';
import { followRun } from '../follow';
import { emit, type GlobalOptions } from '../output';
import { outcomeOf } from '../runs';

interface MigrateOptions {
  config: string;
  tables?: string;
  dryRun?: boolean;
  mode: MigrationInput['options']['mode'];
  deletes: MigrationInput['options']['deletes'];
  parallelism: number;
  recreate?: boolean;
}

function tableLine(table: TableProgress): string {
  const changes = table.changes ? ` (+${table.changes.inserted} ~${table.changes.updated} -${table.changes.deleted})` : '';
  const detail = table.error ? `: ${table.error}` : '';
  const mode = (table.mode ?? '').padEnd(4);
  return `  ${table.table.padEnd(16)} ${table.state.padEnd(8)} ${mode} ${String(table.rows).padStart(10)} rows ${(table.elapsedMs / 1000).toFixed(1).padStart(7)} s${changes}${detail}`;
}

/** A run without a worker waits silently; say so instead. */
async function warnWithoutWorker(client: Client, taskQueue: string): Promise<void> {
  const queue = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue } });
  if (!queue.pollers?.length) console.warn(`no worker polls task queue ${taskQueue}: the run waits until one starts (npm run worker)`);
}

async function runMigration(env: Env, client: Client, input: MigrationInput, globals: GlobalOptions): Promise<number> {
  const workflowId = `migration-${input.configName}-${businessDate()}`;
  if (!globals.json) await warnWithoutWorker(client, env.TEMPORAL_TASK_QUEUE);
  const handle = await client.workflow.start(migrationWorkflow, { taskQueue: env.TEMPORAL_TASK_QUEUE, workflowId, args: [input] });
  if (!globals.json) console.log(`started ${workflowId}: ${workflowUrl(env, workflowId, handle.firstExecutionRunId)}`);
  await followRun(
    handle,
    async () => (await handle.query(migrationProgressQuery)).map((table) => ({ id: table.table, state: table.state, detail: `${table.rows} rows` })),
    globals,
  );
  const outcome = await outcomeOf<MigrationResult>(env, handle);
  const summary = outcome.result ?? (outcome.details as MigrationResult | undefined);
  emit(globals, outcome, () => [
    `\nmigration ${input.configName}: ${summary?.status ?? 'failed'}`,
    ...(summary?.tables ?? []).map(tableLine),
    ...(summary?.notReplicated.length ? [`not replicated (${summary.notReplicated.length}): ${summary.notReplicated.join(', ')}`] : []),
    `Web UI: ${outcome.url}`,
  ]);
  if (!outcome.ok && !globals.json) console.error(`error: ${outcome.error}`);
  return outcome.ok ? EXIT.ok : EXIT.runFailed;
}

/** Prints the plan, starts the migration, follows it; exit code 0 only when every table was copied. */
async function migrate(options: MigrateOptions, globals: GlobalOptions): Promise<number> {
  const tables = await readConfig(readMigrationConfigFile(options.config));
  const configName = path.basename(options.config, path.extname(options.config));
  const plan = planMigration(tables);
  if (!globals.json || options.dryRun) {
    emit(globals, { configName, levels: plan.levels }, () => [
      `plan for ${options.config} (${tables.length} tables, up to ${options.parallelism} at once):`,
      ...plan.levels.map((level, index) => `  step ${index + 1}: ${level.join(', ')}`),
    ]);
  }
  if (options.dryRun) return EXIT.ok;
  const input: MigrationInput = {
    configName,
    tables,
    only: options.tables?.split(',').map((name) => name.trim()).filter(Boolean),
    options: { mode: options.mode, deletes: options.deletes, parallelism: options.parallelism, recreate: Boolean(options.recreate) },
  };
  const env = cliEnv();
  return withClient(env, (client) => runMigration(env, client, input, globals));
}

export function migrateCommand(globals: () => GlobalOptions): Command {
  return new Command('migrate')
    .description('Copy the tables of a migration config from the source to the target Postgres')
    .requiredOption('--config <file>', 'migration config (JSON)')
    .option('--tables <names>', 'only these tables, comma-separated')
    .option('--dry-run', 'print the plan and exit')
    .addOption(new Option('--mode <mode>', 'full copy, sync by key, or auto (full when empty)').choices(['auto', 'full', 'sync']).default(DEFAULT_MIGRATION_OPTIONS.mode))
    .addOption(new Option('--deletes <how>', 'in sync mode, rows gone from the source are').choices(['delete', 'flag']).default(DEFAULT_MIGRATION_OPTIONS.deletes))
    .option('--parallelism <n>', 'tables copied at once', positiveInt, DEFAULT_MIGRATION_OPTIONS.parallelism)
    .option('--recreate', 'drop and recreate target tables whose shape differs from the source')
    .action(async (options: MigrateOptions) => void (process.exitCode = await migrate(options, globals())));
}
