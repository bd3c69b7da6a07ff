import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import type { CommandContext } from '../../common/pipeline';
import { businessDate, workflowUrl } from '../../common/temporal-client';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../activities/golden-record/views-config-file';
import { DEFAULT_UPSERT_BATCH_SIZE, type GoldenRecordStatus } from '../../workflows/golden-record/types';
import { goldenRecordStatusQuery, goldenRecordWorkflow, rerunRefreshSignal } from '../../workflows';
import { positiveInt, readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { CliError, EXIT } from '../errors';
import type { ProgressLine } from '../follow';
import { emit, type GlobalOptions } from '../output';
import { existingRun, outcomeOf } from '../runs';
import { startAndFollow } from '../start';

export const GOLDEN_RECORD = 'golden-record';

/** The run's stage: a waiting run says why and how to rerun it. */
async function stageLines(client: Client, workflowId: string): Promise<ProgressLine[]> {
  const status = await client.workflow.getHandle(workflowId).query(goldenRecordStatusQuery);
  const detail = status.lastRefreshError
    ? `refresh failed: ${status.lastRefreshError} (send: golden rerun ${workflowId})`
    : `refresh run ${status.refreshRuns}`;
  return [{ id: GOLDEN_RECORD, state: status.stage, detail }];
}

/** The stage of a golden-record run in one line (the daily command shows it for its golden-record step). */
export async function goldenRecordProgressLine(client: Client, workflowId: string): Promise<string> {
  return (await client.workflow.getHandle(workflowId).query(goldenRecordStatusQuery)).stage;
}

async function start(options: { date?: string; viewsConfig?: string; batchSize: number }, globals: GlobalOptions) {
  const env = cliEnv();
  const views = await readConfig(readViewsConfigFile(options.viewsConfig ?? GOLDEN_RECORD_VIEWS_CONFIG));
  const date = options.date ?? businessDate();
  const workflowId = `${GOLDEN_RECORD}-${date}`;
  return withClient(env, async (client) => {
    const handle = await startAndFollow(
      env,
      client,
      {
        workflow: goldenRecordWorkflow,
        workflowId,
        input: { views, batchSize: options.batchSize },
        labels: { pipeline: GOLDEN_RECORD, config: 'dvd_rental', businessDate: date },
        progress: () => stageLines(client, workflowId),
      },
      globals,
    );
    const outcome = await outcomeOf(env, handle);
    emit(globals, outcome, () => [`${workflowId}: ${outcome.ok ? 'succeeded' : 'failed'}`, `Web UI: ${outcome.url}`]);
    if (!outcome.ok && !globals.json) console.error(`error: ${outcome.error}`);
    return outcome.ok ? EXIT.ok : EXIT.runFailed;
  });
}

/** Sends the rerun signal to a run that waits after a refresh that failed for good. */
async function rerun(workflowId: string, globals: GlobalOptions) {
  const env = cliEnv();
  return withClient(env, async (client) => {
    const handle = client.workflow.getHandle(workflowId);
    const status = await handle.query(goldenRecordStatusQuery).catch((error: Error) => {
      throw new CliError(`cannot read the state of ${workflowId}`, EXIT.usage, { cause: error });
    });
    if (status.stage !== 'waiting_for_rerun')
      throw new CliError(`${workflowId} is ${status.stage}, not waiting for a rerun`, EXIT.usage);
    await handle.signal(rerunRefreshSignal);
    emit(globals, { ok: true, workflowId, signalled: 'rerunRefresh' }, () => [
      `sent rerunRefresh to ${workflowId}: the refresh runs again`,
      `Web UI: ${workflowUrl(env, workflowId)}`,
    ]);
    return EXIT.ok;
  });
}

async function status(workflowId: string, globals: GlobalOptions) {
  const env = cliEnv();
  return withClient(env, async (client) => {
    const { handle, status: state } = await existingRun(client, workflowId);
    const stage: GoldenRecordStatus | undefined = await handle.query(goldenRecordStatusQuery).catch(() => undefined);
    const json = { workflowId, status: state, stage, url: workflowUrl(env, workflowId) };
    emit(globals, json, () => [
      `${workflowId}: ${state}${stage ? `, ${stage.stage} (refresh runs: ${stage.refreshRuns})` : ''}`,
      ...(stage?.lastRefreshError ? [`  last refresh error: ${stage.lastRefreshError}`] : []),
      `Web UI: ${json.url}`,
    ]);
    return EXIT.ok;
  });
}

export function goldenCommand({ globals }: Pick<CommandContext, 'globals'>): Command {
  const command = new Command('golden').description(
    'The golden record: refresh the views, upsert CustomersGoldenRecord',
  );
  command
    .command('start')
    .description('Start a golden-record run and follow it')
    .option('--date <yyyy-mm-dd>', 'business date (part of the workflow id)')
    .option('--views-config <file>', 'views config (default config/golden-record.json)')
    .option('--batch-size <n>', 'documents per batch', positiveInt, DEFAULT_UPSERT_BATCH_SIZE)
    .action(async (options) => void (process.exitCode = await start(options, globals())));
  command
    .command('rerun <workflowId>')
    .description('Retry the refresh of a run waiting after a failed refresh (the rerunRefresh signal)')
    .action(async (workflowId: string) => void (process.exitCode = await rerun(workflowId, globals())));
  command
    .command('status <workflowId>')
    .description("A run's stage")
    .action(async (workflowId: string) => void (process.exitCode = await status(workflowId, globals())));
  return command;
}
