import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../common/env';
import { parseDailyActivityConfig, type DailyActivityConfig } from '../../workflows/daily-activity/config';
import { ActivityConfigError } from '../../workflows/daily-activity/errors';

export const DAILY_ACTIVITY_CONFIG = path.join(REPO_ROOT, 'config', 'daily-activity.json');

/** Reads and validates a daily-activity config file; every error names the file. */
export async function readDailyActivityConfigFile(file: string): Promise<DailyActivityConfig> {
  let json: unknown;
  try {
    json = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ActivityConfigError(`${file}: cannot read the daily activity config: ${(error as Error).message}`);
  }
  return parseDailyActivityConfig(json, file);
}
