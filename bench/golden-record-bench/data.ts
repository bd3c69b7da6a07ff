// The benchmark's target database: synthetic dvd_rental at a scale, migrated into schema dvd_rental by the
// migration's own functions, and the golden-record views refreshed over it.
import pg from 'pg';
import type { Env } from '../../common/env';
import { ensureViews } from '../../activities/golden-record/views';
import { migrateInProcess } from '../../activities/migration/migrate-in-process';
import { loadSource } from '../../dataset/load-source';
import { adminUrl, withAdminClient } from '../../stack/postgres';

export const SOURCE_DB = 'bench_golden_source';
export const TARGET_DB = 'bench_golden_target';

async function recreate(env: Env, name: string): Promise<void> {
  await withAdminClient(env, async (client) => {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await client.query(`create database ${pg.escapeIdentifier(name)}`);
  });
}

/** Returns the env pointed at the bench databases and the number of customers the views hold. */
export async function prepareTarget(base: Env, scale: number, seed: number): Promise<{ env: Env; customers: number }> {
  for (const name of [SOURCE_DB, TARGET_DB]) await recreate(base, name);
  const env = {
    ...base,
    SOURCE_DATABASE_URL: adminUrl(base, SOURCE_DB),
    TARGET_DATABASE_URL: adminUrl(base, TARGET_DB),
  };
  await loadSource(env, { kind: 'synthetic', scale, seed });
  await migrateInProcess(env);
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  try {
    await ensureViews({ target });
    for (const view of ['customers_mv', 'customer_aggr_mv', 'last_rentals_mv'])
      await target.query(`refresh materialized view v_dvd_rental.${view}`);
    const { rows } = await target.query<{ n: number }>('select count(*)::int as n from v_dvd_rental.customers_mv');
    return { env, customers: rows[0]!.n };
  } finally {
    await target.end();
  }
}
