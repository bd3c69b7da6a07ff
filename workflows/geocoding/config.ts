// config/geocoding.json parsed and validated. Pure: the CLI and the daily input read it through this.
import { formatIssues } from '../shared/zod-issues';
import { GeocodingConfigError } from './errors';
import { geocodingConfigSchema, type GeocodingConfig } from './types';

/** The config, or a GeocodingConfigError naming the file and every problem. */
export function parseGeocodingConfig(json: unknown, file: string): GeocodingConfig {
  const parsed = geocodingConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new GeocodingConfigError(`${file}: ${formatIssues(parsed.error, { whole: 'config' }).join('; ')}`);
}
