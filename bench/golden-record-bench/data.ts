// The benchmark's target database: synthetic dvd_rental with a given number of customers, migrated into
// schema dvd_rental by the migration's own functions, and the golden-record views refreshed over it.
import pg from 'pg';
import type { Env } from '../../common/env';
import { ensureViews, GOLDEN_RECORD_VIEWS } from '../../activities/golden-record/views';
import { migrateInProcess } from '../../activities/migration/migrate-in-process';
import { loadSource } from '../../dataset/load-source';
import { adminUrl, withAdminClient } from '../../stack/postgres';
import { timed } from './contenders';

/** One source and target per size and generator options, so a prepared size can be reused (--reuse). */
const databaseNames = (customers: number, options: PrepareOptions) => {
  const suffix = `${customers}_r${options.rentalsPerCustomer}_s${options.seed}`;
  return { source: `bench_golden_source_${suffix}`, target: `bench_golden_target_${suffix}` };
};
/** Written into the target once it is fully prepared: a reused target without it is prepared again. */
const PREPARED_MARKER = 'public.bench_golden_prepared';

export interface PrepareOptions {
  seed: number;
  rentalsPerCustomer: number;
  /** Keep a target prepared by an earlier run of the same size and options (its source is not kept). */
  reuse?: boolean;
}

async function recreate(env: Env, name: string): Promise<void> {
  await withAdminClient(env, async (client) => {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await client.query(`create database ${pg.escapeIdentifier(name)}`);
  });
}

export interface PreparedTarget {
  env: Env;
  customers: number;
  /** Generating the source and migrating it (not a contender). */
  setupSeconds: number;
}

/** Returns the env pointed at the bench databases and the number of customers the views hold. */
export async function prepareTarget(base: Env, customers: number, options: PrepareOptions): Promise<PreparedTarget> {
  const started = process.hrtime.bigint();
  const names = databaseNames(customers, options);
  const env = {
    ...base,
    SOURCE_DATABASE_URL: adminUrl(base, names.source),
    TARGET_DATABASE_URL: adminUrl(base, names.target),
  };
  if (options.reuse && (await isPrepared(base, names.target))) {
    const n = await withTarget(env, (target) => countCustomers(target));
    console.log(`  reusing ${names.target} (${n} customers)`);
    return { env, customers: n, setupSeconds: 0 };
  }
  for (const name of [names.source, names.target]) await recreate(base, name);
  const counts = { customers, rentalsPerCustomer: options.rentalsPerCustomer };
  await loadSource(env, { kind: 'synthetic', scale: 1, seed: options.seed, counts });
  await migrateInProcess(env);
  await withTarget(env, async (target) => {
    // Open rentals count days up to the refresh time; returned ones keep every refresh's data equal, so a
    // rerun's changes are the benchmark's own.
    await target.query(
      `update dvd_rental.rental set return_date = rental_date + interval '3 days' where return_date is null`,
    );
    await ensureViews({ target });
    await refreshAll(target, false);
    await target.query(`create table ${PREPARED_MARKER} (prepared_at timestamptz not null default now())`);
    await target.query(`insert into ${PREPARED_MARKER} default values`);
  });
  await withAdminClient(base, (client) =>
    client.query(`drop database if exists ${pg.escapeIdentifier(names.source)} with (force)`),
  );
  const n = await withTarget(env, (target) => countCustomers(target));
  return { env, customers: n, setupSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function isPrepared(base: Env, target: string): Promise<boolean> {
  const exists = await withAdminClient(base, (client) =>
    client.query('select 1 from pg_database where datname = $1', [target]),
  );
  if (exists.rowCount === 0) return false;
  const env = { ...base, TARGET_DATABASE_URL: adminUrl(base, target) };
  return withTarget(env, async (pool) => {
    const { rows } = await pool.query<{ marker: string | null }>('select to_regclass($1)::text as marker', [
      PREPARED_MARKER,
    ]);
    return rows[0]?.marker !== null && rows[0]?.marker !== undefined;
  });
}

export async function withTarget<T>(env: Env, fn: (target: pg.Pool) => Promise<T>): Promise<T> {
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  try {
    return await fn(target);
  } finally {
    await target.end();
  }
}

async function countCustomers(target: pg.Pool): Promise<number> {
  const { rows } = await target.query<{ n: number }>('select count(*)::int as n from v_dvd_rental.customers_mv');
  return rows[0]!.n;
}

/** The three views refreshed as the daily run does (concurrently once populated); returns the seconds. */
export async function refreshAll(target: pg.Pool, concurrently = true): Promise<number> {
  const { seconds } = await timed(async () => {
    for (const view of GOLDEN_RECORD_VIEWS)
      await target.query(`refresh materialized view ${concurrently ? 'concurrently ' : ''}v_dvd_rental.${view}`);
  });
  return seconds;
}

/** Changes 1 customer in 100 (a name: one view column every document is built from). */
export async function changeOnePercent(target: pg.Pool): Promise<number> {
  const { rowCount } = await target.query(
    `update dvd_rental.customer set first_name = first_name || 'x' where customer_id % 100 = 7`,
  );
  return rowCount ?? 0;
}
