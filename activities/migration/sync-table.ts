import { columnList, quoteIdent } from './catalog';
import type { Sessions } from './copy-session';
import { copyWith } from './copy-format';
import { streamCopy, type CopyCounts } from './copy-stream';
import { DELETED_FLAG_COLUMN, type TablePair } from './table-pair';

/** Session-local, dropped at commit or rollback. */
export const STAGE_TABLE = 'migration_stage';

export const keyMatch = (key: readonly string[], left: string, right: string) =>
  key.map((column) => `${left}.${quoteIdent(column)} = ${right}.${quoteIdent(column)}`).join(' and ');

export interface StageRequest {
  pair: TablePair;
  /** The columns to stage: all copied columns, or just the key. */
  columns: readonly string[];
  /** Only the source rows (alias `t`) this filter keeps: a cursor's changes. */
  where?: string;
  /** Add to the stage table of this transaction instead of creating it. */
  append?: boolean;
  signal?: AbortSignal;
  onChunk?: (counts: CopyCounts) => void;
}

/** Streams the source snapshot's rows into a temp table shaped like the target's columns (same types). */
export async function stageSourceRows(sessions: Sessions, request: StageRequest): Promise<CopyCounts> {
  const { pair, columns } = request;
  const list = columnList(columns);
  // The stage is hash-joined with the whole target table: spilling every join to disk in 4 MB
  // batches (the default) made a 1.5M-row sync about twice as slow.
  if (!request.append) {
    await sessions.target.query(`set local work_mem = '64MB'`);
    await sessions.target.query(
      `create temp table ${STAGE_TABLE} on commit drop as select ${list} from ${pair.targetTable} with no data`,
    );
  }
  const where = request.where ? ` t where ${request.where}` : '';
  const counts = await streamCopy({
    source: sessions.source,
    copyOut: `copy (select ${columnList(columns, where ? 't' : undefined)} from ${pair.sourceTable}${where}) to stdout${copyWith(pair.format)}`,
    target: sessions.target,
    copyIn: `copy ${STAGE_TABLE} (${list}) from stdin${copyWith(pair.format)}`,
    format: pair.format,
    signal: request.signal,
    onChunk: request.onChunk,
  });
  // Temp tables get no autovacuum statistics; the joins below need them to pick hash joins.
  await sessions.target.query(`analyze ${STAGE_TABLE}`);
  return counts;
}

/**
 * Writes only what differs: an UPDATE of rows whose copied values changed and an INSERT of new keys.
 * Unchanged rows are not even locked, unlike INSERT ... ON CONFLICT DO UPDATE ... WHERE, which locks
 * every conflicting row. Values compare as text, the checksum's view: numeric 1.0 and 1.00 are equal
 * to `=` but not to the checksum (and json has no `=` at all).
 */
export async function upsertChanges(
  sessions: Sessions,
  pair: TablePair,
): Promise<{ inserted: number; updated: number }> {
  const updated = await updateChanged(sessions, pair);
  const { rowCount } = await sessions.target.query(
    `insert into ${pair.targetTable} (${columnList(pair.columns)}) overriding system value
     select ${columnList(pair.columns, 's')} from ${STAGE_TABLE} s
      where not exists (select from ${pair.targetTable} t where ${keyMatch(pair.primaryKey, 't', 's')})`,
  );
  return { inserted: rowCount ?? 0, updated };
}

async function updateChanged(sessions: Sessions, pair: TablePair): Promise<number> {
  const values = pair.columns.filter((column) => !pair.primaryKey.includes(column));
  const assignments = values.map((column) => `${quoteIdent(column)} = s.${quoteIdent(column)}`);
  const changed = values.map(
    (column) => `t.${quoteIdent(column)}::text is distinct from s.${quoteIdent(column)}::text`,
  );
  if (pair.hasDeletedFlag) {
    assignments.push(`${quoteIdent(DELETED_FLAG_COLUMN)} = null`);
    changed.push(`t.${quoteIdent(DELETED_FLAG_COLUMN)} is not null`);
  }
  if (assignments.length === 0) return 0;
  const { rowCount } = await sessions.target.query(
    `update ${pair.targetTable} t set ${assignments.join(', ')}
       from ${STAGE_TABLE} s
      where ${keyMatch(pair.primaryKey, 't', 's')} and (${changed.join(' or ')})`,
  );
  return rowCount ?? 0;
}
