import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Command, Option } from 'commander';
import type { Env } from '../../common/env';
import type { CommandContext } from '../../common/pipeline';
import { businessDate } from '../../common/temporal-client';
import { readMigrationConfigFile } from '../../activities/migration/config-file';
import { planMigration } from '../../workflows/migration/plan';
import { migrationProgressQuery } from '../../workflows/migration/progress';
import {
  DEFAULT_MIGRATION_OPTIONS,
  type MigrationInput,
  type MigrationResult,
  type TableProgress,
} from '../../workflows/migration/types';
import { migrationWorkflow } from '../../workflows';
import { positiveInt, readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { EXIT } from '../errors';
import type { ProgressLine } from '../follow';
import { emit, type GlobalOptions } from '../output';
import { outcomeOf } from '../runs';
import { startAndFollow } from '../start';

export const MIGRATION = 'migration';

interface MigrateOptions {
  config: string;
  tables?: string;
  dryRun?: boolean;
  mode: MigrationInput['options']['mode'];
  deletes: MigrationInput['options']['deletes'];
  parallelism: number;
  recreate?: boolean;
  verify: 'auto' | 'full';
}

const count = (n: number) => n.toLocaleString('en-US');

/** How a synced table found its changes: `key cursor payment_id: 12 rows read, 16,049 keys compared`. */
export function syncDetail(sync: NonNullable<TableProgress['sync']>): string {
  if (sync.method === 'compare') return `full comparison, ${count(sync.rowsRead)} rows read: ${sync.reason ?? ''}`;
  const how = { cursor: 'cursor', key: 'key cursor', cdc: 'log' }[sync.method];
  const parts = [
    `${how}: ${count(sync.rowsRead)} rows read` + (sync.reread ? ` (${count(sync.reread)} re-read)` : ''),
    sync.logged && `${count(sync.logged.changes)} changes logged on ${count(sync.logged.keys)} keys`,
    sync.keysCompared &&
      `${count(sync.keysCompared.source)} keys compared ${sync.keysByCount ? 'by count' : `(${count(sync.keysStreamed ?? 0)} streamed)`}` +
        (sync.targetKeys === 'recorded' ? ' with the target keys recorded by the last sync' : ''),
    sync.repaired && `${count(sync.repaired)} missed rows copied`,
    sync.nullCursor && `${count(sync.nullCursor)} with a NULL cursor`,
    `verified ${sync.verified === 'full' ? 'in full' : 'touched rows'}`,
  ];
  return parts.filter(Boolean).join(', ');
}

function tableLine(table: TableProgress): string {
  const changes = table.changes
    ? ` (+${table.changes.inserted} ~${table.changes.updated} -${table.changes.deleted})`
    : '';
  const detail = table.error ? `: ${table.error}` : table.sync ? ` [${syncDetail(table.sync)}]` : '';
  const mode = (table.mode ?? '').padEnd(4);
  return `  ${table.table.padEnd(16)} ${table.state.padEnd(8)} ${mode} ${String(table.rows).padStart(10)} rows ${(table.elapsedMs / 1000).toFixed(1).padStart(7)} s${changes}${detail}`;
}

/** Each table's state and rows: the migration's live progress. */
export async function migrationProgressLines(client: Client, workflowId: string): Promise<ProgressLine[]> {
  const tables = await client.workflow.getHandle(workflowId).query(migrationProgressQuery);
  return tables.map((table) => ({ id: table.table, state: table.state, detail: `${table.rows} rows` }));
}

/** `3/15 tables`: a migration run in one line (the daily command shows it for its migration step). */
export async function migrationProgressLine(client: Client, workflowId: string): Promise<string> {
  const tables = await client.workflow.getHandle(workflowId).query(migrationProgressQuery);
  const copied = tables.filter((table) => table.state === 'copied' || table.state === 'skipped').length;
  return `${copied}/${tables.length} tables`;
}

async function runMigration(env: Env, client: Client, input: MigrationInput, globals: GlobalOptions): Promise<number> {
  const date = businessDate();
  const handle = await startAndFollow(
    env,
    client,
    {
      workflow: migrationWorkflow,
      workflowId: `${MIGRATION}-${input.configName}-${date}`,
      input,
      labels: { pipeline: MIGRATION, config: input.configName, businessDate: date },
      progress: (run) => migrationProgressLines(client, run.workflowId),
      warnWithoutWorker: true,
    },
    globals,
  );
  const outcome = await outcomeOf<MigrationResult>(env, handle);
  const summary = outcome.result ?? (outcome.details as MigrationResult | undefined);
  emit(globals, outcome, () => [
    `\nmigration ${input.configName}: ${summary?.status ?? 'failed'}`,
    ...(summary?.tables ?? []).map(tableLine),
    ...new Set((summary?.tables ?? []).flatMap((table) => table.notes ?? []).map((note) => `  note: ${note}`)),
    ...(summary?.notReplicated.length
      ? [`not replicated (${summary.notReplicated.length}): ${summary.notReplicated.join(', ')}`]
      : []),
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
    only: options.tables
      ?.split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    options: {
      mode: options.mode,
      deletes: options.deletes,
      parallelism: options.parallelism,
      recreate: Boolean(options.recreate),
      ...(options.verify === 'full' ? { verify: 'full' as const } : {}),
    },
  };
  const env = cliEnv();
  return withClient(env, (client) => runMigration(env, client, input, globals));
}

export function migrateCommand({ globals }: Pick<CommandContext, 'globals'>): Command {
  return new Command('migrate')
    .description('Copy the tables of a migration config from the source to the target Postgres')
    .requiredOption('--config <file>', 'migration config (JSON)')
    .option('--tables <names>', 'only these tables, comma-separated')
    .option('--dry-run', 'print the plan and exit')
    .addOption(
      new Option('--mode <mode>', 'full copy, sync by key, or auto (full when empty)')
        .choices(['auto', 'full', 'sync'])
        .default(DEFAULT_MIGRATION_OPTIONS.mode),
    )
    .addOption(
      new Option('--deletes <how>', 'in sync mode, rows gone from the source are')
        .choices(['delete', 'flag'])
        .default(DEFAULT_MIGRATION_OPTIONS.deletes),
    )
    .option('--parallelism <n>', 'tables copied at once', positiveInt, DEFAULT_MIGRATION_OPTIONS.parallelism)
    .addOption(
      new Option('--verify <how>', 'after an incremental sync: touched rows (whole table weekly), or full')
        .choices(['auto', 'full'])
        .default('auto'),
    )
    .option('--recreate', 'drop and recreate target tables whose shape differs from the source')
    .action(async (options: MigrateOptions) => void (process.exitCode = await migrate(options, globals())));
}
