import type { Env } from '../../common/env';
import { migrateInProcess } from '../../activities/migration/migrate-in-process';
import { freshDvdRentalPair } from './dvdrental';

/**
 * Fresh source and target databases with dvd_rental migrated into the target's schema `dvd_rental`,
 * by the migration's own functions (no workflow: features downstream of the migration start here).
 */
export async function freshMigratedPair(databases: { source: string; target: string }): Promise<Env> {
  const env = await freshDvdRentalPair(databases);
  await migrateInProcess(env);
  return env;
}
