import { defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { GeocodingActivities } from '../../activities/geocoding';
import { extraTaskQueue } from '../shared/names';
import { parseInput } from '../shared/parse-input';
import { heartbeatingActivity } from '../shared/heartbeat';
import { connectionRetry } from '../shared/retry';
import { GEOCODING_NON_RETRYABLE } from './errors';
import {
  geocodingInputSchema,
  summarize,
  type CityToGeocode,
  type GeocodeOutcome,
  type GeocodingInput,
  type GeocodingProgress,
  type GeocodingResult,
  type ProviderName,
  unusableName,
} from './types';

/** The suffix of the task queue Nominatim's activities run on (rate-limited for every worker at once). */
export const NOMINATIM_QUEUE = 'nominatim';

export const geocodingProgressQuery = defineQuery<GeocodingProgress>('geocodingProgress');

const RETRY = connectionRetry(GEOCODING_NON_RETRYABLE);

const db = proxyActivities<GeocodingActivities>({ startToCloseTimeout: '10 minutes', retry: RETRY });

const offline = proxyActivities<GeocodingActivities>(
  heartbeatingActivity({ startToCloseTimeout: '1 hour', retry: RETRY }),
);

/**
 * One city per activity: each request (and each retry of it) is a task the queue's rate limit spaces out.
 * It heartbeats while it waits for its turn and its answer, so a city lost with a killed worker is asked
 * again within the heartbeat timeout (cities already answered are not: their activities are done).
 */
function nominatimActivities(maxAttempts: number) {
  return proxyActivities<GeocodingActivities>({
    taskQueue: extraTaskQueue(workflowInfo().taskQueue, NOMINATIM_QUEUE),
    ...heartbeatingActivity({
      startToCloseTimeout: '2 minutes',
      retry: { ...RETRY, initialInterval: '2 seconds', maximumAttempts: maxAttempts },
    }),
  });
}

async function askNominatim(input: GeocodingInput, cities: CityToGeocode[]): Promise<GeocodeOutcome[]> {
  const { geocodingNominatim } = nominatimActivities(input.nominatim.maxAttempts);
  const outcomes: GeocodeOutcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < cities.length) {
      const city = cities[next++]!;
      outcomes.push(
        await geocodingNominatim({ city, settings: input.nominatim, retryDelayHours: input.retryDelayHours }),
      );
    }
  };
  await Promise.all(Array.from({ length: input.nominatim.concurrency }, lane));
  return outcomes;
}

async function geocodeWith(provider: ProviderName, input: GeocodingInput, cities: CityToGeocode[]) {
  if (cities.length === 0) return [];
  if (provider === 'offline')
    return offline.geocodingOffline({ cities, fuzzyMinPopulation: input.offline.fuzzyMinPopulation });
  // a dry run asks nobody: the cities are listed as what would be asked
  if (input.dryRun)
    return cities.map((city): GeocodeOutcome => ({ ...city, status: 'not_found', providers: [provider] }));
  return askNominatim(input, cities);
}

/**
 * Coordinates for the cities that have none (and those not found whose retry delay has passed): each
 * provider of the chain gets what the ones before it did not find; everything is saved in one transaction.
 */
export async function geocodingWorkflow(raw: GeocodingInput): Promise<GeocodingResult> {
  const input = parseInput(geocodingInputSchema, raw, 'geocoding');
  const progress: GeocodingProgress = { stage: 'selecting', selected: 0, found: 0, notFound: 0 };
  setHandler(geocodingProgressQuery, () => progress);

  await db.geocodingPrepareSchema();
  const cities = await db.geocodingSelectCities({ limit: input.limit, retryDelayHours: input.retryDelayHours });
  progress.selected = cities.length;
  progress.stage = 'geocoding';
  const found: GeocodeOutcome[] = [];
  // (cities with unusable names are asked of no provider: they end below as not found, with no provider tried)
  let remaining = cities.filter((city) => !unusableName(city));
  for (const provider of input.providers) {
    progress.provider = provider;
    const outcomes = await geocodeWith(provider, input, remaining);
    found.push(...outcomes.filter((outcome) => outcome.status === 'found'));
    const missed = new Set(outcomes.filter((outcome) => outcome.status === 'not_found').map((c) => c.cityId));
    remaining = remaining.filter((city) => missed.has(city.cityId));
    progress.found = found.length;
  }
  const unusable = new Set(cities.filter((city) => unusableName(city)).map((city) => city.cityId));
  const notFound = [
    ...remaining.map((city): GeocodeOutcome => ({ ...city, status: 'not_found', providers: input.providers })),
    ...cities
      .filter((city) => unusable.has(city.cityId))
      .map((city): GeocodeOutcome => ({ ...city, status: 'not_found', providers: [] })),
  ];
  progress.notFound = notFound.length;
  const outcomes = [...found, ...notFound];
  progress.stage = 'saving';
  const saved = input.dryRun || outcomes.length === 0 ? 0 : (await db.geocodingSave({ outcomes })).saved;
  progress.stage = 'done';
  return summarize(outcomes, saved, input.dryRun ?? false);
}
