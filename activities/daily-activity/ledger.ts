// The ledger of simulated days (schema _activity of the source), read and written inside a day's transaction.
import type pg from 'pg';
import type { DayResult } from '../../workflows/daily-activity/types';
import type { LedgerSpan } from './day-order';
import { statement } from './sql';

export const LEDGER_SCHEMA = '_activity';
/** Serialises days (and the ledger's DDL) across workers: one day at a time per source database. */
const LOCK_KEY = `${LEDGER_SCHEMA}.day`;

export async function lockLedger(client: pg.ClientBase): Promise<void> {
  await client.query('select pg_advisory_xact_lock(hashtext($1))', [LOCK_KEY]);
  await client.query(statement('ledger'));
}

export async function recordedDay(
  client: pg.ClientBase,
  schema: string,
  businessDate: string,
): Promise<(DayResult & { configHash: string }) | undefined> {
  const { rows } = await client.query(
    `select business_date::text as "businessDate", simulated_date::text as "simulatedDate", rows, checksum, notes,
            config_hash as "configHash"
     from _activity.day where schema_name = $1 and business_date = $2`,
    [schema, businessDate],
  );
  return rows[0] ? { ...rows[0], alreadyRun: true } : undefined;
}

export async function ledgerSpan(client: pg.ClientBase, schema: string): Promise<LedgerSpan | undefined> {
  const { rows } = await client.query<{ business: string; simulated: string; last: string }>(
    `select (array_agg(business_date::text order by business_date))[1] as business,
            (array_agg(simulated_date::text order by business_date))[1] as simulated,
            max(business_date)::text as last
     from _activity.day where schema_name = $1`,
    [schema],
  );
  const row = rows[0];
  if (!row?.business) return undefined;
  return { first: { businessDate: row.business, simulatedDate: row.simulated }, last: row.last };
}

export async function recordDay(
  client: pg.ClientBase,
  entry: { schema: string; seed: number; configHash: string; result: DayResult },
): Promise<void> {
  const { result } = entry;
  await client.query(
    `insert into _activity.day (schema_name, business_date, simulated_date, seed, config_hash, rows, checksum, notes)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      entry.schema,
      result.businessDate,
      result.simulatedDate,
      entry.seed,
      entry.configHash,
      JSON.stringify(result.rows),
      result.checksum,
      JSON.stringify(result.notes),
    ],
  );
}
