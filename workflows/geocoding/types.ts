// Geocoding's contract: config and input schemas (types by z.infer), the cities and what became of them.
// Pure: workflows, activities and clients share it.
import { z } from 'zod';

export const PROVIDERS = ['offline', 'nominatim'] as const;
export const providerSchema = z.enum(PROVIDERS);
export type ProviderName = z.infer<typeof providerSchema>;

export const nominatimSettingsSchema = z.strictObject({
  /** A self-hosted instance works too: its search endpoint is `<baseUrl>/search`. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Nominatim's usage policy asks for one that identifies the application. */
  userAgent: z.string().trim().min(8, 'must identify this application (Nominatim usage policy)'),
  /** Sent as `email=` (the policy's contact for heavy users); optional. */
  email: z.email().optional(),
  /**
   * Least time between two requests of all workers together (the public instance's policy: 1 per second;
   * the margin covers the time from a worker's turn to its request reaching the server).
   */
  minIntervalMs: z.number().int().min(0),
  /** Per request. */
  timeoutMs: z.number().int().min(100).max(120_000),
  /** Attempts per city (a 429 or 5xx is retried, honouring Retry-After). */
  maxAttempts: z.number().int().min(1).max(20),
  /** Cities asked at once (the task queue's rate limit still spaces the requests a second apart). */
  concurrency: z.number().int().min(1).max(16),
});
export type NominatimSettings = z.infer<typeof nominatimSettingsSchema>;

/** config/geocoding.json. */
export const geocodingConfigSchema = z.strictObject({
  /** Tried in order: each one gets the cities the ones before it did not find. */
  providers: z
    .array(providerSchema)
    .min(1, 'name at least one provider')
    .refine((list) => new Set(list).size === list.length, 'names a provider twice'),
  /** A city no provider found is tried again after this many hours. */
  retryDelayHours: z.number().min(0),
  /** Cities per run at most. */
  limit: z.number().int().min(1).max(20_000),
  offline: z.strictObject({
    /** Places below this population are not fuzzy-matched. */
    fuzzyMinPopulation: z.number().int().min(0),
  }),
  nominatim: nominatimSettingsSchema,
});
export type GeocodingConfig = z.infer<typeof geocodingConfigSchema>;

export const geocodingInputSchema = geocodingConfigSchema.extend({
  /** What would be asked and found; nothing is written (Nominatim is not asked either). */
  dryRun: z.boolean().optional(),
});
export type GeocodingInput = z.infer<typeof geocodingInputSchema>;

export interface CityToGeocode {
  cityId: number;
  city: string;
  country: string;
}

export interface FoundCity extends CityToGeocode {
  status: 'found';
  provider: ProviderName;
  latitude: number;
  longitude: number;
  matchedName: string;
  /** The matched place's ISO country code, when the provider says. */
  countryCode?: string;
  geonamesId?: number;
  osmId?: string;
  confidence: string;
  /** The last stages of the cascade, a fallback without population: for a person to review. */
  lowConfidence: boolean;
}

export interface NotFoundCity extends CityToGeocode {
  status: 'not_found';
  /** The providers tried, in order. */
  providers: ProviderName[];
}

export type GeocodeOutcome = FoundCity | NotFoundCity;

export type GeocodingStage = 'selecting' | 'geocoding' | 'saving' | 'done';

export interface GeocodingProgress {
  stage: GeocodingStage;
  provider?: ProviderName;
  selected: number;
  found: number;
  notFound: number;
}

const label = (city: CityToGeocode) => `${city.city} (${city.country})`;

/** dvd_rental's longest city name has 26 characters: one far longer is not a place's name. */
export const MAX_CITY_NAME_LENGTH = 100;

/**
 * Why a city's name cannot be asked for (empty, too long, no letter, control characters), or undefined. Such a
 * city is asked of no provider (Nominatim refuses an empty query with a 400, which would fail the whole run): it
 * is saved as not found, tried again after the retry delay, and listed in the result's `unusableNames`.
 */
export function unusableName({ city }: CityToGeocode): string | undefined {
  const name = city.trim();
  if (name === '') return 'empty name';
  if (name.length > MAX_CITY_NAME_LENGTH) return `name of ${name.length} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control characters in the name';
  if (!/\p{L}/u.test(name)) return 'no letter in the name';
  return undefined;
}

/** A city in a message: its id, and its name cut to 40 characters. */
const shortLabel = (city: CityToGeocode) =>
  `city_id ${city.cityId} ${JSON.stringify(city.city.length > 40 ? `${city.city.slice(0, 37)}...` : city.city)}`;

export interface GeocodingResult {
  dryRun: boolean;
  selected: number;
  /** Cities updated in dvd_rental.city (0 in a dry run). */
  saved: number;
  found: string[];
  notFound: string[];
  /** Found, for review: `name (country) -> matched place [confidence]`. */
  lowConfidence: string[];
  /** Cities by the provider that found them. */
  byProvider: Partial<Record<ProviderName, number>>;
  /** Not found because their name cannot be asked for: `city_id 7 "": empty name` (also in notFound). */
  unusableNames: string[];
}

/** The run's result from its outcomes: every city by name, in one of found / not found. */
export function summarize(outcomes: readonly GeocodeOutcome[], saved: number, dryRun: boolean): GeocodingResult {
  const found = outcomes.filter((outcome): outcome is FoundCity => outcome.status === 'found');
  const byProvider: Partial<Record<ProviderName, number>> = {};
  for (const city of found) byProvider[city.provider] = (byProvider[city.provider] ?? 0) + 1;
  return {
    dryRun,
    selected: outcomes.length,
    saved,
    found: found.map(label),
    notFound: outcomes.filter((outcome) => outcome.status === 'not_found').map(label),
    lowConfidence: found
      .filter((city) => city.lowConfidence)
      .map((city) => `${label(city)} -> ${city.matchedName} [${city.confidence}]`),
    byProvider,
    unusableNames: outcomes.flatMap((outcome) => {
      const problem = outcome.status === 'not_found' ? unusableName(outcome) : undefined;
      return problem ? [`${shortLabel(outcome)}: ${problem}`] : [];
    }),
  };
}
