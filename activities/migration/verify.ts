import type pg from 'pg';
import { VerificationError } from '../../workflows/migration/errors';
import { perColumnType, quoteIdent } from './catalog';
import type { Sessions } from './copy-session';
import { roomForRanges } from './key-merge';

type Db = pg.Pool | pg.PoolClient | pg.Client;

export interface Checksum {
  rows: number;
  checksum: string;
  /** With VerifyRequest.keyPrints: per range, the target rows' key count and XOR of their hashes (`count:xor`). */
  keyPrints?: Map<string, string>;
}

/**
 * The extended hash function of a type's default hash operator class, where SQL can call it on a value
 * (what hash_record_extended calls per field), with a seed. Strings hash under "C":
 * a nondeterministic collation would hash 'a' and 'A' alike.
 */
type HashCall = (value: string, seed: number) => string;

/**
 * A numeric column with a declared scale (numeric(p,s)): every value is stored at that scale, so two values
 * hash alike only if they print alike, and the hash skips numeric_out (payment's checksum in 3.0 s instead of 3.7
 * to 5.4 s on 9M rows). Both sides must declare the same precision and scale.
 */
const FIXED_NUMERIC = 'numeric(p,s)';
const text: HashCall = (value, seed) => `pg_catalog.hashtextextended(${value}::pg_catalog.text collate "C", ${seed})`;
const HASH_CALL: Record<string, HashCall> = {
  int2: (value, seed) => `pg_catalog.hashint2extended(${value}, ${seed})`,
  int4: (value, seed) => `pg_catalog.hashint4extended(${value}, ${seed})`,
  int8: (value, seed) => `pg_catalog.hashint8extended(${value}, ${seed})`,
  text,
  varchar: text,
  bpchar: (value, seed) => `pg_catalog.hashbpcharextended(${value}::pg_catalog.bpchar collate "C", ${seed})`,
  uuid: (value, seed) => `pg_catalog.uuid_hash_extended(${value}, ${seed})`,
  time: (value, seed) => `pg_catalog.time_hash_extended(${value}, ${seed})`,
  timestamp: (value, seed) => `pg_catalog.timestamp_hash_extended(${value}, ${seed})`,
  timestamptz: (value, seed) => `pg_catalog.timestamp_hash_extended(${value} at time zone 'UTC', ${seed})`,
  [FIXED_NUMERIC]: (value, seed) => `pg_catalog.hash_numeric_extended(${value}, ${seed})`,
};

/**
 * Built-in types (of pg_catalog) whose extended hash is a function of the exact value, the same on
 * every server of a major version: two values hash alike only if they print alike. Others are hashed
 * as their text: numeric without a declared scale (1.0 and 1.00 hash alike), interval ('1 day' and
 * '24 hours'), float (-0 and 0), jsonb, arrays (dimensions are not hashed), enums (hashed by their OID,
 * which differs between servers), and types without a hash function (tsvector, json, point ...). bool, bytea and date have no hash function
 * SQL can call: they go through hash_record_extended of the single value.
 */
const HASHED_AS_IS = new Set([...Object.keys(HASH_CALL), 'bool', 'bytea', 'date']);

/**
 * For each column of `table`: the pg_catalog type (a domain's base type) when it is hashed as is, else null.
 * A numeric column declared with a scale is `numeric(p,s)` with its typmod, e.g. `numeric(p,s) 327686`.
 */
async function hashedTypes(db: Db, table: string): Promise<Map<string, string | null>> {
  const types = await perColumnType<string | null>(
    db,
    table,
    `case when t.typnamespace = 'pg_catalog'::regnamespace and t.typname = any($2) then t.typname end`,
    [[...HASHED_AS_IS]],
  );
  const { rows } = await db.query<{ name: string; typmod: number }>(
    `select attname as name, atttypmod as typmod from pg_attribute
      where attrelid = $1::regclass and atttypid = 'pg_catalog.numeric'::regtype and atttypmod >= 0 and not attisdropped`,
    [table],
  );
  for (const { name, typmod } of rows) types.set(name, `${FIXED_NUMERIC} ${typmod}`);
  return types;
}

/** One column's 64-bit hash under `seed` (its position), or `-seed` when it is NULL. */
function columnHash(value: string, type: string | null, seed: number): string {
  const call = type === null ? text : HASH_CALL[type.startsWith(FIXED_NUMERIC) ? FIXED_NUMERIC : type];
  const hash = call ? call(value, seed) : `pg_catalog.hash_record_extended(row(${value}::pg_catalog.${type}), ${seed})`;
  return `coalesce(${hash}, ${-seed})`;
}

/**
 * The checksum's per-column hashes over alias `t`, the same on both sides: a column is hashed as its
 * type (a domain as its base type) when both sides have the same such type, else as its text (the
 * sessions fix how values print, see copy-session.ts). Each is seeded by the column's position, so
 * values swapped between columns change the row's hash.
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
  return columns.map((column, index) => {
    const type = source.get(column) ?? null;
    return columnHash(`t.${quoteIdent(column)}`, type !== null && type === target.get(column) ? type : null, index + 1);
  });
}

/**
 * An order-independent checksum, so neither side sorts nor buffers: the sum (numeric: no overflow) of
 * a 64-bit hash of each row, its columns' seeded hashes (checksumTerms) XORed and mixed once more.
 * Calling each type's hash function directly takes half the time of hash_record_extended over a row
 * constructor, which forms and takes apart a record per row. `where` filters alias `t`.
 */
export function checksumSql(table: string, terms: readonly string[], where?: string, keys?: KeyPrints): string {
  const byRange = keys ? `${keys.range} as range, ` : '';
  const keyPrint = keys ? `, count(*) || ':' || bit_xor(${keys.hash}) as key_print` : '';
  return `select ${byRange}count(*) as rows,
                 coalesce(sum(pg_catalog.hashint8extended(${terms.length ? terms.join(' # ') : '0'}, 0)), 0)::text as checksum
                 ${keyPrint}
            from ${table} t
           ${where ? `where ${where}` : ''}
           ${keys ? 'group by 1' : ''}`;
}

/** The rows' count and checksum, summed over the groups when the query sums up keys by range too. */
async function checksum(db: pg.PoolClient, sql: string, keys?: KeyPrints): Promise<Checksum> {
  if (keys) await roomForRanges(db);
  const { rows } = await db.query<{ rows: string; checksum: string; range?: string; key_print?: string }>(sql);
  const count = rows.reduce((sum, row) => sum + Number(row.rows), 0);
  const total = rows.reduce((sum, row) => sum + BigInt(row.checksum), 0n);
  return {
    rows: count,
    checksum: String(total),
    ...(keys ? { keyPrints: new Map(rows.map((row) => [String(row.range), row.key_print!])) } : {}),
  };
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
  /** The target's checksum query sums up its keys by range too, in the same pass (key-merge.ts keyLayout). */
  keyPrints?: KeyPrints;
}

/** A key hash and a range over alias `t`. */
export interface KeyPrints {
  hash: string;
  range: string;
}

/** Compares the source snapshot with the target transaction's view; both checksums run at once. */
export async function verifyCopy(sessions: Sessions, request: VerifyRequest): Promise<Checksum> {
  const terms = await checksumTerms(sessions, request, request.columns);
  const [source, target] = await Promise.all([
    checksum(sessions.source, checksumSql(request.sourceTable, terms, request.sourceWhere)),
    checksum(
      sessions.target,
      checksumSql(request.targetTable, terms, request.targetWhere, request.keyPrints),
      request.keyPrints,
    ),
  ]);
  if (source.rows !== target.rows || source.checksum !== target.checksum) {
    throw new VerificationError(
      `${request.label}: source has ${source.rows} rows (checksum ${source.checksum}), ` +
        `target has ${target.rows} rows (checksum ${target.checksum})`,
    );
  }
  return target;
}
