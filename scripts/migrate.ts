/**
 * `npm run migrate -- --config config/migration.json [--tables a,b] [--dry-run] [--mode auto|full|sync]`
 * Prints the plan, starts the migration workflow, follows its progress, prints the summary and the
 * Web UI link. Exit code 0 only when every table was copied.
 */
import path from 'node:path';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadEnv } from '../common/env';
import { businessDate, connectClient, workflowUrl } from '../common/temporal-client';
import { readMigrationConfigFile } from '../migration/config-file';
import { planMigration } from '../migration/plan';
import { migrationProgressQuery } from '../migration/progress';
import type { MigrationInput, MigrationResult, TableProgress } from '../migration/types';
import { migrationWorkflow } from '../workflows';

interface CliOptions {
  config: string;
  tables?: string;
  dryRun?: boolean;
  mode: MigrationInput['options']['mode'];
  deletes: MigrationInput['options']['deletes'];
  parallelism: number;
  recreate?: boolean;
}

const positiveInt = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return number;
};

function formatProgress(table: TableProgress): string {
  const changes = table.changes ? ` (+${table.changes.inserted} ~${table.changes.updated} -${table.changes.deleted})` : '';
  const detail = table.error ? `: ${table.error}` : '';
  const mode = (table.mode ?? '').padEnd(4);
  return `  ${table.table.padEnd(16)} ${table.state.padEnd(8)} ${mode} ${String(table.rows).padStart(10)} rows ${(table.elapsedMs / 1000).toFixed(1).padStart(7)} s${changes}${detail}`;
}

/** Prints a line each time a table changes state, until the workflow ends. */
async function follow(handle: WorkflowHandle<typeof migrationWorkflow>): Promise<void> {
  const seen = new Map<string, string>();
  const result = handle.result().then(
    () => undefined,
    () => undefined,
  );
  let ended = false;
  void result.then(() => (ended = true));
  while (!ended) {
    const progress = await handle.query(migrationProgressQuery).catch(() => []);
    for (const table of progress) {
      if (seen.get(table.table) !== table.state && table.state !== 'pending') {
        seen.set(table.table, table.state);
        console.log(`  ${table.table}: ${table.state}${table.state === 'running' ? '' : `, ${table.rows} rows`}`);
      }
    }
    await Promise.race([result, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
}

/** A run without a worker waits silently; say so instead. */
async function warnWithoutWorker(client: Client, taskQueue: string): Promise<void> {
  const queue = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
  });
  if (!queue.pollers?.length) {
    console.warn(`no worker polls task queue ${taskQueue}: the run waits until one starts (npm run worker)`);
  }
}

function printSummary(result: MigrationResult): void {
  console.log(`\nmigration ${result.configName}: ${result.status}`);
  for (const table of result.tables) console.log(formatProgress(table));
  if (result.notReplicated.length) {
    console.log(`not replicated (${result.notReplicated.length}): ${result.notReplicated.join(', ')}`);
  }
}

async function run(options: CliOptions): Promise<number> {
  const env = loadEnv();
  const tables = await readMigrationConfigFile(options.config);
  const configName = path.basename(options.config, path.extname(options.config));
  const plan = planMigration(tables);
  console.log(`plan for ${options.config} (${tables.length} tables, up to ${options.parallelism} at once):`);
  plan.levels.forEach((level, index) => console.log(`  step ${index + 1}: ${level.join(', ')}`));
  if (options.dryRun) return 0;

  const input: MigrationInput = {
    configName,
    tables,
    only: options.tables?.split(',').map((name) => name.trim()).filter(Boolean),
    options: { mode: options.mode, deletes: options.deletes, parallelism: options.parallelism, recreate: Boolean(options.recreate) },
  };
  const client = await connectClient(env);
  const workflowId = `migration-${configName}-${businessDate()}`;
  await warnWithoutWorker(client, env.TEMPORAL_TASK_QUEUE);
  const handle = await client.workflow.start(migrationWorkflow, { taskQueue: env.TEMPORAL_TASK_QUEUE, workflowId, args: [input] });
  console.log(`started ${workflowId}: ${workflowUrl(env, workflowId, handle.firstExecutionRunId)}`);
  await follow(handle);
  try {
    printSummary(await handle.result());
    return 0;
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const details = (error.cause as { details?: unknown[] } | undefined)?.details?.[0] as MigrationResult | undefined;
    if (details) printSummary(details);
    console.error(`\nfailed: ${error.cause?.message ?? error.message}`);
    return 1;
  } finally {
    console.log(`Web UI: ${workflowUrl(env, workflowId, handle.firstExecutionRunId)}`);
    await client.connection.close();
  }
}

const program = new Command('migrate')
  .description('Copy the tables of a migration config from the source to the target Postgres')
  .requiredOption('--config <file>', 'migration config (JSON)')
  .option('--tables <names>', 'only these tables, comma-separated')
  .option('--dry-run', 'print the plan and exit')
  .addOption(new Option('--mode <mode>', 'full copy, sync by key, or auto (full when empty)').choices(['auto', 'full', 'sync']).default('auto'))
  .addOption(new Option('--deletes <how>', 'in sync mode, rows gone from the source are').choices(['delete', 'flag']).default('delete'))
  .option('--parallelism <n>', 'tables copied at once', positiveInt, 2)
  .option('--recreate', 'drop and recreate target tables whose shape differs from the source')
  .action(async (options: CliOptions) => {
    process.exitCode = await run(options);
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
