import fs from 'node:fs';
import path from 'node:path';
import type { Env } from '../../common/env';
import { loadSource, type SourceData } from '../../dataset/load-source';
import { adminUrl } from '../../stack/postgres';
import { freshDatabase, testEnv } from './stack';

/** The seed's archive when this machine has it (CI does), else synthetic data of the same shape. */
export const ARCHIVE_PATH =
  process.env.DVDRENTAL_ARCHIVE ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'datasets', 'dvdrental.tar');
export const HAVE_ARCHIVE = fs.existsSync(ARCHIVE_PATH);

export const DVD_RENTAL_DATA: SourceData = HAVE_ARCHIVE
  ? { kind: 'archive', archivePath: ARCHIVE_PATH }
  : { kind: 'synthetic', scale: 1, seed: 42 };

/** The test stack's env with the source and target pointed at databases of their own. */
export function envWithDatabases(databases: { source: string; target: string }): Env {
  const env = testEnv();
  return {
    ...env,
    SOURCE_DATABASE_URL: adminUrl(env, databases.source),
    TARGET_DATABASE_URL: adminUrl(env, databases.target),
  };
}

/** Fresh source (loaded with dvd_rental) and target (empty) databases. */
export async function freshDvdRentalPair(databases: { source: string; target: string }): Promise<Env> {
  for (const name of [databases.source, databases.target]) await (await freshDatabase(name)).end();
  const env = envWithDatabases(databases);
  await loadSource(env, DVD_RENTAL_DATA);
  return env;
}
