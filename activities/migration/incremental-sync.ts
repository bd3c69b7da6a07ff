// Incremental sync of one table (config `sync`): only the rows its cursor says changed are streamed and
// upserted, deletes and missed rows are found by comparing primary keys alone, and the watermark is written
// in the same target transaction as the rows. See README "Incremental sync" for what each cursor can see.
import type pg from 'pg';
import { MigrationConfigError } from '../../workflows/migration/errors';
import {
  DEFAULT_OVERLAP_SECONDS,
  type DeleteMode,
  type SyncCounters,
  type TableSpec,
  type VerifyMode,
} from '../../workflows/migration/types';
import { describeColumns, qualified, quoteIdent } from './catalog';
import type { ProgressTracker } from './copy-progress';
import type { Sessions } from './copy-session';
import {
  diffKeys,
  keyHash,
  keyIn,
  KEY_LIST_CAP,
  rangeOf,
  MERGEABLE_KEY_TYPES,
  type DiffOptions,
  type Key,
  type KeyDifference,
} from './key-merge';
import { capturedLsn } from './cdc-log';
import { withAdded, type KeySummary } from './key-summary';
import { readSyncState, writeSyncState, type SyncState } from './sync-state';
import { keyMatch, STAGE_TABLE, stageSourceRows, upsertChanges } from './sync-table';
import { DELETED_FLAG_COLUMN, type TablePair } from './table-pair';
import { verifyCopy, type Checksum } from './verify';

/** `verify: auto` checks the whole table when its last full check is older than this. */
export const FULL_VERIFY_EVERY_MS = 7 * 24 * 3600 * 1000;

/** Cursor column types (pg_catalog names) and how a watermark of each is cast back. */
const CURSOR_TYPES = new Set(['timestamp', 'timestamptz', 'date', 'int2', 'int4', 'int8', 'numeric']);
const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'date']);

export interface Incremental {
  method: 'cursor' | 'key' | 'cdc';
  /** cdc: the slot (see cdc-capture.ts). */
  column: string;
  /** pg_catalog type name of the column. */
  type: string;
  overlapSeconds: number;
  /** The writers' zone of a timestamp without time zone, when the config names it. */
  timeZone?: string;
  /** Whether a source index leads with the cursor column: without one, every sync scans the whole table. */
  indexed: boolean;
}

/** Whether an index of `schema.table` (not partial) starts with `column`. */
async function leadsAnIndex(db: pg.PoolClient, schema: string, table: string, column: string): Promise<boolean> {
  const { rows } = await db.query<{ indexed: boolean }>(
    `select exists (select from pg_index i
                      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                     where i.indrelid = $1::regclass and a.attname = $2 and i.indpred is null) as indexed`,
    [qualified(schema, table), column],
  );
  return rows[0]!.indexed;
}

/** The warning a cursor without an index earns (the migration never changes the source's schema itself). */
export const unindexedCursorNote = (spec: TableSpec, column: string) =>
  `warning: no index on the sync cursor ${spec.schema_in}.${spec.name} (${column}): each sync reads the whole table ` +
  `(README "Incremental sync")`;

/** Whether the table can sync incrementally; a config naming a column the table cannot use is an error. */
export async function incrementalOf(
  db: pg.PoolClient,
  spec: TableSpec,
  pair: TablePair,
): Promise<{ incremental?: Incremental; reason?: string }> {
  const sync = spec.sync;
  if (!sync) return { reason: 'no sync cursor in the config: compared in full' };
  const columns = await describeColumns(db, spec.schema_in, spec.name);
  const typeOf = (name: string) => columns.find((column) => column.name === name);
  const keyTypes = pair.primaryKey.map((name) => typeOf(name)?.type ?? '');
  if (!keyTypes.every((type) => MERGEABLE_KEY_TYPES.has(type)))
    return { reason: `primary key (${pair.primaryKey.join(', ')}) is not of integer columns: compared in full` };
  if (sync.cdc) return { incremental: { method: 'cdc', column: '', type: 'pg_lsn', overlapSeconds: 0, indexed: true } };
  const column = (sync.cursor ?? sync.key)!;
  const info = typeOf(column);
  const where = `config of ${spec.name}: sync ${sync.cursor ? 'cursor' : 'key'} ${JSON.stringify(column)}`;
  if (!info || !pair.columns.includes(column))
    throw new MigrationConfigError(`${where}: ${spec.schema_in}.${spec.name} has no such copied column`);
  if (sync.key && (pair.primaryKey.length !== 1 || pair.primaryKey[0] !== column))
    throw new MigrationConfigError(`${where}: a key cursor must be the table's one-column integer primary key`);
  if (info.typeSchema !== 'pg_catalog' || !CURSOR_TYPES.has(info.typeName))
    throw new MigrationConfigError(
      `${where}: is of type ${info.type}; a cursor must be a timestamp, timestamptz, date, integer or numeric column`,
    );
  return {
    incremental: {
      method: sync.cursor ? 'cursor' : 'key',
      column,
      type: info.typeName,
      overlapSeconds: sync.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS,
      ...(sync.time_zone ? { timeZone: sync.time_zone } : {}),
      indexed: await leadsAnIndex(db, spec.schema_in, spec.name, column),
    },
  };
}

const literal = (value: string, type: string) => `'${value.replace(/'/g, "''")}'::pg_catalog.${type}`;

/** Local times lie between UTC-12 and UTC+14: a local clock is never more than 12 hours behind UTC. */
const ANY_ZONE_MARGIN = `interval '12 hours'`;

/**
 * The earliest cursor value a write committed after the last read can carry: the last read's source clock
 * minus the overlap (the longest transaction tolerated), as the column's type. A local timestamp needs the
 * writers' zone; unknown, the earliest local time of any zone.
 */
function writtenSince(plan: Incremental, readAt: string): string {
  const clock = `${literal(readAt, 'timestamptz')} - interval '${plan.overlapSeconds} seconds'`;
  if (plan.type === 'timestamptz') return clock;
  if (plan.timeZone) return `((${clock}) at time zone ${literal(plan.timeZone, 'text')})`;
  return `((${clock}) at time zone 'UTC' - ${ANY_ZONE_MARGIN})`;
}

/**
 * The source rows (alias `t`) a sync reads: past the watermark (a key cursor: nothing else), and for a time
 * cursor also those written since the last read (late commits, equal values at the watermark). A NULL cursor
 * cannot be ordered: such rows are read every time.
 */
function changedRows(plan: Incremental, state: SyncState): string {
  const column = `t.${quoteIdent(plan.column)}`;
  const { watermark, readAt } = state;
  if (watermark === null) return 'true';
  const past = `${column} > ${literal(watermark, plan.type)}`;
  if (plan.method === 'key') return past;
  const since = TIME_TYPES.has(plan.type) && readAt ? writtenSince(plan, readAt) : literal(watermark, plan.type);
  return `(${past} or ${column} >= ${since} or ${column} is null)`;
}

/** The source's clock: its snapshot transaction's start, rendered in UTC. */
export async function sourceClock(source: pg.PoolClient): Promise<string> {
  const { rows } = await source.query<{ now: string }>('select now()::text as now');
  return rows[0]!.now;
}

/** The highest value in `table`, or `previous` if higher: the new watermark, as text in the session's settings. */
async function highest(db: pg.PoolClient, plan: Incremental, table: string, previous: string | null) {
  const column = quoteIdent(plan.column);
  const { rows } = await db.query<{ watermark: string | null; reread: string; nulls: string }>(
    `select greatest(max(${column}), $1::pg_catalog.${plan.type})::text as watermark,
            count(*) filter (where ${column} <= $1::pg_catalog.${plan.type}) as reread,
            count(*) filter (where ${column} is null) as nulls
       from ${table}`,
    [previous],
  );
  const row = rows[0]!;
  return { watermark: row.watermark, reread: Number(row.reread), nulls: Number(row.nulls) };
}

export interface IncrementalRun {
  sessions: Sessions;
  pair: TablePair;
  plan: Incremental;
  deletes: DeleteMode;
  deferDeletes: boolean;
  verify: VerifyMode;
  progress: ProgressTracker;
  signal?: AbortSignal;
}

export interface IncrementalOutcome {
  changes: { inserted: number; updated: number; deleted: number };
  pendingDeletes: number;
  bytes: number;
  verified: Checksum;
  sync: SyncCounters;
}

/** The target rows the key comparison reads: flagged rows are gone already. */
export const liveTargetRows = (pair: TablePair, deletes: DeleteMode) =>
  deletes === 'flag' && pair.hasDeletedFlag ? `t.${quoteIdent(DELETED_FLAG_COLUMN)} is null` : undefined;

export function compareKeysOf(sessions: Sessions, pair: TablePair, deletes: DeleteMode, options: DiffOptions = {}) {
  return diffKeys(
    { db: sessions.source, table: pair.sourceTable, ...(sessions.sourceTwin ? { twin: sessions.sourceTwin } : {}) },
    { db: sessions.target, table: pair.targetTable, where: liveTargetRows(pair, deletes) },
    pair.primaryKey,
    options,
  );
}

/** Deletes (or flags) the target rows with these keys. */
export async function removeKeys(db: pg.PoolClient, pair: TablePair, deletes: DeleteMode, keys: readonly Key[]) {
  if (keys.length === 0) return 0;
  const sql =
    deletes === 'delete'
      ? `delete from ${pair.targetTable} t where ${keyIn(pair.primaryKey, keys)}`
      : `update ${pair.targetTable} t set ${quoteIdent(DELETED_FLAG_COLUMN)} = now() where ${keyIn(pair.primaryKey, keys)}`;
  const { rowCount } = await db.query(sql);
  return rowCount ?? 0;
}

const overflows = (difference: KeyDifference) =>
  difference.sourceOnlyCount > KEY_LIST_CAP || difference.targetOnlyCount > KEY_LIST_CAP;

/** Too many differing keys to list (a mass delete, a cursor that missed much): the caller compares in full. */
export class TooManyDifferences extends Error {
  override name = 'TooManyDifferences';
}

/** The source rows (alias `t`) `where` keeps, staged with all their copied columns; progress as they stream. */
export function stageChanged(run: IncrementalRun, where: string) {
  run.progress.report({ phase: 'stage' });
  return stageSourceRows(run.sessions, {
    pair: run.pair,
    columns: run.pair.columns,
    where,
    signal: run.signal,
    onChunk: run.progress.chunks('stage'),
  });
}

/**
 * In the copy's transactions: stage the changed rows, upsert them, compare keys (copy the rows the cursor
 * missed, count or remove the rows gone), verify, write the watermark. Throws TooManyDifferences before
 * writing anything that the full comparison would not redo.
 */
export async function syncIncrementally(run: IncrementalRun, state: SyncState): Promise<IncrementalOutcome> {
  const { sessions, pair, plan, progress } = run;
  const readAt = await sourceClock(sessions.source);
  const where = changedRows(plan, state);
  const staged = await stageChanged(run, where);
  const read = await highest(sessions.target, plan, STAGE_TABLE, state.watermark);
  const full = run.verify === 'full' || isFullVerifyDue(state.fullVerifiedAt);
  const recorded = trustedSummary(state, full);
  const added = recorded && (await addedKeys(sessions.target, pair, run.deletes, recorded));
  const first = await progress.step('apply', () => upsertChanges(sessions, pair));
  // A table whose rows changed today likely lost some too: its whole-table key fingerprint would only say
  // so, and the ranged one would follow. Only a quiet table is worth the cheaper check first.
  const quiet = first.inserted + first.updated === 0;
  const difference = await progress.step('keys', () =>
    compareKeysOf(sessions, pair, run.deletes, {
      signal: run.signal,
      onlyIfCountsDiffer: !full && quiet,
      ...(recorded && added ? { knownTarget: withAdded(recorded, added) } : {}),
    }),
  );
  if (overflows(difference)) throw new TooManyDifferences(`${pair.label}: ${describe(difference)}`);
  const repaired = await repair(run, difference.sourceOnly);
  const deleted = run.deferDeletes ? 0 : await removeKeys(sessions.target, pair, run.deletes, difference.targetOnly);
  const pendingDeletes = run.deferDeletes ? difference.targetOnlyCount : 0;
  const touched = staged.rows + difference.sourceOnly.length;
  const verified = await progress.step('verify', () =>
    full
      ? verifyCopy(sessions, fullCheck(run, difference.targetOnly))
      : touched === 0
        ? nothingTouched() // nothing read, nothing written: the empty set is equal on both sides
        : verifyCopy(sessions, touchedCheck(run, where, difference.sourceOnly)),
  );
  await writeSyncState(sessions.target, pair.label, {
    method: plan.method,
    column: plan.column,
    watermark: read.watermark,
    readAt,
    pendingDeletes,
    pendingRanges: pendingDeletes ? difference.ranges : null,
    fullyVerified: full,
    // what the target holds once synced (the delete step keeps it if its deletes are the ones found here)
    keySummary: difference.sourceSummary ?? null,
  });
  return {
    changes: { inserted: first.inserted + repaired.inserted, updated: first.updated + repaired.updated, deleted },
    pendingDeletes,
    bytes: staged.bytes + repaired.bytes,
    verified,
    sync: {
      method: plan.method,
      rowsRead: staged.rows + difference.sourceOnly.length,
      reread: read.reread,
      keysCompared: { source: difference.source, target: difference.target },
      keysStreamed: difference.streamed,
      keysByCount: difference.compared === 'count',
      targetKeys: difference.targetRead ? 'read' : 'recorded',
      repaired: difference.sourceOnly.length,
      nullCursor: read.nulls,
      watermark: { from: state.watermark, to: read.watermark },
      verified: full ? 'full' : 'touched',
    },
  };
}

/**
 * The target's key summary the last sync recorded, unless this run checks in full or deletes it left for the
 * delete step are still pending (the target then holds more keys than it says).
 */
function trustedSummary(state: SyncState, full: boolean): KeySummary | undefined {
  return !full && state.pendingDeletes === 0 ? (state.keySummary ?? undefined) : undefined;
}

/** Before the upsert: the staged keys the target does not hold live (the upsert adds them), by the summary's ranges. */
async function addedKeys(target: pg.PoolClient, pair: TablePair, deletes: DeleteMode, summary: KeySummary) {
  const first = quoteIdent(pair.primaryKey[0]!);
  const range = summary.byRange ? rangeOf(first, summary.byRange.lo, summary.byRange.width, 's') : `''`;
  const live = liveTargetRows(pair, deletes);
  const { rows } = await target.query<{ range: string; print: string }>(
    `select ${range} as range, count(*) || ':' || bit_xor(${keyHash(pair.primaryKey, 's')}) as print
       from ${STAGE_TABLE} s
      where not exists (select from ${pair.targetTable} t
                         where ${keyMatch(pair.primaryKey, 't', 's')}${live ? ` and ${live}` : ''})
      group by 1`,
  );
  return new Map(rows.map((row) => [String(row.range), row.print]));
}

const describe = (difference: KeyDifference) =>
  `${difference.sourceOnlyCount} keys only in the source, ${difference.targetOnlyCount} only in the target ` +
  `(over ${KEY_LIST_CAP}: compared in full instead)`;

const nothingTouched = (): Promise<Checksum> => Promise.resolve({ rows: 0, checksum: '0' });

export const isFullVerifyDue = (last: Date | null) => !last || Date.now() - last.getTime() >= FULL_VERIFY_EVERY_MS;

/** Source rows whose key the target lacks after the upsert: committed late below the watermark (or never copied). */
async function repair(run: IncrementalRun, keys: readonly Key[]) {
  if (keys.length === 0) return { inserted: 0, updated: 0, bytes: 0 };
  const copied = await stageSourceRows(run.sessions, {
    pair: run.pair,
    columns: run.pair.columns,
    where: keyIn(run.pair.primaryKey, keys),
    append: true,
    signal: run.signal,
  });
  const applied = await upsertChanges(run.sessions, run.pair);
  return { ...applied, bytes: copied.bytes };
}

/** The rows this sync read (the cursor's or the log's, and the repaired ones), on both sides. */
export function touchedCheck(run: IncrementalRun, changed: string, repaired: readonly Key[]) {
  const { pair } = run;
  return {
    ...pair,
    sourceWhere: repaired.length ? `${changed} or ${keyIn(pair.primaryKey, repaired)}` : changed,
    targetWhere: `exists (select from ${STAGE_TABLE} s where ${keyMatch(pair.primaryKey, 't', 's')})`,
  };
}

/** The whole table; target rows gone from the source (`gone`, left to the delete step, or flagged) left out. */
export function fullCheck(run: IncrementalRun, gone: readonly Key[]) {
  const { pair } = run;
  const live = liveTargetRows(pair, run.deletes);
  const pending = run.deferDeletes && gone.length ? `not ${keyIn(pair.primaryKey, gone)}` : undefined;
  const where = [live, pending].filter(Boolean).join(' and ');
  return { ...pair, targetWhere: where || undefined };
}

/** After a full copy or a full comparison of an incremental table: its watermark from what the target now holds. */
export async function recordBaseline(
  sessions: Sessions,
  pair: TablePair,
  plan: Incremental,
  from: { table: string; pendingDeletes: number; keySummary?: KeySummary },
): Promise<string | null> {
  const watermark =
    plan.method === 'cdc'
      ? await capturedWatermark(sessions.target, plan.column)
      : (await highest(sessions.target, plan, from.table, null)).watermark;
  await writeSyncState(sessions.target, pair.label, {
    method: plan.method,
    column: plan.column,
    watermark,
    readAt: await sourceClock(sessions.source),
    pendingDeletes: from.pendingDeletes,
    fullyVerified: true,
    keySummary: from.keySummary ?? null,
  });
  return watermark;
}

export { readSyncState };

/** Where the slot's capture of this run got to: what a table copied now already holds. */
export async function capturedWatermark(target: pg.PoolClient, slot: string): Promise<string> {
  const lsn = await capturedLsn(target, slot);
  if (lsn === null) throw new Error(`slot ${slot}: no capture recorded in the target`);
  return lsn;
}
