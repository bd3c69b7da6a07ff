// The Nominatim provider for one city: the cache first, else one request, whose answer is cached.
import type pg from 'pg';
import type { CityToGeocode, GeocodeOutcome, NominatimSettings } from '../../../workflows/geocoding/types';
import { cachedAnswer, inTurn, storeAnswer } from './cache';
import { searchCity, type NominatimPlace } from './client';

function outcomeOf(city: CityToGeocode, place: NominatimPlace | undefined): GeocodeOutcome {
  if (!place) return { ...city, status: 'not_found', providers: ['nominatim'] };
  return {
    ...city,
    status: 'found',
    provider: 'nominatim',
    latitude: place.latitude,
    longitude: place.longitude,
    matchedName: place.name,
    ...(place.osmId && { osmId: place.osmId }),
    confidence: 'nominatim',
    lowConfidence: false,
  };
}

export async function geocodeWithNominatim(options: {
  target: pg.Pool;
  city: CityToGeocode;
  settings: NominatimSettings;
  retryDelayHours: number;
  signal?: AbortSignal;
}): Promise<GeocodeOutcome> {
  const { target, city } = options;
  const cached = await cachedAnswer(target, city, options.retryDelayHours);
  if (cached) return outcomeOf(city, cached.found ? cached.place : undefined);
  const place = await inTurn(
    target,
    options.settings.minIntervalMs,
    () => searchCity(options.settings, city, options.signal),
    options.signal,
  );
  await storeAnswer(target, city, place);
  return outcomeOf(city, place);
}
