import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../common/env';
import { ViewsConfigError } from '../../workflows/golden-record/errors';
import { parseViewsConfig, type ViewConfig } from '../../workflows/golden-record/views-config';

/** The golden-record views: v_dvd_rental's three materialized views over dvd_rental. */
export const GOLDEN_RECORD_VIEWS_CONFIG = path.join(REPO_ROOT, 'config', 'golden-record.json');

/** Reads and validates a views config file; every error names the file. */
export async function readViewsConfigFile(file: string): Promise<ViewConfig[]> {
  let json: unknown;
  try {
    json = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ViewsConfigError(`${file}: cannot read the views config: ${(error as Error).message}`);
  }
  return parseViewsConfig(json, file);
}
