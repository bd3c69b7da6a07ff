import { Command } from 'commander';
import { businessDate, workflowUrl } from '../../common/temporal-client';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../activities/golden-record/views-config-file';
import { DEFAULT_UPSERT_BATCH_SIZE, type GoldenRecordStatus } from '../../workflows/golden-record/types';
import { ensureSearchAttributes } from '../../common/register-search-attributes';
import { labelPairs } from '../../workflows/shared/search-attributes';
import { goldenRecordStatusQuery, goldenRecordWorkflow, rerunRefreshSignal } from '../../workflows';
import { positiveInt, readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { CliError, EXIT } from '../errors';
import { followRun } from '../follow';
import { emit, type GlobalOptions } from '../output';
import { existingRun, outcomeOf } from '../runs';

const GOLDEN_RECORD = 'golden-record';

async function start(options: { date?: string; viewsConfig?: string; batchSize: number }, globals: GlobalOptions) {
  const env = cliEnv();
  const views = await readConfig(readViewsConfigFile(options.viewsConfig ?? GOLDEN_RECORD_VIEWS_CONFIG));
  const date = options.date ?? businessDate();
  const workflowId = `${GOLDEN_RECORD}-${date}`;
  return withClient(env, async (client) => {
    await ensureSearchAttributes(client.connection.operatorService, client.options.namespace);
    const handle = await client.workflow.start(goldenRecordWorkflow, {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [{ views, batchSize: options.batchSize }],
      typedSearchAttributes: labelPairs({ pipeline: GOLDEN_RECORD, config: 'dvd_rental', businessDate: date }),
    });
    if (!globals.json) console.log(`started ${workflowId}: ${workflowUrl(env, workflowId, handle.firstExecutionRunId)}`);
    const stage = async () => {
      const status = await handle.query(goldenRecordStatusQuery);
      return [{ id: GOLDEN_RECORD, state: status.stage, detail: status.lastRefreshError ? `refresh failed: ${status.lastRefreshError} (send: golden rerun ${workflowId})` : `refresh run ${status.refreshRuns}` }];
    };
    await followRun(handle, stage, globals);
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
    if (status.stage !== 'waiting_for_rerun') throw new CliError(`${workflowId} is ${status.stage}, not waiting for a rerun`, EXIT.usage);
    await handle.signal(rerunRefreshSignal);
    emit(globals, { ok: true, workflowId, signalled: 'rerunRefresh' }, () => [`sent rerunRefresh to ${workflowId}: the refresh runs again`, `Web UI: ${workflowUrl(env, workflowId)}`]);
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

export function goldenCommand(globals: () => GlobalOptions): Command {
  const command = new Command('golden').description('The golden record: refresh the views, upsert CustomersGoldenRecord');
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
