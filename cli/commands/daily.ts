import { Command, Option } from 'commander';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Env } from '../../common/env';
import type { CommandContext, Pipeline } from '../../common/pipeline';
import { businessDate, workflowUrl } from '../../common/temporal-client';
import { buildDailyPipelineInput } from '../../activities/daily/inputs';
import {
  DAILY_STEPS,
  rerunStep,
  type DailyPipelineInput,
  type DailyPipelineResult,
  type StepStatus,
} from '../../workflows/daily/types';
import { DAILY_PIPELINE } from '../../workflows/shared/names';
import { dailyPipelineProgressQuery, dailyPipelineWorkflow } from '../../workflows';
import { readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { CliError, EXIT } from '../errors';
import type { ProgressLine } from '../follow';
import { emit, messageOf, type GlobalOptions } from '../output';
import { closedRun, existingRun, outcomeOf, startInputOf, type RunOutcome } from '../runs';
import { startAndFollow } from '../start';

type Pipelines = readonly Pipeline[];

/** A running step in one line, from its pipeline's own progress query; a step without one shows its state only. */
async function childDetail(client: Client, step: StepStatus, pipelines: Pipelines): Promise<string> {
  if (step.state !== 'running' || !step.workflowId) return '';
  const progress = pipelines.find((pipeline) => pipeline.workflows.name === step.step)?.progress;
  if (!progress) return '';
  // The child may not have started yet (its query then fails): say so instead of an empty line.
  return progress(client, step.workflowId).catch((error: unknown) => `no progress yet (${messageOf(error)})`);
}

const stepLines = async (client: Client, handle: WorkflowHandle, pipelines: Pipelines): Promise<ProgressLine[]> => {
  const progress = await handle.query(dailyPipelineProgressQuery);
  return Promise.all(
    progress.steps.map(async (step) => ({
      id: step.step,
      state: step.state,
      detail: step.error ?? step.note ?? (await childDetail(client, step, pipelines)),
    })),
  );
};

function printOutcome(outcome: RunOutcome<DailyPipelineResult>, options: GlobalOptions): number {
  const summary = outcome.result ?? (outcome.details as DailyPipelineResult | undefined);
  emit(options, outcome, () => [
    `daily pipeline ${summary?.businessDate ?? ''}: ${outcome.ok ? 'succeeded' : 'failed'}`,
    ...(summary?.steps ?? []).map(
      (step) =>
        `  ${step.step.padEnd(16)} ${step.state}${step.elapsedMs ? ` (${(step.elapsedMs / 1000).toFixed(1)} s)` : ''}` +
        (step.note ? `: ${step.note}` : ''),
    ),
    `Web UI: ${outcome.url}`,
  ]);
  if (!outcome.ok && !options.json) console.error(`error: ${outcome.error}`);
  return outcome.ok ? EXIT.ok : EXIT.runFailed;
}

/** Starts a daily pipeline run, follows it and prints how it ended. */
async function runDaily(
  env: Env,
  client: Client,
  run: { input: DailyPipelineInput; workflowId: string; pipelines: Pipelines },
  globals: GlobalOptions,
) {
  const { input, workflowId, pipelines } = run;
  const handle = await startAndFollow(
    env,
    client,
    {
      workflow: dailyPipelineWorkflow,
      workflowId,
      input,
      labels: { pipeline: DAILY_PIPELINE, config: input.configName, businessDate: input.businessDate! },
      memo: { fromStep: input.fromStep ?? DAILY_STEPS[0] },
      progress: (started) => stepLines(client, started, pipelines),
    },
    globals,
  );
  return printOutcome(await outcomeOf<DailyPipelineResult>(env, handle), globals);
}

/** `--migration-config`: one option per daily step that reads a config file. */
const configOption = (pipeline: Pipeline) =>
  `${pipeline.workflows.name}Config`.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

interface StartOptions {
  date?: string;
  from?: DailyPipelineInput['fromStep'];
  [configFile: string]: string | undefined;
}

async function start(
  options: StartOptions,
  context: { globals: GlobalOptions; pipelines: Pipelines },
): Promise<number> {
  const env = cliEnv();
  const configFiles = Object.fromEntries(
    context.pipelines.map((pipeline) => [pipeline.workflows.name, options[configOption(pipeline)]]),
  );
  const input = await readConfig(
    buildDailyPipelineInput(context.pipelines, {
      businessDate: options.date ?? businessDate(),
      fromStep: options.from,
      configFiles,
    }),
  );
  const workflowId = `${DAILY_PIPELINE}-${input.businessDate}`;
  return withClient(env, (client) =>
    runDaily(env, client, { input, workflowId, pipelines: context.pipelines }, context.globals),
  );
}

/** Runs a failed run again under the same workflow id, from the step that failed. */
async function rerun(workflowId: string, globals: GlobalOptions, pipelines: Pipelines): Promise<number> {
  const env = cliEnv();
  return withClient(env, async (client) => {
    const { handle, status } = await closedRun(client, workflowId);
    if (status === 'COMPLETED') throw new CliError(`${workflowId} succeeded: there is nothing to rerun`, EXIT.usage);
    const previous = await startInputOf<DailyPipelineInput>(handle);
    const report = (await outcomeOf<DailyPipelineResult>(env, handle)).details as DailyPipelineResult | undefined;
    const fromStep = report ? rerunStep(report) : previous.fromStep;
    const input = {
      ...previous,
      businessDate: report?.businessDate ?? previous.businessDate ?? businessDate(),
      fromStep,
    };
    if (!globals.json) console.log(`rerunning ${workflowId} from step ${fromStep ?? DAILY_STEPS[0]}`);
    return runDaily(env, client, { input, workflowId, pipelines }, globals);
  });
}

async function status(workflowId: string, globals: GlobalOptions): Promise<number> {
  const env = cliEnv();
  return withClient(env, async (client) => {
    const { handle, status: state } = await existingRun(client, workflowId);
    const running = state === 'RUNNING';
    const outcome = running ? undefined : await outcomeOf<DailyPipelineResult>(env, handle);
    const progress = running
      ? await handle.query(dailyPipelineProgressQuery)
      : (outcome?.result ?? (outcome?.details as DailyPipelineResult));
    const json = { workflowId, status: state, url: workflowUrl(env, workflowId), progress, error: outcome?.error };
    emit(globals, json, () => [
      `${workflowId}: ${state}${outcome?.error ? ` (${outcome.error})` : ''}`,
      ...(progress?.steps ?? []).map((step) => `  ${step.step.padEnd(16)} ${step.state}`),
      `Web UI: ${json.url}`,
    ]);
    return EXIT.ok;
  });
}

export function dailyCommand({ globals, pipelines }: CommandContext): Command {
  const steps = pipelines.filter((pipeline) => pipeline.workflows.daily);
  const command = new Command('daily').description(`The daily pipeline: ${DAILY_STEPS.join(', then ')}`);
  const startCommand = command
    .command('start')
    .description('Start a run for a business date (default today, UTC) and follow it')
    .option('--date <yyyy-mm-dd>', 'business date of the run')
    .addOption(new Option('--from <step>', 'start at this step').choices([...DAILY_STEPS]));
  for (const pipeline of steps.filter((step) => step.config)) {
    const file = pipeline.config!.file.replace(/^.*\/config\//, 'config/');
    startCommand.option(
      `--${pipeline.workflows.name}-config <file>`,
      `${pipeline.workflows.name} config (default ${file})`,
    );
  }
  startCommand.action(
    async (options: StartOptions) => void (process.exitCode = await start(options, { globals: globals(), pipelines })),
  );
  command
    .command('rerun <workflowId>')
    .description('Run a failed run again, from the step that failed')
    .action(async (workflowId: string) => void (process.exitCode = await rerun(workflowId, globals(), pipelines)));
  command
    .command('status <workflowId>')
    .description("A run's state and its steps")
    .action(async (workflowId: string) => void (process.exitCode = await status(workflowId, globals())));
  return command;
}
