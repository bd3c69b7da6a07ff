// Reads the lineage's times: views and migration ledger from the target database, the collection's
// freshness from MongoDB. Missing things (no ledger, unpopulated view, no run yet) read as no time.
import type { Db } from 'mongodb';
import pg from 'pg';
import { readFreshness } from './golden-collections';
import type { TableSpec } from '../../workflows/migration/types';
import { LEDGER } from '../migration/ledger';
import { utcDate } from './build-document';
import type { AssetTimes } from './lineage';
import { viewName, type ViewConfig } from '../../workflows/golden-record/views-config';

const asDate = (text: string | null | undefined): Date | null => (text ? (utcDate(text) as Date) : null);

/** max(last_refresh_date) of a view; null when it does not exist or was never populated. */
async function viewRefreshTime(target: pg.Pool, view: ViewConfig): Promise<Date | null> {
  const { rows } = await target.query<{ populated: boolean | null }>(
    `select c.relispopulated as populated from pg_class c where c.oid = to_regclass($1)`,
    [`${pg.escapeIdentifier(view.schema)}.${pg.escapeIdentifier(view.materialized_view)}`],
  );
  if (!rows[0]?.populated) return null;
  // text keeps the value as stored: a timestamp without time zone is UTC (utcDate), a timestamptz has its offset
  const name = `${pg.escapeIdentifier(view.schema)}.${pg.escapeIdentifier(view.materialized_view)}`;
  const latest = await target.query<{ at: string | null }>(`select max(last_refresh_date)::text as at from ${name}`);
  return asDate(latest.rows[0]?.at);
}

/** The last verified copy of each migrated table, by `schema_out.name`, from the migration ledger. */
async function lastCopyTimes(target: pg.Pool, migration: readonly TableSpec[]): Promise<Record<string, Date | null>> {
  const { rows: exists } = await target.query<{ ledger: string | null }>(`select to_regclass($1)::text as ledger`, [
    LEDGER,
  ]);
  if (!exists[0]?.ledger) return {};
  const { rows } = await target.query<{ table_name: string; at: string }>(
    `select table_name, (max(completed_at) at time zone 'UTC')::text as at from ${LEDGER} group by table_name`,
  );
  const schemaOf = new Map(migration.map((table) => [table.name, table.schema_out]));
  return Object.fromEntries(
    rows
      .filter((row) => schemaOf.has(row.table_name))
      .map((row) => [`${schemaOf.get(row.table_name)}.${row.table_name}`, asDate(row.at)]),
  );
}

export async function readAssetTimes(opts: {
  target: pg.Pool;
  mongo: Db;
  views: readonly ViewConfig[];
  migration: readonly TableSpec[];
}): Promise<AssetTimes> {
  const views: Record<string, Date | null> = {};
  for (const view of opts.views) views[viewName(view)] = await viewRefreshTime(opts.target, view);
  const freshness = await readFreshness(opts.mongo);
  return {
    tables: await lastCopyTimes(opts.target, opts.migration),
    views,
    collection: freshness?.last_consolidation_date ?? null,
  };
}
