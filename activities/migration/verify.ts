import type pg from 'pg';
import { VerificationError } from '../../workflows/migration/errors';
import { quoteIdent } from './catalog';
import type { Sessions } from './copy-session';

type Db = pg.Pool | pg.PoolClient | pg.Client;

export interface Checksum {
  rows: number;
  checksum: string;
}

/**
 * Built-in types (of pg_catalog) whose extended hash is a function of the exact value, the same on
 * every server of a major version: two values hash alike only if they print alike. Others are hashed
 * as their text: numeric (1.0 and 1.00 hash alike), interval ('1 day' and '24 hours'), float (-0 and 0),
 * jsonb, arrays (dimensions are not hashed), enums (hashed by their OID, which differs between servers),
 * and types without a hash function (tsvector, json, point ...).
 */
const HASHED_AS_IS = new Set([
  'bool',
  'int2',
  'int4',
  'int8',
  'text',
  'varchar',
  'bpchar',
  'bytea',
  'uuid',
  'date',
  'time',
  'timestamp',
  'timestamptz',
]);
const COLLATABLE = new Set(['text', 'varchar', 'bpchar']);

/** For each column of `table`: the pg_catalog type (a domain's base type) when it is hashed as is, else null. */
async function hashedTypes(db: Db, table: string): Promise<Map<string, string | null>> {
  const { rows } = await db.query<{ name: string; hashed: string | null }>(
    `with recursive col(name, type) as (
       select a.attname, a.atttypid from pg_attribute a
        where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped
       union all
       select col.name, t.typbasetype from col join pg_type t on t.oid = col.type where t.typtype = 'd'
     )
     select col.name,
            case when t.typnamespace = 'pg_catalog'::regnamespace and t.typname = any($2) then t.typname end as hashed
       from col join pg_type t on t.oid = col.type
      where t.typtype <> 'd'`,
    [table, [...HASHED_AS_IS]],
  );
  return new Map(rows.map((row) => [row.name, row.hashed]));
}

/**
 * The checksum's per-column expressions over alias `t`, the same on both sides: a column is hashed as
 * its type (cast to it: a domain hashes as its base type, the cast is a no-op otherwise) when both
 * sides have the same such type, else as its text (the sessions fix how values print, see
 * copy-session.ts). Strings hash under "C": a nondeterministic collation would hash 'a' and 'A' alike.
 */
export async function checksumTerms(
  dbs: { source: Db; target: Db },
  tables: { sourceTable: string; targetTable: string },
  columns: readonly string[],
): Promise<string[]> {
  const [source, target] = await Promise.all([
    hashedTypes(dbs.source, tables.sourceTable),
    hashedTypes(dbs.target, tables.targetTable),
  ]);
  return columns.map((column) => {
    const type = source.get(column) ?? null;
    const value = `t.${quoteIdent(column)}`;
    if (type === null || type !== target.get(column)) return `(${value}::text collate "C")`;
    return COLLATABLE.has(type) ? `(${value}::pg_catalog.${type} collate "C")` : `${value}::pg_catalog.${type}`;
  });
}

/**
 * An order-independent checksum, so neither side sorts nor buffers: the sum (numeric: no overflow) of
 * a 64-bit hash of each row's `terms` (see checksumTerms). hash_record_extended hashes NULL fields too
 * and is several times faster than the md5 of the row's text. `where` filters alias `t`.
 */
export function checksumSql(table: string, terms: readonly string[], where?: string): string {
  return `select count(*) as rows,
                 coalesce(sum(hash_record_extended(row(${terms.join(', ')}), 0)), 0)::text as checksum
            from ${table} t
           ${where ? `where ${where}` : ''}`;
}

async function checksum(db: pg.PoolClient, sql: string): Promise<Checksum> {
  const { rows } = await db.query<{ rows: string; checksum: string }>(sql);
  const row = rows[0]!;
  return { rows: Number(row.rows), checksum: row.checksum };
}

export interface VerifyRequest {
  label: string;
  sourceTable: string;
  targetTable: string;
  columns: readonly string[];
  /** Restricts the target rows compared (e.g. not flagged as deleted). */
  targetWhere?: string;
  /** Restricts the source rows compared (e.g. a cursor's changes). */
  sourceWhere?: string;
}

/** Compares the source snapshot with the target transaction's view; both checksums run at once. */
export async function verifyCopy(sessions: Sessions, request: VerifyRequest): Promise<Checksum> {
  const terms = await checksumTerms(sessions, request, request.columns);
  const [source, target] = await Promise.all([
    checksum(sessions.source, checksumSql(request.sourceTable, terms, request.sourceWhere)),
    checksum(sessions.target, checksumSql(request.targetTable, terms, request.targetWhere)),
  ]);
  if (source.rows !== target.rows || source.checksum !== target.checksum) {
    throw new VerificationError(
      `${request.label}: source has ${source.rows} rows (checksum ${source.checksum}), ` +
        `target has ${target.rows} rows (checksum ${target.checksum})`,
    );
  }
  return target;
}
