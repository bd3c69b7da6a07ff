import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Command, Option } from 'commander';
import type { Db } from 'mongodb';
import type { CommandContext } from '../../common/pipeline';
import { openResources } from '../../common/resources';
import { businessDate } from '../../common/temporal-client';
import { CATEGORIZE_CONFIG, readCategorizeConfigFile } from '../../activities/categorize/config-file';
import { configHash } from '../../activities/categorize/model';
import { latestModel, type SavedModel } from '../../activities/categorize/registry';
import { renderSvg, reportPoints, reportSpec } from '../../activities/categorize/report';
import { FEATURES, type CategorizeConfig, type Feature } from '../../workflows/categorize/config';
import { describeScore } from '../../workflows/categorize/plan';
import { DEFAULT_ASSIGN_BATCH_SIZE, type CategorizeResult } from '../../workflows/categorize/types';
import { categorizeStatusQuery, categorizeWorkflow } from '../../workflows';
import { positiveInt, readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { CliError, EXIT } from '../errors';
import { emit, type GlobalOptions } from '../output';
import { outcomeOf } from '../runs';
import { startAndFollow } from '../start';

export const CATEGORIZE = 'categorize';

/** The stage of a categorize run in one line (the daily command shows it for its categorize step). */
export async function categorizeProgressLine(client: Client, workflowId: string): Promise<string> {
  const status = await client.workflow.getHandle(workflowId).query(categorizeStatusQuery);
  return status.version ? `${status.stage} (model v${status.version})` : status.stage;
}

const configName = (file: string) => path.basename(file, path.extname(file));

async function run(options: { config: string; date?: string; batchSize: number }, globals: GlobalOptions) {
  const env = cliEnv();
  const config = await readConfig(readCategorizeConfigFile(options.config));
  const date = options.date ?? businessDate();
  const name = configName(options.config);
  const workflowId = `${CATEGORIZE}-${name}-${date}`;
  return withClient(env, async (client) => {
    const handle = await startAndFollow(
      env,
      client,
      {
        workflow: categorizeWorkflow,
        workflowId,
        input: { configName: name, config, batchSize: options.batchSize },
        labels: { pipeline: CATEGORIZE, config: name, businessDate: date },
        progress: async () => [{ id: CATEGORIZE, state: await categorizeProgressLine(client, workflowId) }],
      },
      globals,
    );
    const outcome = await outcomeOf<CategorizeResult>(env, handle);
    const result = outcome.result;
    emit(globals, outcome, () => [
      `${workflowId}: ${outcome.ok ? 'succeeded' : 'failed'}`,
      ...(result
        ? [
            `model v${result.model.version} ${result.decision}: ${result.reason}`,
            `customers ${result.assignment.customers} (${result.assignment.withoutRentals ?? 0} without rentals), written ${result.assignment.changed}, unchanged ${result.assignment.unchanged}`,
            ...Object.entries(result.assignment.sizes).map(([label, size]) => `  ${label.padEnd(10)} ${size}`),
          ]
        : []),
      `Web UI: ${outcome.url}`,
    ]);
    if (!outcome.ok && !globals.json) console.error(`error: ${outcome.error}`);
    return outcome.ok ? EXIT.ok : EXIT.runFailed;
  });
}

/** The config's newest saved model, with the golden records at hand (the connections come from the environment). */
async function withModel<T>(
  file: string,
  fn: (model: SavedModel, config: CategorizeConfig, mongo: Db) => Promise<T>,
): Promise<T> {
  const config = await readConfig(readCategorizeConfigFile(file));
  const resources = await openResources(cliEnv());
  try {
    const model = await latestModel(resources.targetPg, configHash(config)).catch((error: Error) => {
      throw new CliError(`cannot read the model registry (categorize.model): ${error.message}`, EXIT.runFailed);
    });
    if (!model) throw new CliError(`no model saved for ${file}: run "categorize run" first`, EXIT.runFailed);
    return await fn(model, config, resources.mongo);
  } finally {
    await resources.close();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

function modelLines(model: SavedModel): string[] {
  return [
    `model v${model.version} (config ${model.configName}, hash ${model.configHash}), trained ${model.trainedAt}`,
    `  silhouette ${describeScore(model.silhouette)}, ${model.scaler.kind} scaling; ${model.reason}`,
    `  data as of ${model.dataSnapshotAt ?? 'unknown'}; centroids in original units:`,
    `  ${'segment'.padEnd(10)} ${'size'.padStart(5)}  ${model.features.map((feature) => feature.padStart(24)).join('')}`,
    ...model.labels.map(
      (label, g) =>
        `  ${label.name.padEnd(10)} ${String(model.sizes[g]).padStart(5)}  ${model.centroids[g]!.map((value) => String(round(value)).padStart(24)).join('')}`,
    ),
  ];
}

async function showModel(options: { config: string }, globals: GlobalOptions) {
  return withModel(options.config, async (model) => {
    emit(globals, model, () => modelLines(model));
    return EXIT.ok;
  });
}

interface ReportOptions {
  config: string;
  svg: string;
  x: Feature;
  y: Feature;
}

async function report(options: ReportOptions, globals: GlobalOptions) {
  return withModel(options.config, async (model, _config, mongo) => {
    for (const feature of [options.x, options.y])
      if (!model.features.includes(feature))
        throw new CliError(`model v${model.version} does not use ${feature}: choose from ${model.features.join(', ')}`);
    const points = await reportPoints(mongo, options.x, options.y);
    await writeFile(options.svg, await renderSvg(reportSpec(model, points, options.x, options.y)));
    emit(globals, { svg: options.svg, version: model.version, customers: points.length }, () => [
      `wrote ${options.svg}: ${points.length} customers of model v${model.version}, ${options.x} by ${options.y}`,
    ]);
    return EXIT.ok;
  });
}

const featureOption = (flag: string, description: string, fallback: Feature) =>
  new Option(flag, description).choices(FEATURES).default(fallback);

export function categorizeCommand({ globals }: Pick<CommandContext, 'globals'>): Command {
  const command = new Command(CATEGORIZE).description(
    'Customer segments: k-means over golden-record features, written into CustomersGoldenRecord',
  );
  const configOption = () => new Option('--config <file>', 'categorize config').default(CATEGORIZE_CONFIG);
  command
    .command('run')
    .description('Reuse or retrain the model, then write every customer category; follow the run')
    .addOption(configOption())
    .option('--date <yyyy-mm-dd>', 'business date (part of the workflow id)')
    .option('--batch-size <n>', 'golden records per batch', positiveInt, DEFAULT_ASSIGN_BATCH_SIZE)
    .action(async (options) => void (process.exitCode = await run(options, globals())));
  command
    .command('model')
    .description("The config's current model: centroids in original units, group sizes, silhouette")
    .addOption(configOption())
    .action(async (options) => void (process.exitCode = await showModel(options, globals())));
  command
    .command('report')
    .description('A scatter plot of the customers by two features, coloured by segment, with the centroids')
    .requiredOption('--svg <file>', 'where to write the SVG')
    .addOption(featureOption('--x <feature>', 'horizontal axis', 'lifetime_value'))
    .addOption(featureOption('--y <feature>', 'vertical axis', 'total_rental_count'))
    .addOption(configOption())
    .action(async (options: ReportOptions) => void (process.exitCode = await report(options, globals())));
  return command;
}
