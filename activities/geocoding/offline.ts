// The offline provider: each city matched against the worker's gazetteer, in order; progress reported
// every few cities so that a retried attempt goes on from there.
import type { CityToGeocode, GeocodeOutcome } from '../../workflows/geocoding/types';
import type { Gazetteer } from './gazetteer/gazetteer';
import { LOW_CONFIDENCE } from './gazetteer/match';

/** Where an attempt got to: the next city's position and the outcomes before it. */
export interface OfflineProgress {
  next: number;
  outcomes: GeocodeOutcome[];
}

export interface GeocodeOfflineOptions {
  cities: readonly CityToGeocode[];
  fuzzyMinPopulation: number;
  gazetteer: Gazetteer;
  resume?: OfflineProgress;
  onProgress?: (progress: OfflineProgress) => void;
  signal?: AbortSignal;
  /** Cities between two progress reports. */
  every?: number;
}

async function geocodeOne(gazetteer: Gazetteer, city: CityToGeocode, fuzzyMinPopulation: number) {
  const match = await gazetteer.match(city.city, city.country, { fuzzyMinPopulation });
  if (!match) return { ...city, status: 'not_found', providers: ['offline'] } satisfies GeocodeOutcome;
  return {
    ...city,
    status: 'found',
    provider: 'offline',
    latitude: match.place.latitude,
    longitude: match.place.longitude,
    matchedName: match.place.name,
    countryCode: match.place.country,
    ...(match.place.id > 0 && { geonamesId: match.place.id }),
    confidence: match.confidence,
    lowConfidence: match.confidence === 'fallback' || LOW_CONFIDENCE.has(match.confidence),
  } satisfies GeocodeOutcome;
}

/** Every city's outcome, in the order given (a resumed call keeps the earlier attempt's outcomes). */
export async function geocodeOffline(options: GeocodeOfflineOptions): Promise<GeocodeOutcome[]> {
  const { cities, gazetteer, signal, every = 25 } = options;
  await gazetteer.prepare(
    cities.map((city) => city.country),
    signal,
  );
  const outcomes = [...(options.resume?.outcomes ?? [])];
  for (let next = options.resume?.next ?? 0; next < cities.length;) {
    signal?.throwIfAborted();
    outcomes.push(await geocodeOne(gazetteer, cities[next]!, options.fuzzyMinPopulation));
    next++;
    if (next % every === 0 || next === cities.length) options.onProgress?.({ next, outcomes });
  }
  return outcomes;
}
