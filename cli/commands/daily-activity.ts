import type { Client } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from '../../common/pipeline';
import { businessDate } from '../../common/temporal-client';
import { DAILY_ACTIVITY_CONFIG, readDailyActivityConfigFile } from '../../activities/daily-activity/config-file';
import { isoDate } from '../../workflows/daily-activity/dates';
import {
  backfillWorkflowId,
  DAILY_ACTIVITY,
  dayWorkflowId,
  type BackfillProgress,
  type DayResult,
} from '../../workflows/daily-activity/types';
import {
  backfillProgressQuery,
  dailyActivityBackfillWorkflow,
  dailyActivityStatusQuery,
  dailyActivityWorkflow,
} from '../../workflows';
import { readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { EXIT } from '../errors';
import type { ProgressLine } from '../follow';
import { emit, type GlobalOptions } from '../output';
import { outcomeOf } from '../runs';
import { startAndFollow } from '../start';

const CONFIG_NAME = 'dvd_rental';

function dateArgument(value: string): string {
  const parsed = isoDate.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('must be a real day like 2026-11-26');
  return value;
}

const rowsLine = ({ rows }: DayResult) =>
  Object.entries(rows)
    .map(([table, { inserted, updated }]) => `${table} +${inserted}${updated ? ` ~${updated}` : ''}`)
    .join(', ');

const dayLine = (result: DayResult) =>
  `${result.businessDate} (simulated ${result.simulatedDate}): ${result.alreadyRun ? 'already run, nothing written' : rowsLine(result)}`;

/** A day's state in one line (the daily command shows it for its daily-activity step). */
export async function dailyActivityProgressLine(client: Client, workflowId: string): Promise<string> {
  const status = await client.workflow.getHandle(workflowId).query(dailyActivityStatusQuery);
  return status.result ? dayLine(status.result) : status.state;
}

async function backfillLines(client: Client, workflowId: string): Promise<ProgressLine[]> {
  const progress = await client.workflow.getHandle(workflowId).query(backfillProgressQuery);
  return progress.days.map((day) => ({
    id: day.businessDate,
    state: day.state,
    detail: day.result ? rowsLine(day.result) : day.error,
  }));
}

async function runDay(options: { date?: string; config?: string }, globals: GlobalOptions): Promise<number> {
  const env = cliEnv();
  const config = await readConfig(readDailyActivityConfigFile(options.config ?? DAILY_ACTIVITY_CONFIG));
  const date = options.date ?? businessDate();
  const workflowId = dayWorkflowId(date);
  return withClient(env, async (client) => {
    const handle = await startAndFollow(
      env,
      client,
      {
        workflow: dailyActivityWorkflow,
        workflowId,
        input: { ...config, businessDate: date },
        labels: { pipeline: DAILY_ACTIVITY, config: CONFIG_NAME, businessDate: date },
        progress: async () => [{ id: date, state: await dailyActivityProgressLine(client, workflowId) }],
      },
      globals,
    );
    const outcome = await outcomeOf<DayResult>(env, handle);
    emit(globals, outcome, () => [
      outcome.ok ? `${workflowId}: ${dayLine(outcome.result!)}` : `${workflowId}: failed`,
      ...(outcome.result?.notes ?? []).map((note) => `  note: ${note}`),
      `Web UI: ${outcome.url}`,
    ]);
    if (!outcome.ok && !globals.json) console.error(`error: ${outcome.error}`);
    return outcome.ok ? EXIT.ok : EXIT.runFailed;
  });
}

async function backfill(options: { from: string; to: string; config?: string }, globals: GlobalOptions) {
  const env = cliEnv();
  const config = await readConfig(readDailyActivityConfigFile(options.config ?? DAILY_ACTIVITY_CONFIG));
  const workflowId = backfillWorkflowId(options.from, options.to);
  return withClient(env, async (client) => {
    const handle = await startAndFollow(
      env,
      client,
      {
        workflow: dailyActivityBackfillWorkflow,
        workflowId,
        input: { config, from: options.from, to: options.to, configName: CONFIG_NAME },
        labels: { pipeline: DAILY_ACTIVITY, config: CONFIG_NAME, businessDate: options.to },
        progress: () => backfillLines(client, workflowId),
      },
      globals,
    );
    const outcome = await outcomeOf<BackfillProgress>(env, handle);
    const report = outcome.result ?? (outcome.details as BackfillProgress | undefined);
    emit(globals, outcome, () => [
      `${workflowId}: ${outcome.ok ? 'succeeded' : 'failed'}`,
      ...(report?.days ?? []).map((day) => `  ${day.businessDate} ${day.state.padEnd(8)} ${day.workflowId}`),
      `Web UI: ${outcome.url}`,
    ]);
    if (!outcome.ok && !globals.json) console.error(`error: ${outcome.error}`);
    return outcome.ok ? EXIT.ok : EXIT.runFailed;
  });
}

export function activityCommand({ globals }: Pick<CommandContext, 'globals'>): Command {
  const command = new Command('activity').description(
    'The daily activity: one business day of rentals, returns, payments and customers written into the source',
  );
  command
    .command('run')
    .description('Write one business day (default today, UTC) and follow it')
    .option('--date <yyyy-mm-dd>', 'business date', dateArgument)
    .option('--config <file>', 'daily activity config (default config/daily-activity.json)')
    .action(async (options) => void (process.exitCode = await runDay(options, globals())));
  command
    .command('backfill')
    .description('Write the business days from --from to --to in order, one child run per day')
    .requiredOption('--from <yyyy-mm-dd>', 'first business date', dateArgument)
    .requiredOption('--to <yyyy-mm-dd>', 'last business date', dateArgument)
    .option('--config <file>', 'daily activity config (default config/daily-activity.json)')
    .action(async (options) => void (process.exitCode = await backfill(options, globals())));
  return command;
}
