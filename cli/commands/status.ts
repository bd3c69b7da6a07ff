import { Command } from 'commander';
import { workflowUrl } from '../../common/temporal-client';
import { BUSINESS_DATE, PIPELINE } from '../../workflows/shared/search-attributes';
import { cliEnv, withClient } from '../context';
import { CliError, EXIT } from '../errors';
import { emit, type GlobalOptions } from '../output';

const quoted = (value: string) => {
  if (!/^[\w.-]+$/.test(value)) throw new CliError(`invalid filter value: ${value}`, EXIT.usage);
  return `"${value}"`;
};

/** The latest runs of the pipelines, filtered by the search attributes. */
async function recentRuns(options: { pipeline?: string; date?: string; limit: string }, globals: GlobalOptions) {
  const env = cliEnv();
  const filters = [
    options.pipeline && `${PIPELINE.name} = ${quoted(options.pipeline)}`,
    options.date && `${BUSINESS_DATE.name} = ${quoted(options.date)}`,
  ].filter(Boolean);
  return withClient(env, async (client) => {
    const runs: Record<string, string | undefined>[] = [];
    for await (const run of client.workflow.list({ query: filters.join(' AND ') || undefined, pageSize: 100 })) {
      if (runs.length >= Number(options.limit)) break;
      const attributes = run.typedSearchAttributes;
      runs.push({
        workflowId: run.workflowId,
        type: run.type,
        status: run.status.name,
        startTime: run.startTime.toISOString(),
        pipeline: attributes.get(PIPELINE),
        businessDate: attributes.get(BUSINESS_DATE),
        url: workflowUrl(env, run.workflowId, run.runId),
      });
    }
    emit(globals, runs, () => runs.map((run) => `${run.startTime}  ${run.status!.padEnd(10)} ${run.workflowId}`));
    return EXIT.ok;
  });
}

export function statusCommand(globals: () => GlobalOptions): Command {
  return new Command('status')
    .description('Latest runs, newest first (filter by pipeline and business date)')
    .option('--pipeline <name>', 'e.g. daily-pipeline, migration, golden-record')
    .option('--date <yyyy-mm-dd>', 'business date')
    .option('--limit <n>', 'at most this many runs', '20')
    .action(async (options) => void (process.exitCode = await recentRuns(options, globals())));
}
