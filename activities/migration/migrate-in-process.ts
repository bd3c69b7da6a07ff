import type { Env } from '../../common/env';
import { openPool } from '../../common/resources';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from './config-file';
import { planMigration } from '../../workflows/migration/plan';
import { copyTable } from './copy-table';
import { ensureLedger } from './ledger';
import { ensureSyncState } from './sync-state';
import { finishTargetSchema, prepareTargetSchema } from './target-schema';

/**
 * The dvd_rental config migrated in full by the migration's own functions, in this process and without
 * a workflow: for tests and benchmarks of what comes downstream of the migration.
 */
export async function migrateInProcess(env: Pick<Env, 'SOURCE_DATABASE_URL' | 'TARGET_DATABASE_URL'>): Promise<void> {
  const source = openPool('source', env.SOURCE_DATABASE_URL, { max: 2 });
  const target = openPool('target', env.TARGET_DATABASE_URL, { max: 2 });
  try {
    const tables = await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG);
    await prepareTargetSchema({ source, target, tables });
    await ensureLedger(target);
    await ensureSyncState(target);
    for (const name of planMigration(tables).order) {
      await copyTable({
        source,
        target,
        table: tables.find((table) => table.name === name)!,
        mode: 'full',
        deletes: 'delete',
      });
    }
    await finishTargetSchema({ source, target, tables });
  } finally {
    await source.end();
    await target.end();
  }
}
