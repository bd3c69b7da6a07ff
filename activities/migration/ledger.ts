import type pg from 'pg';

/**
 * Tables a migration run has copied and verified, kept in the target so that a rerun of the same
 * run (same workflow id) resumes after them instead of copying them again. Entries of finished runs
 * stay (marked finished) as each table's copy history: the lineage shows the last one.
 */
export const LEDGER_SCHEMA = '_migration';
export const LEDGER = `${LEDGER_SCHEMA}.completed_tables`;

/** Created with the target schema (migrationPrepareTarget), before any other ledger call. */
export async function ensureLedger(target: pg.Pool): Promise<void> {
  await target.query(`create schema if not exists ${LEDGER_SCHEMA}`);
  await target.query(
    `create table if not exists ${LEDGER} (
       run_key text not null,
       table_name text not null,
       rows bigint not null,
       checksum text not null,
       completed_at timestamptz not null default now(),
       primary key (run_key, table_name))`,
  );
  await target.query(`alter table ${LEDGER} add column if not exists finished boolean not null default false`);
}

export async function recordCompleted(
  target: pg.Pool,
  entry: { runKey: string; table: string; rows: number; checksum: string },
): Promise<void> {
  await target.query(
    `insert into ${LEDGER} (run_key, table_name, rows, checksum) values ($1, $2, $3, $4)
     on conflict (run_key, table_name) do update set rows = excluded.rows, checksum = excluded.checksum, completed_at = now(), finished = false`,
    [entry.runKey, entry.table, entry.rows, entry.checksum],
  );
}

export async function completedTables(
  target: pg.Pool,
  runKey: string,
): Promise<Array<{ table: string; rows: number; checksum: string }>> {
  const { rows } = await target.query<{ table: string; rows: string; checksum: string }>(
    `select table_name as table, rows, checksum from ${LEDGER} where run_key = $1 and not finished order by table_name`,
    [runKey],
  );
  return rows.map((row) => ({ ...row, rows: Number(row.rows) }));
}

/** After a successful run: a later run with the same id starts afresh (the entries stay as history). */
export async function forgetRun(target: pg.Pool, runKey: string): Promise<void> {
  await target.query(`update ${LEDGER} set finished = true where run_key = $1`, [runKey]);
}
