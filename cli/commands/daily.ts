import { Command, Option } from 'commander';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Env } from '../../common/env';
import { businessDate, workflowUrl } from '../../common/temporal-client';
import { goldenRecordStatusQuery } from '../../workflows/golden-record/golden-record';
import { migrationProgressQuery } from '../../workflows/migration/progress';
import { dailyPipelineInput } from '../../activities/daily/inputs';
import { ensureSearchAttributes } from '../../common/register-search-attributes';
import { labelPairs } from '../../workflows/shared/search-attributes';
import { DAILY_STEPS, rerunStep, type DailyPipelineInput, type DailyPipelineResult, type StepStatus } from '../../workflows/daily/types';
import { DAILY_PIPELINE } from '../../workflows/shared/names';
import { dailyPipelineProgressQuery, dailyPipelineWorkflow } from '../../workflows';
import { readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { CliError, EXIT } from '../errors';
import { followRun, type ProgressLine } from '../follow';
import { emit, type GlobalOptions } from '../output';
import { closedRun, existingRun, outcomeOf, startInputOf, type RunOutcome } from '../runs';

/** A one-line view of a running step from its child's own query. */
async function childDetail(client: Client, step: StepStatus): Promise<string> {
  if (step.state !== 'running' || !step.workflowId) return '';
  const child = client.workflow.getHandle(step.workflowId);
  if (step.step === 'migration') {
    const tables = await child.query(migrationProgressQuery);
    const copied = tables.filter((table) => table.state === 'copied' || table.state === 'skipped').length;
    return `${copied}/${tables.length} tables`;
  }
  return (await child.query(goldenRecordStatusQuery)).stage;
}

const stepLines = async (client: Client, handle: WorkflowHandle): Promise<ProgressLine[]> => {
  const progress = await handle.query(dailyPipelineProgressQuery);
  return Promise.all(
    progress.steps.map(async (step) => ({ id: step.step, state: step.state, detail: step.error ?? (await childDetail(client, step).catch(() => '')) })),
  );
};

function printOutcome(outcome: RunOutcome<DailyPipelineResult>, options: GlobalOptions): number {
  const summary = outcome.result ?? (outcome.details as DailyPipelineResult | undefined);
  emit(options, outcome, () => [
    `daily pipeline ${summary?.businessDate ?? ''}: ${outcome.ok ? 'succeeded' : 'failed'}`,
    ...(summary?.steps ?? []).map((step) => `  ${step.step.padEnd(16)} ${step.state}${step.elapsedMs ? ` (${(step.elapsedMs / 1000).toFixed(1)} s)` : ''}`),
    `Web UI: ${outcome.url}`,
  ]);
  if (!outcome.ok && !options.json) console.error(`error: ${outcome.error}`);
  return outcome.ok ? EXIT.ok : EXIT.runFailed;
}

/** Starts a daily pipeline run, follows it and prints how it ended. */
async function runDaily(env: Env, client: Client, input: DailyPipelineInput, workflowId: string, options: GlobalOptions) {
  await ensureSearchAttributes(client.connection.operatorService, client.options.namespace);
  const handle = await client.workflow.start(dailyPipelineWorkflow, {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowId,
    args: [input],
    memo: { startedBy: 'cli', fromStep: input.fromStep ?? DAILY_STEPS[0] },
    typedSearchAttributes: labelPairs({ pipeline: DAILY_PIPELINE, config: input.configName, businessDate: input.businessDate! }),
  });
  if (!options.json) console.log(`started ${workflowId}: ${workflowUrl(env, workflowId, handle.firstExecutionRunId)}`);
  await followRun(handle, () => stepLines(client, handle), options);
  return printOutcome(await outcomeOf<DailyPipelineResult>(env, handle), options);
}

interface StartOptions {
  date?: string;
  from?: DailyPipelineInput['fromStep'];
  migrationConfig?: string;
  viewsConfig?: string;
}

async function start(options: StartOptions, globals: GlobalOptions): Promise<number> {
  const env = cliEnv();
  const input = await readConfig(
    dailyPipelineInput({
      businessDate: options.date ?? businessDate(),
      fromStep: options.from,
      migrationConfig: options.migrationConfig,
      viewsConfig: options.viewsConfig,
    }),
  );
  return withClient(env, (client) => runDaily(env, client, input, `${DAILY_PIPELINE}-${input.businessDate}`, globals));
}

/** Runs a failed run again under the same workflow id, from the step that failed. */
async function rerun(workflowId: string, globals: GlobalOptions): Promise<number> {
  const env = cliEnv();
  return withClient(env, async (client) => {
    const { handle, status } = await closedRun(client, workflowId);
    if (status === 'COMPLETED') throw new CliError(`${workflowId} succeeded: there is nothing to rerun`, EXIT.usage);
    const previous = await startInputOf<DailyPipelineInput>(handle);
    const report = (await outcomeOf<DailyPipelineResult>(env, handle)).details as DailyPipelineResult | undefined;
    const fromStep = report ? rerunStep(report) : previous.fromStep;
    const input = { ...previous, businessDate: report?.businessDate ?? previous.businessDate ?? businessDate(), fromStep };
    if (!globals.json) console.log(`rerunning ${workflowId} from step ${fromStep ?? DAILY_STEPS[0]}`);
    return runDaily(env, client, input, workflowId, globals);
  });
}

async function status(workflowId: string, globals: GlobalOptions): Promise<number> {
  const env = cliEnv();
  return withClient(env, async (client) => {
    const { handle, status: state } = await existingRun(client, workflowId);
    const running = state === 'RUNNING';
    const outcome = running ? undefined : await outcomeOf<DailyPipelineResult>(env, handle);
    const progress = running ? await handle.query(dailyPipelineProgressQuery) : (outcome?.result ?? (outcome?.details as DailyPipelineResult));
    const json = { workflowId, status: state, url: workflowUrl(env, workflowId), progress, error: outcome?.error };
    emit(globals, json, () => [
      `${workflowId}: ${state}${outcome?.error ? ` (${outcome.error})` : ''}`,
      ...(progress?.steps ?? []).map((step) => `  ${step.step.padEnd(16)} ${step.state}`),
      `Web UI: ${json.url}`,
    ]);
    return EXIT.ok;
  });
}

export function dailyCommand(globals: () => GlobalOptions): Command {
  const command = new Command('daily').description('The daily pipeline: migration sync, then the golden record');
  command
    .command('start')
    .description('Start a run for a business date (default today, UTC) and follow it')
    .option('--date <yyyy-mm-dd>', 'business date of the run')
    .addOption(new Option('--from <step>', 'start at this step').choices([...DAILY_STEPS]))
    .option('--migration-config <file>', 'migration config (default config/migration.json)')
    .option('--views-config <file>', 'views config (default config/golden-record.json)')
    .action(async (options: StartOptions) => void (process.exitCode = await start(options, globals())));
  command
    .command('rerun <workflowId>')
    .description('Run a failed run again, from the step that failed')
    .action(async (workflowId: string) => void (process.exitCode = await rerun(workflowId, globals())));
  command
    .command('status <workflowId>')
    .description("A run's state and its steps")
    .action(async (workflowId: string) => void (process.exitCode = await status(workflowId, globals())));
  return command;
}
