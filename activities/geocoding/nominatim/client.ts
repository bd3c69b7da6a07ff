// A Nominatim search client (https://nominatim.org/release-docs/latest/api/Search/): one structured query
// per city, identifying User-Agent, per-request timeout. Retries are Temporal's (each one a rate-limited
// task): a 429 or 5xx throws a retryable failure that carries the server's Retry-After.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { NominatimRejected } from '../../../workflows/geocoding/errors';
import type { CityToGeocode, NominatimSettings } from '../../../workflows/geocoding/types';

const placeSchema = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lon: z.coerce.number().min(-180).max(180),
  osm_type: z.string().optional(),
  osm_id: z.union([z.number(), z.string()]).optional(),
  name: z.string().optional(),
  display_name: z.string(),
});
const answerSchema = z.array(placeSchema);

export interface NominatimPlace {
  latitude: number;
  longitude: number;
  osmId?: string;
  name: string;
  displayName: string;
}

/** The request's URL: `<baseUrl>/search?city=..&country=..&format=jsonv2&limit=1`. */
export function searchUrl(settings: NominatimSettings, city: CityToGeocode): URL {
  const url = new URL('search', settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`);
  url.search = new URLSearchParams({
    city: city.city,
    country: city.country,
    format: 'jsonv2',
    limit: '1',
    ...(settings.email && { email: settings.email }),
  }).toString();
  return url;
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function unavailable(where: string, status: number, retryAfter: number | undefined): ApplicationFailure {
  return ApplicationFailure.create({
    message: `${where}: HTTP ${status}${retryAfter === undefined ? '' : `, retry after ${retryAfter} ms`}`,
    type: 'NominatimUnavailable',
    nextRetryDelay: retryAfter,
  });
}

/** The best place Nominatim has for the city, or undefined when it has none. */
export async function searchCity(
  settings: NominatimSettings,
  city: CityToGeocode,
  signal?: AbortSignal,
): Promise<NominatimPlace | undefined> {
  const url = searchUrl(settings, city);
  const where = `Nominatim ${url.origin}${url.pathname} for ${city.city} (${city.country})`;
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const response = await fetch(url, {
    headers: { 'User-Agent': settings.userAgent, Accept: 'application/json' },
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  if (response.status === 429 || response.status >= 500)
    throw unavailable(where, response.status, retryAfterMs(response.headers.get('retry-after')));
  if (!response.ok) throw new NominatimRejected(`${where}: HTTP ${response.status} ${await response.text()}`);
  const parsed = answerSchema.safeParse(await response.json());
  if (!parsed.success) throw new NominatimRejected(`${where}: not a Nominatim search answer: ${parsed.error.message}`);
  const place = parsed.data[0];
  if (!place) return undefined;
  return {
    latitude: place.lat,
    longitude: place.lon,
    ...(place.osm_type && place.osm_id !== undefined && { osmId: `${place.osm_type}/${place.osm_id}` }),
    name: place.name || place.display_name.split(',')[0]!.trim(),
    displayName: place.display_name,
  };
}
