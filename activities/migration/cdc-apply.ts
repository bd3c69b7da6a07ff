// A CDC table's sync: the keys its change log holds past its watermark are read again from the source
// snapshot of this copy (not the logged images: the snapshot is what the verify compares with, and a change
// committed after the capture is then already in, idempotently), upserted, and the keys the source no longer
// has are deleted. The watermark moves to the capture's position in the same target transaction.
import type pg from 'pg';
import type { DeleteMode } from '../../workflows/migration/types';
import { loggedKeys } from './cdc-log';
import { columnList } from './catalog';
import {
  capturedWatermark,
  fullCheck,
  isFullVerifyDue,
  removeKeys,
  stageChanged,
  TooManyDifferences,
  touchedCheck,
  type IncrementalOutcome,
  type IncrementalRun,
} from './incremental-sync';
import { keyIn, type Key } from './key-merge';
import { writeSyncState, type SyncState } from './sync-state';
import { keyMatch, STAGE_TABLE, stageSourceRows, upsertChanges } from './sync-table';
import type { TablePair } from './table-pair';
import { verifyCopy } from './verify';

/** Keys listed in one statement at most; a day with more changes compares the table in full instead. */
export const CDC_KEY_CAP = 200_000;

/** Of `keys`, those the stage (the source's rows among them) lacks: deleted at the source. */
async function goneKeys(target: pg.PoolClient, pair: TablePair, keys: readonly Key[]): Promise<Key[]> {
  if (!keys.length) return [];
  const { primaryKey } = pair;
  const { rows } = await target.query<Record<string, string>>(
    `select * from unnest(${primaryKey.map((_, i) => `$${i + 1}::int8[]`).join(', ')}) as k(${columnList(primaryKey)})
      where not exists (select from ${STAGE_TABLE} s where ${keyMatch(primaryKey, 'k', 's')})`,
    primaryKey.map((_, i) => keys.map((key) => String(key[i]))),
  );
  return rows.map((row) => primaryKey.map((column) => BigInt(row[column]!)));
}

export async function syncFromLog(run: IncrementalRun, state: SyncState): Promise<IncrementalOutcome> {
  const { sessions, pair, plan, progress } = run;
  const from = state.watermark!;
  const to = await capturedWatermark(sessions.target, plan.column);
  const logged = await loggedKeys(sessions.target, { label: pair.label, from, to }, CDC_KEY_CAP);
  if (logged.truncated) throw new TooManyDifferences(`${pair.label}: truncated at the source since the last sync`);
  if (!logged.keys)
    throw new TooManyDifferences(`${pair.label}: ${logged.keyCount} keys changed (over ${CDC_KEY_CAP})`);
  const keys = logged.keys;
  const where = keyIn(pair.primaryKey, keys);
  const staged = await stageChanged(run, where);
  const applied = await progress.step('apply', () => upsertChanges(sessions, pair));
  const gone = await goneKeys(sessions.target, pair, keys);
  const deleted = run.deferDeletes ? 0 : await removeKeys(sessions.target, pair, run.deletes, gone);
  const pendingDeletes = run.deferDeletes ? gone.length : 0;
  const full = run.verify === 'full' || isFullVerifyDue(state.fullVerifiedAt);
  const verified = await progress.step('verify', () =>
    verifyCopy(sessions, full ? fullCheck(run, gone) : touchedCheck(run, where, [])),
  );
  await writeSyncState(sessions.target, pair.label, {
    method: 'cdc',
    column: plan.column,
    watermark: to,
    readAt: null,
    pendingDeletes,
    pendingSince: pendingDeletes ? from : null,
    fullyVerified: full,
  });
  return {
    changes: { ...applied, deleted },
    pendingDeletes,
    bytes: staged.bytes,
    verified,
    sync: {
      method: 'cdc',
      rowsRead: staged.rows,
      reread: 0,
      repaired: 0,
      nullCursor: 0,
      logged: { changes: logged.changes, keys: keys.length },
      watermark: { from, to },
      verified: full ? 'full' : 'touched',
    },
  };
}

/** The delete step of a CDC table: the keys of its last sync's window that the source no longer has. */
export async function deleteLoggedKeys(
  sessions: { source: pg.PoolClient; target: pg.PoolClient },
  pair: TablePair,
  state: SyncState,
  options: { deletes: DeleteMode; signal?: AbortSignal },
): Promise<number> {
  const window = { label: pair.label, from: state.pendingSince ?? state.watermark!, to: state.watermark! };
  const logged = await loggedKeys(sessions.target, window, CDC_KEY_CAP);
  if (!logged.keys) return -1;
  await stageSourceRows(sessions, {
    pair,
    columns: pair.primaryKey,
    where: keyIn(pair.primaryKey, logged.keys),
    signal: options.signal,
  });
  return removeKeys(sessions.target, pair, options.deletes, await goneKeys(sessions.target, pair, logged.keys));
}
