// The target's side of CDC (cdc-capture.ts): the change log (which keys of which table a source transaction
// touched, at its commit position) and, per slot, the position captured so far.
import type pg from 'pg';
import { LEDGER_SCHEMA } from './ledger';
import { SYNC_STATE } from './sync-state';

export const CDC_CAPTURE = `${LEDGER_SCHEMA}.cdc_capture`;
export const CDC_CHANGE = `${LEDGER_SCHEMA}.cdc_change`;

type Db = pg.Pool | pg.PoolClient;

export async function ensureCdcLog(target: pg.Pool): Promise<void> {
  await target.query(`create table if not exists ${CDC_CAPTURE} (
                        slot text primary key,
                        captured_lsn pg_lsn not null,
                        updated_at timestamptz not null default now())`);
  // key: the primary key's values in its order; empty: the table was truncated
  await target.query(`create table if not exists ${CDC_CHANGE} (
                        table_name text not null,
                        lsn pg_lsn not null,
                        key int8[] not null)`);
  await target.query(`create index if not exists cdc_change_table_lsn on ${CDC_CHANGE} (table_name, lsn)`);
}

/** LSNs as `X/Y` (hex): negative, zero or positive as `a` is before, at or after `b`. */
export function compareLsn(a: string, b: string): number {
  const value = (lsn: string) => {
    const [high, low] = lsn.split('/');
    return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
  };
  const difference = value(a) - value(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

export async function capturedLsn(db: Db, slot: string): Promise<string | null> {
  const { rows } = await db.query<{ lsn: string }>(
    `select captured_lsn::text as lsn from ${CDC_CAPTURE} where slot = $1`,
    [slot],
  );
  return rows[0]?.lsn ?? null;
}

/**
 * Drops the log entries every table of `labels` has applied (its watermark, or where its pending deletes
 * start); with no table synced yet, those at or below `from`.
 */
export async function pruneChangeLog(db: pg.PoolClient, labels: string[], from: string): Promise<number> {
  const { rowCount } = await db.query(
    `delete from ${CDC_CHANGE}
      where table_name = any($1)
        and lsn <= coalesce((select min(least(watermark::pg_lsn, coalesce(pending_since::pg_lsn, watermark::pg_lsn)))
                               from ${SYNC_STATE} where table_name = any($1) and method = 'cdc'), $2::pg_lsn)`,
    [labels, from],
  );
  return rowCount ?? 0;
}

export interface LoggedKeys {
  changes: number;
  /** Distinct keys logged. */
  keyCount: number;
  /** The keys themselves, unless there are more than `cap`. */
  keys?: bigint[][];
  /** A TRUNCATE in the window: the keys say nothing of what went. */
  truncated: boolean;
}

const inWindow = `table_name = $1 and lsn > $2::pg_lsn and lsn <= $3::pg_lsn`;

/** The distinct keys the log holds for `label` in (from, to], as read by this transaction. */
export async function loggedKeys(
  db: pg.PoolClient,
  window: { label: string; from: string; to: string },
  cap: number,
): Promise<LoggedKeys> {
  const params = [window.label, window.from, window.to];
  const { rows } = await db.query<{ changes: string; keys: string; truncated: boolean | null }>(
    `select count(*) as changes, count(distinct key) as keys, bool_or(cardinality(key) = 0) as truncated
       from ${CDC_CHANGE} where ${inWindow}`,
    params,
  );
  const counts = {
    changes: Number(rows[0]!.changes),
    keyCount: Number(rows[0]!.keys),
    truncated: Boolean(rows[0]!.truncated),
  };
  if (counts.keyCount > cap || counts.truncated) return counts;
  const listed = await db.query<{ key: string }>(
    `select distinct key::text as key from ${CDC_CHANGE} where ${inWindow} order by 1`,
    params,
  );
  const keys = listed.rows.map((row) => row.key.slice(1, -1).split(',').map(BigInt));
  return { ...counts, keys };
}
