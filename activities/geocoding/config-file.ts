import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../common/env';
import { parseGeocodingConfig } from '../../workflows/geocoding/config';
import { GeocodingConfigError } from '../../workflows/geocoding/errors';
import type { GeocodingConfig } from '../../workflows/geocoding/types';

export const GEOCODING_CONFIG = path.join(REPO_ROOT, 'config', 'geocoding.json');

/** Reads and validates a geocoding config file; every error names the file. */
export async function readGeocodingConfig(file: string = GEOCODING_CONFIG): Promise<GeocodingConfig> {
  let json: unknown;
  try {
    json = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new GeocodingConfigError(`${file}: cannot read the geocoding config: ${(error as Error).message}`);
  }
  return parseGeocodingConfig(json, file);
}
