// Shared setup of the geocoding tests: a migrated dvd_rental target with geocoding's schema, and configs.
import pg from 'pg';
import type { Env } from '../../common/env';
import { prepareSchema } from '../../activities/geocoding/city-table';
import { readGeocodingConfig } from '../../activities/geocoding/config-file';
import type { GeocodingInput } from '../../workflows/geocoding/types';
import { copiedMigratedPair } from './migrated-template';

export interface GeocodingTarget {
  env: Env;
  target: pg.Pool;
}

/**
 * Fresh source and target (`geo_<name>_src`, `geo_<name>_tgt`), dvd_rental migrated, geocoding's schema on
 * it: copies of a template the first test file builds.
 */
export async function freshGeocodingTarget(name: string): Promise<GeocodingTarget> {
  const env = await copiedMigratedPair({ source: `geo_${name}_src`, target: `geo_${name}_tgt` }, async (built) => {
    const pool = new pg.Pool({ connectionString: built.TARGET_DATABASE_URL, max: 1 });
    await prepareSchema(pool).finally(() => pool.end());
  });
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 4 });
  await prepareSchema(target);
  return { env, target };
}

/** config/geocoding.json with changes, as a workflow input. */
export async function geocodingInput(change: Partial<GeocodingInput> = {}): Promise<GeocodingInput> {
  return { ...(await readGeocodingConfig()), ...change };
}

export const resolvedCount = async (target: pg.Pool): Promise<number> =>
  (await target.query<{ n: number }>('select count(*)::int n from dvd_rental.city where latitude is not null')).rows[0]!
    .n;
