// Geocoding's side of the target database: its schema (sql/geocoding/schema.sql), the cities to geocode,
// and the one transaction that saves a run's outcomes. Plain functions: the activities wrap them.
import { readFile } from 'node:fs/promises';
import type { CheckedCity } from './gazetteer/cross-check';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { REPO_ROOT } from '../../common/env';
import { inTransaction } from '../../common/transaction';
import { line, text } from '../../dataset/generator/format';
import { isDataError } from '../migration/table-data-error';
import { GeocodingDataError } from '../../workflows/geocoding/errors';
import type { CityToGeocode, GeocodeOutcome } from '../../workflows/geocoding/types';

const SCHEMA_FILE = path.join(REPO_ROOT, 'sql', 'geocoding', 'schema.sql');

/** Creates geocoding's columns and cache table where missing (idempotent). */
export async function prepareSchema(target: pg.Pool): Promise<void> {
  const sql = await readFile(SCHEMA_FILE, 'utf8');
  try {
    await inTransaction(target, (client) => client.query(sql));
  } catch (error) {
    if ((error as pg.DatabaseError).code === '42P01')
      throw new GeocodingDataError(
        `${SCHEMA_FILE}: dvd_rental.city does not exist in the target: run the migration first`,
      );
    throw error;
  }
}

/**
 * Cities without coordinates, in city_id order: never tried, or not found longer ago than the retry delay.
 */
export async function selectCities(
  target: pg.Pool,
  { limit, retryDelayHours }: { limit: number; retryDelayHours: number },
): Promise<CityToGeocode[]> {
  const { rows } = await target.query<{ city_id: number; city: string; country: string }>(
    `select ci.city_id, ci.city, co.country
       from dvd_rental.city ci join dvd_rental.country co using (country_id)
      where ci.latitude is null
        and (ci.geocode_last_tried_at is null or ci.geocode_last_tried_at <= now() - make_interval(secs => $2 * 3600))
      order by ci.city_id
      limit $1`,
    [limit, retryDelayHours],
  );
  return rows.map((row) => ({ cityId: row.city_id, city: row.city, country: row.country }));
}

const COLUMNS = [
  'city_id',
  'found',
  'latitude',
  'longitude',
  'provider',
  'matched_name',
  'geonames_id',
  'osm_id',
  'confidence',
];

function copyLine(outcome: GeocodeOutcome): string {
  const found = outcome.status === 'found' ? outcome : undefined;
  return line([
    outcome.cityId,
    found ? 't' : 'f',
    found ? String(found.latitude) : text(null),
    found ? String(found.longitude) : text(null),
    text(found?.provider ?? null),
    text(found?.matchedName ?? null),
    found?.geonamesId === undefined ? text(null) : String(found.geonamesId),
    text(found?.osmId ?? null),
    text(found?.confidence ?? null),
  ]);
}

/**
 * Saves every outcome in one transaction, as the seed did: a temp table, COPY into it, one UPDATE of
 * dvd_rental.city from it. Found cities get their coordinates and how they were resolved; cities not found
 * get the time they were tried. Any error (a row a constraint refuses) rolls everything back.
 */
export async function saveOutcomes(target: pg.Pool, outcomes: readonly GeocodeOutcome[]): Promise<{ saved: number }> {
  try {
    return await inTransaction(target, async (client) => {
      await client.query(
        `create temporary table geocoded (city_id integer primary key, found boolean not null,
           latitude numeric(9,6), longitude numeric(9,6), provider text, matched_name text, geonames_id bigint,
           osm_id text, confidence text) on commit drop`,
      );
      const copy = client.query(copyFrom(`copy geocoded (${COLUMNS.join(', ')}) from stdin`));
      await pipeline(Readable.from(outcomes.map(copyLine)), copy);
      const { rowCount } = await client.query(
        `update dvd_rental.city ci
            set latitude = g.latitude, longitude = g.longitude,
                geocoded_at = case when g.found then now() end,
                geocode_provider = g.provider, geocode_matched_name = g.matched_name,
                geonames_id = g.geonames_id, osm_id = g.osm_id, geocode_confidence = g.confidence,
                geocode_last_tried_at = now()
           from geocoded g
          where ci.city_id = g.city_id and ci.latitude is null`,
      );
      return { saved: rowCount ?? 0 };
    });
  } catch (error) {
    if (!isDataError(error)) throw error;
    throw new GeocodingDataError(`saving geocoded cities into dvd_rental.city: ${error.message}`, { cause: error });
  }
}

export interface ReviewRow {
  cityId: number;
  city: string;
  country: string;
  provider: string | null;
  matchedName: string | null;
  confidence: string | null;
  lastTriedAt: Date | null;
}

/** Cities for a person to review: not found yet, and found with one of the given confidences. */
export async function reviewCities(target: pg.Pool, lowConfidences: readonly string[]): Promise<ReviewRow[]> {
  const { rows } = await target.query<ReviewRow>(
    `select ci.city_id "cityId", ci.city, co.country, ci.geocode_provider provider,
            ci.geocode_matched_name "matchedName", ci.geocode_confidence confidence,
            ci.geocode_last_tried_at "lastTriedAt"
       from dvd_rental.city ci join dvd_rental.country co using (country_id)
      where ci.latitude is null or ci.geocode_confidence = any($1)
      order by ci.latitude is not null, co.country, ci.city`,
    [lowConfidences],
  );
  return rows;
}

/** The cities the offline provider placed from GeoNames cities500 (not its fallback), for the cross-check. */
export async function geonamesMatches(target: pg.Pool): Promise<CheckedCity[]> {
  const { rows } = await target.query<CheckedCity>(
    `select ci.city, co.country, ci.geocode_matched_name "matchedName",
            ci.latitude::float8 latitude, ci.longitude::float8 longitude
       from dvd_rental.city ci join dvd_rental.country co using (country_id)
      where ci.geocode_provider = 'offline' and ci.geonames_id is not null and ci.latitude is not null
      order by co.country, ci.city`,
  );
  return rows;
}
