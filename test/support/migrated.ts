import pg from 'pg';
import type { Env } from '../../common/env';
import { copyTable } from '../../activities/migration/copy-table';
import { finishTargetSchema, prepareTargetSchema } from '../../activities/migration/target-schema';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../migration/config-file';
import { planMigration } from '../../migration/plan';
import { freshDvdRentalPair } from './dvdrental';

/**
 * Fresh source and target databases with dvd_rental migrated into the target's schema `dvd_rental`,
 * by the migration's own functions (no workflow: features downstream of the migration start here).
 */
export async function freshMigratedPair(databases: { source: string; target: string }): Promise<Env> {
  const env = await freshDvdRentalPair(databases);
  const source = new pg.Pool({ connectionString: env.SOURCE_DATABASE_URL, max: 2 });
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  try {
    const tables = await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG);
    await prepareTargetSchema({ source, target, tables });
    for (const name of planMigration(tables).order) {
      const table = tables.find((t) => t.name === name)!;
      await copyTable({ source, target, table, mode: 'full', deletes: 'delete' });
    }
    await finishTargetSchema({ source, target, tables });
    return env;
  } finally {
    await source.end();
    await target.end();
  }
}
