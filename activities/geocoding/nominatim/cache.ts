// geocoding.nominatim_cache: every question put to Nominatim and its answer, so that no city is asked twice.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { CityToGeocode } from '../../../workflows/geocoding/types';
import type { NominatimPlace } from './client';

/** The cache key: the query as sent (city and country, as the dump spells them). */
export const queryKey = (city: CityToGeocode): string => `${city.city}\u001f${city.country}`;

export type CachedAnswer = { found: true; place: NominatimPlace } | { found: false };

/** The stored answer still valid: any found place; a not-found answer younger than the retry delay. */
export async function cachedAnswer(target: pg.Pool, city: CityToGeocode, retryDelayHours: number) {
  const { rows } = await target.query<{
    found: boolean;
    latitude: string | null;
    longitude: string | null;
    osm_id: string | null;
    display_name: string | null;
  }>(
    `select found, latitude, longitude, osm_id, display_name from geocoding.nominatim_cache
      where query = $1 and (found or asked_at > now() - make_interval(secs => $2 * 3600))`,
    [queryKey(city), retryDelayHours],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (!row.found) return { found: false } satisfies CachedAnswer;
  const displayName = row.display_name ?? '';
  const place: NominatimPlace = {
    latitude: Number(row.latitude),
    longitude: Number(row.longitude),
    ...(row.osm_id && { osmId: row.osm_id }),
    name: displayName.split(',')[0]?.trim() ?? '',
    displayName,
  };
  return { found: true, place } satisfies CachedAnswer;
}

export async function storeAnswer(target: pg.Pool, city: CityToGeocode, place: NominatimPlace | undefined) {
  await target.query(
    `insert into geocoding.nominatim_cache (query, asked_at, found, latitude, longitude, osm_id, display_name)
     values ($1, now(), $2, $3, $4, $5, $6)
     on conflict (query) do update set asked_at = excluded.asked_at, found = excluded.found,
       latitude = excluded.latitude, longitude = excluded.longitude, osm_id = excluded.osm_id,
       display_name = excluded.display_name`,
    [queryKey(city), place !== undefined, place?.latitude, place?.longitude, place?.osmId, place?.displayName],
  );
}

/**
 * Sends one request in this worker's turn: at least `minIntervalMs` after the previous request of any
 * worker was answered. The turn row stays locked while waiting and while the request is out, and its time
 * is taken after the answer, so a worker that is slow to send cannot close the gap to the next one.
 */
export async function inTurn<T>(
  target: pg.Pool,
  minIntervalMs: number,
  request: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const client = await target.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ wait_ms: number }>(
      `select greatest(0, extract(epoch from last_request_at + make_interval(secs => $1 / 1000.0) - clock_timestamp()) * 1000)::float8 wait_ms
         from geocoding.nominatim_turn for update`,
      [minIntervalMs],
    );
    const waitMs = rows[0]?.wait_ms ?? 0;
    if (waitMs > 0) await sleep(Math.ceil(waitMs), undefined, { signal });
    // the turn is used even when the request fails (a 429 counts against the limit too)
    const answer = await request().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await client.query('update geocoding.nominatim_turn set last_request_at = clock_timestamp()');
    await client.query('commit');
    if ('error' in answer) throw answer.error;
    return answer.value;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
