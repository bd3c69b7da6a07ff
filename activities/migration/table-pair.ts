import { MigrationConfigError, SchemaIncompatibleError } from '../../workflows/migration/errors';
import type { TableSpec } from '../../workflows/migration/types';
import { describeColumns, primaryKey, qualified, referencingTables, type ColumnInfo } from './catalog';
import type { Sessions } from './copy-session';
import { copyFormatOf, type CopyFormat } from './copy-format';

/** Target-only column that `deletes: 'flag'` sets on rows gone from the source. */
export const DELETED_FLAG_COLUMN = '_deleted_at';

/** One table as both sides see it, read inside the copy's transactions. */
export interface TablePair {
  /** `schema_out.name`, for messages. */
  label: string;
  sourceTable: string;
  targetTable: string;
  /** Written by the copy: the source's non-generated columns that the target has (and can write). */
  columns: string[];
  /** The source's primary key, empty when it has none (or the copy does not carry all of it). */
  primaryKey: string[];
  /** Target tables whose foreign keys reference this one. */
  referencedBy: string[];
  targetEmpty: boolean;
  hasDeletedFlag: boolean;
  /** The target is an ordinary table (not partitioned): COPY FREEZE applies to it. */
  plainTable: boolean;
  /** How the copied columns travel: binary when both servers read them alike. */
  format: CopyFormat;
}

const writable = (column: ColumnInfo) => column.generated === null;

export async function describePair(sessions: Sessions, spec: TableSpec): Promise<TablePair> {
  const label = `${spec.schema_out}.${spec.name}`;
  const sourceColumns = await describeColumns(sessions.source, spec.schema_in, spec.name);
  const key = await primaryKey(sessions.source, spec.schema_in, spec.name);
  const targetColumns = await describeColumns(sessions.target, spec.schema_out, spec.name);
  if (sourceColumns.length === 0)
    throw new MigrationConfigError(`${spec.schema_in}.${spec.name}: no such source table`);
  if (targetColumns.length === 0) throw new SchemaIncompatibleError(`${label}: no such target table`);

  const targetWritable = new Set(targetColumns.filter(writable).map((column) => column.name));
  const columns = sourceColumns
    .filter((column) => writable(column) && targetWritable.has(column.name))
    .map((c) => c.name);
  if (columns.length === 0) throw new SchemaIncompatibleError(`${label}: no column in common with the source`);

  const targetTable = qualified(spec.schema_out, spec.name);
  const sourceTable = qualified(spec.schema_in, spec.name);
  return {
    label,
    sourceTable,
    targetTable,
    columns,
    primaryKey: key.every((column) => columns.includes(column)) ? key : [],
    referencedBy: await referencingTables(sessions.target, spec.schema_out, spec.name),
    targetEmpty: await isEmpty(sessions, targetTable),
    hasDeletedFlag: targetColumns.some((column) => column.name === DELETED_FLAG_COLUMN),
    plainTable: await isPlainTable(sessions, targetTable),
    format: await copyFormatOf(sessions, { sourceTable, targetTable }, columns),
  };
}

async function isEmpty(sessions: Sessions, table: string): Promise<boolean> {
  const { rows } = await sessions.target.query<{ empty: boolean }>(`select not exists (select from ${table}) as empty`);
  return rows[0]!.empty;
}

async function isPlainTable(sessions: Sessions, table: string): Promise<boolean> {
  const { rows } = await sessions.target.query<{ plain: boolean }>(
    `select relkind = 'r' as plain from pg_class where oid = $1::regclass`,
    [table],
  );
  return rows[0]?.plain ?? false;
}
