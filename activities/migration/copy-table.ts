// Copies one table from the source to the target: FULL (replace its rows) or SYNC (by primary key,
// writing only what changed), verified by row count and checksum before the target commits. The keys
// and indexes the target table lacks are built in the same transaction: after the rows for a full copy
// (one sort per index instead of index upkeep per row), before them for a sync (the upsert needs the key).
import type pg from 'pg';
import type {
  CopyMode,
  CopyTableResult,
  DeleteMode,
  SyncCounters,
  TableSpec,
  VerifyMode,
} from '../../workflows/migration/types';
import { columnList, quoteIdent } from './catalog';
import { ProgressTracker, type CopyProgress } from './copy-progress';
import { inTransactions, type Sessions } from './copy-session';
import { copyWith } from './copy-format';
import { streamCopy } from './copy-stream';
import { addDeletedFlag, countMissing, removeMissing } from './deletes';
import {
  incrementalOf,
  readSyncState,
  recordBaseline,
  syncIncrementally,
  TooManyDifferences,
  unindexedCursorNote,
  type Incremental,
} from './incremental-sync';
import { keyMatch, STAGE_TABLE, stageSourceRows, upsertChanges } from './sync-table';
import { syncFromLog } from './cdc-apply';
import { asTableDataError } from './table-data-error';
import { DELETED_FLAG_COLUMN, describePair, type TablePair } from './table-pair';
import { relationMap } from './schema-config';
import { buildTableKeys, readSourceTableKeys, type TableKeys } from './table-keys';
import type { CopiesInFlight } from './copies-in-flight';
import { verifyCopy } from './verify';
import { keyLayout } from './key-merge';
import { summaryOf } from './key-summary';

export type { CopyProgress } from './copy-progress';
export { applyDeletes } from './deletes';

export interface CopyTableOptions {
  source: pg.Pool;
  target: pg.Pool;
  table: TableSpec;
  /** auto: full when the target table is empty, else sync. */
  mode: CopyMode;
  deletes: DeleteMode;
  /**
   * Leave rows gone from the source to applyDeletes (see deletes.ts for the foreign-key ordering);
   * the copy then verifies the target rows whose key the source still has.
   */
  deferDeletes?: boolean;
  /** Incremental syncs: `auto` (default) verifies the rows they touched, the whole table once a week. */
  verify?: VerifyMode;
  /** The slot this run's capture read (cdc-capture.ts), for tables that sync by `cdc`. */
  cdcSlot?: string;
  /** The worker's copies, shared by its activities: index builds go parallel only on a copy alone. */
  inFlight?: CopiesInFlight;
  onProgress?: (progress: CopyProgress) => void;
  /** Aborting destroys the COPY streams, cancels running statements, rolls back and throws the abort reason. */
  signal?: AbortSignal;
}

export interface CopyTableOutcome extends CopyTableResult {
  /** With deferDeletes: target rows whose key is gone from the source, left for applyDeletes. */
  pendingDeletes: number;
  /** Why the mode used differs from the mode asked for. */
  notes: string[];
}

type Plan =
  { kind: 'sync'; notes: string[] } | { kind: 'full'; clear: 'none' | 'truncate' | 'delete'; notes: string[] };

interface Run {
  sessions: Sessions;
  pair: TablePair;
  options: CopyTableOptions;
  progress: ProgressTracker;
  notes: string[];
  keys: TableKeys;
  /** Set when the config's `sync` applies to the table; else `reason` says why it compares in full. */
  incremental?: Incremental;
  reason?: string;
}

export const copyTable = (options: CopyTableOptions): Promise<CopyTableOutcome> =>
  options.inFlight ? options.inFlight.around(() => copyOneTable(options)) : copyOneTable(options);

async function copyOneTable(options: CopyTableOptions): Promise<CopyTableOutcome> {
  const label = `${options.table.schema_out}.${options.table.name}`;
  const progress = new ProgressTracker(options.onProgress);
  try {
    const keys = await readSourceTableKeys(options.source, options.table);
    const outcome = await inTransactions(options, options.signal, async (sessions) => {
      const pair = await describePair(sessions, options.table);
      const plan = choosePlan(options.mode, pair);
      const eligibility = withSlot(
        pair.primaryKey.length ? await incrementalOf(sessions.source, options.table, pair) : {},
        options.cdcSlot,
      );
      const notes = [...plan.notes];
      if (eligibility.incremental && !eligibility.incremental.indexed)
        notes.push(unindexedCursorNote(options.table, eligibility.incremental.column));
      const run: Run = { sessions, pair, options, progress, notes, keys, ...eligibility };
      return plan.kind === 'sync' ? syncRows(run) : replaceRows(run, plan.clear);
    });
    progress.report({ phase: 'done' });
    return outcome;
  } catch (error) {
    throw asTableDataError(label, error);
  }
}

/** A `cdc` table reads the change log of this run's capture; without one it is compared in full. */
function withSlot(eligibility: { incremental?: Incremental; reason?: string }, slot: string | undefined) {
  const { incremental } = eligibility;
  if (incremental?.method !== 'cdc') return eligibility;
  if (!slot) return { reason: 'sync "cdc": no capture in this run: compared in full' };
  return { incremental: { ...incremental, column: slot } };
}

/**
 * A full copy empties the target table with TRUNCATE (transactional, fast), which Postgres refuses
 * when another table's foreign key references it. Deleting instead fails as soon as child rows point
 * at a parent row, so a populated referenced table is replaced by key (sync) instead: the same rows
 * after, and its children stay valid. Only a referenced table without a key falls back to DELETE.
 */
function choosePlan(mode: CopyMode, pair: TablePair): Plan {
  const keyed = pair.primaryKey.length > 0;
  const wantsFull = mode === 'full' || (mode === 'auto' && pair.targetEmpty);
  if (!wantsFull && keyed) return { kind: 'sync', notes: [] };
  const notes = wantsFull ? [] : [`${pair.label} has no primary key: copied in full instead of synced`];
  if (pair.targetEmpty) return { kind: 'full', clear: 'none', notes };
  if (pair.referencedBy.length === 0) return { kind: 'full', clear: 'truncate', notes };
  if (!keyed) return { kind: 'full', clear: 'delete', notes };
  const referencedBy = pair.referencedBy.join(', ');
  return {
    kind: 'sync',
    notes: [`${pair.label} is referenced by ${referencedBy}: replaced by key instead of truncated`],
  };
}

async function replaceRows(run: Run, clear: 'none' | 'truncate' | 'delete'): Promise<CopyTableOutcome> {
  const { sessions, pair, options, progress } = run;
  // Truncated in this transaction (an empty table too, when nothing references it), the table takes its rows
  // frozen: written once, never rewritten by a vacuum, and at once all-visible (index-only scans count its keys).
  const freeze = pair.plainTable && (clear === 'truncate' || (clear === 'none' && pair.referencedBy.length === 0));
  if (clear !== 'none' || freeze) {
    const sql = clear === 'delete' ? `delete from ${pair.targetTable}` : `truncate ${pair.targetTable}`;
    await progress.step('clear', () => sessions.target.query(sql));
  }
  progress.report({ phase: 'copy' });
  const copied = await streamCopy({
    source: sessions.source,
    copyOut: `copy (select ${columnList(pair.columns)} from ${pair.sourceTable}) to stdout${copyWith(pair.format)}`,
    target: sessions.target,
    copyIn: `copy ${pair.targetTable} (${columnList(pair.columns)}) from stdin${copyWith(pair.format, freeze)}`,
    format: pair.format,
    signal: options.signal,
    onChunk: progress.chunks('copy'),
  });
  // a table synced by cursor next time: the target's key summary by range from the verify's pass (no read of
  // its own), laid over the source's keys, which the verify finds the target's
  const keyed = run.incremental && run.incremental.method !== 'cdc';
  const layout = keyed ? await keyLayout(sessions.source, pair.sourceTable, pair.primaryKey) : undefined;
  const verified = await progress.step('verify', () =>
    verifyCopy(sessions, layout ? { ...pair, keyPrints: layout } : pair),
  );
  await progress.step('keys', () => buildKeys(run));
  if (run.incremental)
    await recordBaseline(sessions, pair, run.incremental, {
      table: pair.targetTable,
      pendingDeletes: 0,
      ...(layout && verified.keyPrints ? { keySummary: summaryOf(layout.lo, layout.width, verified.keyPrints) } : {}),
    });
  const changes = { inserted: copied.rows, updated: 0, deleted: 0 };
  return { ...outcome(run, 'full', verified), bytes: copied.bytes, changes, pendingDeletes: 0 };
}

async function syncRows(run: Run): Promise<CopyTableOutcome> {
  const { sessions, options, progress } = run;
  const pair = options.deletes === 'flag' ? await addDeletedFlag(sessions.target, run.pair) : run.pair;
  await progress.step('keys', () => buildKeys(run)); // the upsert matches rows by key
  const state = run.incremental && (await readSyncState(sessions.target, pair.label));
  if (!run.incremental) return compareRows({ ...run, pair }, { method: 'compare', reason: run.reason });
  if (!state || state.method !== run.incremental.method || state.column !== run.incremental.column)
    return compareRows({ ...run, pair }, { method: 'compare', reason: 'no watermark yet: compared in full once' });
  await sessions.target.query('savepoint incremental');
  try {
    const sync = run.incremental.method === 'cdc' ? syncFromLog : syncIncrementally;
    const result = await sync(
      {
        sessions,
        pair,
        plan: run.incremental,
        deletes: options.deletes,
        deferDeletes: Boolean(options.deferDeletes),
        verify: options.verify ?? 'auto',
        progress,
        signal: options.signal,
      },
      state,
    );
    return { ...outcome({ ...run, pair }, 'sync', result.verified), ...result };
  } catch (error) {
    if (!(error instanceof TooManyDifferences)) throw error;
    await sessions.target.query('rollback to savepoint incremental');
    return compareRows({ ...run, pair }, { method: 'compare', reason: error.message });
  }
}

/** The full comparison: the whole source staged and compared with the target. */
async function compareRows(run: Run, why: { method: 'compare'; reason?: string }): Promise<CopyTableOutcome> {
  const { sessions, options, progress, pair } = run;
  progress.report({ phase: 'stage' });
  const staged = await stageSourceRows(sessions, {
    pair,
    columns: pair.columns,
    signal: options.signal,
    onChunk: progress.chunks('stage'),
  });
  const applied = await progress.step('apply', () => applyChanges(sessions, pair, options));
  const verified = await progress.step('verify', () =>
    verifyCopy(sessions, { ...pair, targetWhere: syncedRows(pair, options) }),
  );
  const watermark = run.incremental
    ? await recordBaseline(sessions, pair, run.incremental, {
        table: STAGE_TABLE,
        pendingDeletes: applied.pendingDeletes,
      })
    : undefined;
  const sync: SyncCounters = {
    ...why,
    rowsRead: staged.rows,
    reread: 0,
    repaired: 0,
    nullCursor: 0,
    verified: 'full',
    ...(run.incremental ? { watermark: { from: null, to: watermark ?? null } } : {}),
  };
  return { ...outcome({ ...run, pair }, 'sync', verified), bytes: staged.bytes, ...applied, sync };
}

/** In the copy's transaction: a table whose keys cannot be built (duplicates) keeps none of its rows. */
const buildKeys = (run: Run) =>
  buildTableKeys(run.sessions.target, run.keys, relationMap([run.options.table]), {
    othersRunning: () => run.options.inFlight?.othersRunning() ?? false,
  });

async function applyChanges(sessions: Sessions, pair: TablePair, options: CopyTableOptions) {
  // Deletes first: a key or unique value freed at the source may be reused by an inserted row.
  const deleted = options.deferDeletes ? 0 : await removeMissing(sessions.target, pair, options.deletes);
  const { inserted, updated } = await upsertChanges(sessions, pair);
  const pendingDeletes = options.deferDeletes ? await countMissing(sessions.target, pair, options.deletes) : 0;
  return { changes: { inserted, updated, deleted }, pendingDeletes };
}

/** The target rows that must equal the source snapshot after a sync. */
function syncedRows(pair: TablePair, options: CopyTableOptions): string | undefined {
  if (options.deferDeletes) return `exists (select from ${STAGE_TABLE} s where ${keyMatch(pair.primaryKey, 't', 's')})`;
  return options.deletes === 'flag' ? `t.${quoteIdent(DELETED_FLAG_COLUMN)} is null` : undefined;
}

function outcome(run: Run, mode: 'full' | 'sync', verified: { rows: number; checksum: string }) {
  return { table: run.pair.label, mode, rows: verified.rows, checksum: verified.checksum, notes: run.notes };
}
