// Deleting rows gone from the source is a step of its own because of foreign keys: the workflow
// upserts parents before children (a new child needs its parent), but a parent row deleted at the
// source is still referenced by target child rows until the child table has been synced. So a
// multi-table sync runs copyTable({ deferDeletes: true }) in dependency order, then applyDeletes
// in REVERSE dependency order: children lose their rows first, then parents. Flagging is an UPDATE
// and breaks no foreign key, but it goes the same way so that the workflow has one rule.
import type pg from 'pg';
import type { DeleteMode, TableSpec } from '../../workflows/migration/types';
import { quoteIdent } from './catalog';
import { inTransactions, type Sessions } from './copy-session';
import { compareKeysOf, incrementalOf, removeKeys } from './incremental-sync';
import { KEY_LIST_CAP } from './key-merge';
import { clearPendingDeletes, readSyncState } from './sync-state';
import { deleteLoggedKeys } from './cdc-apply';
import { keyMatch, STAGE_TABLE, stageSourceRows } from './sync-table';
import { DELETED_FLAG_COLUMN, describePair, type TablePair } from './table-pair';
import { asTableDataError } from './table-data-error';

const flag = quoteIdent(DELETED_FLAG_COLUMN);

/**
 * Target rows (alias `t`) whose key is not staged, i.e. gone from the source. Flagging skips rows
 * flagged already (they keep their date); deleting removes them too.
 */
export function missingFromStage(pair: TablePair, deletes: DeleteMode): string {
  const unflagged = deletes === 'flag' && pair.hasDeletedFlag ? `t.${flag} is null and ` : '';
  return `${unflagged}not exists (select from ${STAGE_TABLE} s where ${keyMatch(pair.primaryKey, 't', 's')})`;
}

export async function addDeletedFlag(target: pg.PoolClient, pair: TablePair): Promise<TablePair> {
  if (pair.hasDeletedFlag) return pair;
  await target.query(`alter table ${pair.targetTable} add column if not exists ${flag} timestamptz`);
  return { ...pair, hasDeletedFlag: true };
}

/** Deletes or flags the target rows gone from the source (the stage table holds the source's keys). */
export async function removeMissing(target: pg.PoolClient, pair: TablePair, deletes: DeleteMode): Promise<number> {
  const sql =
    deletes === 'delete'
      ? `delete from ${pair.targetTable} t where ${missingFromStage(pair, deletes)}`
      : `update ${pair.targetTable} t set ${flag} = now() where ${missingFromStage(pair, deletes)}`;
  const { rowCount } = await target.query(sql);
  return rowCount ?? 0;
}

export async function countMissing(target: pg.PoolClient, pair: TablePair, deletes: DeleteMode): Promise<number> {
  const { rows } = await target.query<{ count: string }>(
    `select count(*) from ${pair.targetTable} t where ${missingFromStage(pair, deletes)}`,
  );
  return Number(rows[0]!.count);
}

export interface ApplyDeletesOptions {
  source: pg.Pool;
  target: pg.Pool;
  table: TableSpec;
  deletes: DeleteMode;
  signal?: AbortSignal;
}

/**
 * The deferred delete step of a sync: streams the source's current keys (only the key columns) and
 * deletes or flags the target rows whose key is gone, in one target transaction. A table without a
 * primary key was copied in full and has nothing to delete.
 */
export async function applyDeletes(options: ApplyDeletesOptions): Promise<{ table: string; deleted: number }> {
  const label = `${options.table.schema_out}.${options.table.name}`;
  try {
    const deleted = await inTransactions(options, options.signal, (sessions) => deleteMissing(sessions, options));
    return { table: label, deleted };
  } catch (error) {
    throw asTableDataError(label, error);
  }
}

async function deleteMissing(sessions: Sessions, options: ApplyDeletesOptions): Promise<number> {
  let pair = await describePair(sessions, options.table);
  if (pair.primaryKey.length === 0 || pair.targetEmpty) return 0;
  if (options.deletes === 'flag') pair = await addDeletedFlag(sessions.target, pair);
  const { incremental } = await incrementalOf(sessions.source, options.table, pair);
  const state = incremental && (await readSyncState(sessions.target, pair.label));
  if (state?.method === 'cdc' && incremental?.method === 'cdc') {
    if (state.pendingDeletes === 0) return 0;
    const deleted = await deleteLoggedKeys(sessions, pair, state, options);
    await clearPendingDeletes(sessions.target, pair.label);
    if (deleted >= 0) return deleted;
  } else if (state && state.method === incremental.method && state.column === incremental.column) {
    // The copy compared the keys in its own transaction and found nothing gone: nothing to read again.
    if (state.pendingDeletes === 0) return 0;
    // only the key ranges where the copy found them, unless it did not say
    const difference = await compareKeysOf(sessions, pair, options.deletes, {
      signal: options.signal,
      ...(state.pendingRanges ? { ranges: state.pendingRanges } : {}),
    });
    // the keys the copy found, and no other change since: the target ends as the copy's key summary says
    const asFound = difference.targetOnlyCount === state.pendingDeletes && difference.sourceOnlyCount === 0;
    await clearPendingDeletes(sessions.target, pair.label, asFound);
    if (difference.targetOnlyCount <= KEY_LIST_CAP)
      return removeKeys(sessions.target, pair, options.deletes, difference.targetOnly);
  }
  await stageSourceRows(sessions, { pair, columns: pair.primaryKey, signal: options.signal });
  return removeMissing(sessions.target, pair, options.deletes);
}
