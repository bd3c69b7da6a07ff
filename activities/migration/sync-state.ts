// Each incremental table's watermark, in the target next to the run ledger. Written in the same transaction
// as the rows it accounts for: a sync that fails or is killed before its commit leaves the old watermark,
// and its rerun reads the same changes again (upserts by key: nothing is lost or doubled).
import type pg from 'pg';
import type { KeyRanges } from './key-merge';
import type { KeySummary } from './key-summary';
import { LEDGER_SCHEMA } from './ledger';

export const SYNC_STATE = `${LEDGER_SCHEMA}.sync_state`;

export interface SyncState {
  method: 'cursor' | 'key' | 'cdc';
  column: string;
  /** The highest cursor value copied, as text in the copy session's settings (UTC, ISO); null: none yet. */
  watermark: string | null;
  /** The source's clock when it was read (its snapshot's transaction start): later writes start after it, minus the overlap. */
  readAt: string | null;
  /** Target rows whose key the source no longer has, found by the last copy, left for the delete step. */
  pendingDeletes: number;
  /** Where those keys are: the delete step merges only these ranges. */
  pendingRanges: KeyRanges | null;
  /** cdc: the log position after which the pending deletes' keys lie (the watermark before the last sync). */
  pendingSince: string | null;
  fullVerifiedAt: Date | null;
  /** The target's keys as the last sync left them (key-summary.ts); null: read them next time. */
  keySummary: KeySummary | null;
}

export async function ensureSyncState(target: pg.Pool): Promise<void> {
  await target.query(
    `create table if not exists ${SYNC_STATE} (
       table_name text primary key,
       method text not null,
       column_name text not null,
       watermark text,
       read_at timestamptz,
       pending_deletes bigint not null default 0,
       pending_ranges jsonb,
       full_verified_at timestamptz,
       updated_at timestamptz not null default now())`,
  );
  await target.query(`alter table ${SYNC_STATE} add column if not exists pending_since text`);
  await target.query(`alter table ${SYNC_STATE} add column if not exists key_summary jsonb`);
}

/** `label` is the target's `schema.table`. Locks the entry: two syncs of one table queue up. */
export async function readSyncState(db: pg.PoolClient, label: string): Promise<SyncState | undefined> {
  const { rows } = await db.query<{
    method: 'cursor' | 'key' | 'cdc';
    column_name: string;
    watermark: string | null;
    read_at: string | null;
    pending_deletes: string;
    pending_ranges: KeyRanges | null;
    pending_since: string | null;
    full_verified_at: Date | null;
    key_summary: KeySummary | null;
  }>(`select *, read_at::text as read_at from ${SYNC_STATE} where table_name = $1 for update`, [label]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    method: row.method,
    column: row.column_name,
    watermark: row.watermark,
    readAt: row.read_at,
    pendingDeletes: Number(row.pending_deletes),
    pendingRanges: row.pending_ranges,
    pendingSince: row.pending_since,
    fullVerifiedAt: row.full_verified_at,
    keySummary: row.key_summary,
  };
}

export async function writeSyncState(
  db: pg.PoolClient,
  label: string,
  state: Omit<SyncState, 'fullVerifiedAt' | 'pendingRanges' | 'pendingSince' | 'keySummary'> & {
    fullyVerified: boolean;
    pendingRanges?: KeyRanges | null;
    pendingSince?: string | null;
    keySummary?: KeySummary | null;
  },
): Promise<void> {
  await db.query(
    `insert into ${SYNC_STATE} as s (table_name, method, column_name, watermark, read_at, pending_deletes,
                                     pending_ranges, pending_since, full_verified_at, key_summary)
     values ($1, $2, $3, $4, $7, $5, $8, $9, case when $6 then now() end, $10)
     on conflict (table_name) do update set method = excluded.method, column_name = excluded.column_name,
       watermark = excluded.watermark, read_at = excluded.read_at, pending_deletes = excluded.pending_deletes,
       pending_ranges = excluded.pending_ranges, pending_since = excluded.pending_since, updated_at = now(),
       key_summary = excluded.key_summary,
       full_verified_at = case when $6 then now() else s.full_verified_at end`,
    [
      label,
      state.method,
      state.column,
      state.watermark,
      state.pendingDeletes,
      state.fullyVerified,
      state.readAt,
      state.pendingRanges ? JSON.stringify(state.pendingRanges) : null,
      state.pendingSince ?? null,
      state.keySummary ? JSON.stringify(state.keySummary) : null,
    ],
  );
}

/** `keepSummary`: the deletes left the target as its key summary says (else it is read next time). */
export async function clearPendingDeletes(db: pg.PoolClient, label: string, keepSummary = false): Promise<void> {
  await db.query(
    `update ${SYNC_STATE} set pending_deletes = 0, pending_ranges = null, pending_since = null, updated_at = now(),
            key_summary = case when $2 then key_summary end
      where table_name = $1`,
    [label, keepSummary],
  );
}
