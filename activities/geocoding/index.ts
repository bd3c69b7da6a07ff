import { Context } from '@temporalio/activity';
import type { CityToGeocode, GeocodeOutcome, NominatimSettings } from '../../workflows/geocoding/types';
import { withKeepAlive } from '../../common/heartbeat';
import type { ActivityDeps } from '../deps';
import { prepareSchema, saveOutcomes, selectCities } from './city-table';
import { workerGazetteer, type Gazetteer } from './gazetteer/gazetteer';
import { geocodeWithNominatim } from './nominatim/geocode';
import { geocodeOffline, type OfflineProgress } from './offline';

export function geocodingActivities({ targetPg }: ActivityDeps, gazetteer: Gazetteer = workerGazetteer()) {
  return {
    /** Geocoding's columns on dvd_rental.city and its cache table, where missing (idempotent). */
    geocodingPrepareSchema() {
      return prepareSchema(targetPg);
    },

    /** Cities without coordinates: never tried, or not found longer ago than the retry delay. */
    geocodingSelectCities(input: { limit: number; retryDelayHours: number }) {
      return selectCities(targetPg, input);
    },

    /**
     * Matches the cities against the offline gazetteer (GeoNames). Heartbeats its position and outcomes;
     * a retried attempt goes on from there. Reads only: the outcomes are saved by geocodingSave.
     */
    geocodingOffline({ cities, fuzzyMinPopulation }: { cities: CityToGeocode[]; fuzzyMinPopulation: number }) {
      const context = Context.current();
      return withKeepAlive<OfflineProgress, GeocodeOutcome[]>((beat) =>
        geocodeOffline({
          cities,
          fuzzyMinPopulation,
          gazetteer,
          resume: context.info.heartbeatDetails as OfflineProgress | undefined,
          onProgress: beat,
          signal: context.cancellationSignal,
        }),
      );
    },

    /** One city asked of Nominatim, unless the cache has its answer; runs on the rate-limited task queue. */
    geocodingNominatim(input: { city: CityToGeocode; settings: NominatimSettings; retryDelayHours: number }) {
      const signal = Context.current().cancellationSignal;
      return withKeepAlive(() => geocodeWithNominatim({ target: targetPg, ...input, signal }));
    },

    /** Every outcome into dvd_rental.city in one transaction (temp table, COPY, UPDATE): all or nothing. */
    geocodingSave({ outcomes }: { outcomes: GeocodeOutcome[] }) {
      return saveOutcomes(targetPg, outcomes);
    },
  };
}

export type GeocodingActivities = ReturnType<typeof geocodingActivities>;
