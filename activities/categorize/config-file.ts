import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../common/env';
import { parseCategorizeConfig, type CategorizeConfig } from '../../workflows/categorize/config';
import { CategorizeConfigError } from '../../workflows/categorize/errors';

/** The seed's segmentation: 4 groups over the five features, unscaled, accepted at a silhouette of 0.5. */
export const CATEGORIZE_CONFIG = path.join(REPO_ROOT, 'config', 'categorize.json');

/** Reads and validates a categorize config file; every error names the file. */
export async function readCategorizeConfigFile(file: string): Promise<CategorizeConfig> {
  let json: unknown;
  try {
    json = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CategorizeConfigError(`${file}: cannot read the categorize config: ${(error as Error).message}`);
  }
  return parseCategorizeConfig(json, file);
}
