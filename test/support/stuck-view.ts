import type pg from 'pg';
import type { ViewConfig } from '../../workflows/golden-record/views-config';

export const STUCK_VIEW: ViewConfig = {
  schema: 'v_stuck',
  materialized_view: 'stuck_mv',
  sources: [{ schema: 'dvd_rental', table: 'film' }],
};

/** A real view whose last_refresh_date is a constant ('constant'): refreshing it can never move it. */
export async function createStuckView(target: pg.Pool, lastRefresh: 'constant' | 'now'): Promise<void> {
  const stamp = lastRefresh === 'constant' ? `timestamp '2000-01-01'` : `now() at time zone 'UTC'`;
  await target.query(`create schema if not exists v_stuck; drop materialized view if exists v_stuck.stuck_mv`);
  await target.query(`create materialized view v_stuck.stuck_mv as select 1 as id, ${stamp} as last_refresh_date`);
  await target.query(`create unique index on v_stuck.stuck_mv (id)`);
}
