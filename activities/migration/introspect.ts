// Catalog reads of one source table: columns, PK/UNIQUE/CHECK/EXCLUDE constraints, sequences fed by defaults.
import type pg from 'pg';
import type { TableSpec } from '../../workflows/migration/types';
import { MigrationConfigError } from '../../workflows/migration/errors';
import { primaryKey, qualified, tableExists } from './catalog';
import { readUsedTypes, type SourceType } from './introspect-types';
import type { QualifiedName } from './sql-names';

export interface SequenceOptions {
  dataType: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
}

export interface SourceColumn {
  name: string;
  /** format_type() with an empty search_path: user types come schema-qualified. */
  type: string;
  notNull: boolean;
  default: string | null;
  generated: string | null;
  identity: '' | 'a' | 'd';
  identityOptions: SequenceOptions | null;
  collation: QualifiedName | null;
}

export interface SourceConstraint {
  name: string;
  definition: string;
  /** p(rimary key), u(nique), c(heck), (e)x(clude): pre-data creates only the checks, see table-keys.ts. */
  kind: 'p' | 'u' | 'c' | 'x';
}

export interface SourceSequence {
  name: QualifiedName;
  options: SequenceOptions;
  /** OWNED BY: the archive's sequences have none, the generator's do. */
  owner: { table: QualifiedName; column: string } | null;
}

export interface SourceTable {
  spec: TableSpec;
  columns: SourceColumn[];
  primaryKey: string[];
  constraints: SourceConstraint[];
  sequences: SourceSequence[];
  types: SourceType[];
}

/** Runs fn in one transaction whose empty search_path makes Postgres print every non-catalog name qualified. */
export async function withQualifiedNames<T>(pool: pg.Pool, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('begin');
    await client.query(`select set_config('search_path', '', true)`);
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    failed = await client.query('rollback').then(
      () => false,
      () => true,
    );
    throw error;
  } finally {
    client.release(failed);
  }
}

const SEQUENCE_OPTIONS = `format_type(q.seqtypid, null) as "dataType", q.seqstart::text as start,
  q.seqincrement::text as increment, q.seqmin::text as min, q.seqmax::text as max,
  q.seqcache::text as cache, q.seqcycle as cycle`;

type ColumnRow = Omit<SourceColumn, 'identityOptions' | 'collation'> &
  SequenceOptions & { collationSchema: string | null; collationName: string | null };

async function readColumns(db: pg.PoolClient, table: string): Promise<SourceColumn[]> {
  const { rows } = await db.query<ColumnRow>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as "notNull",
            case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default,
            case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid) end as generated,
            a.attidentity as identity, cn.nspname as "collationSchema", co.collname as "collationName",
            ${SEQUENCE_OPTIONS}
       from pg_attribute a
       join pg_type t on t.oid = a.atttypid
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
       left join pg_collation co on co.oid = a.attcollation and a.attcollation <> t.typcollation
       left join pg_namespace cn on cn.oid = co.collnamespace
       left join lateral (
              select q.* from pg_depend dep join pg_sequence q on q.seqrelid = dep.objid
               where dep.classid = 'pg_class'::regclass and dep.refclassid = 'pg_class'::regclass
                 and dep.refobjid = a.attrelid and dep.refobjsubid = a.attnum and dep.deptype = 'i') q on true
      where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [table],
  );
  return rows.map((row) => ({
    name: row.name,
    type: row.type,
    notNull: row.notNull,
    default: row.default,
    generated: row.generated,
    identity: row.identity,
    identityOptions: row.identity ? sequenceOptions(row) : null,
    collation:
      row.collationSchema && row.collationName ? { schema: row.collationSchema, name: row.collationName } : null,
  }));
}

const sequenceOptions = (row: SequenceOptions): SequenceOptions => ({
  dataType: row.dataType,
  start: row.start,
  increment: row.increment,
  min: row.min,
  max: row.max,
  cache: row.cache,
  cycle: row.cycle,
});

async function readConstraints(db: pg.PoolClient, table: string): Promise<SourceConstraint[]> {
  const { rows } = await db.query<SourceConstraint>(
    `select conname as name, pg_get_constraintdef(oid) as definition, contype as kind
       from pg_constraint
      where conrelid = $1::regclass and contype in ('p', 'u', 'c', 'x')
      order by contype = 'p' desc, conname`,
    [table],
  );
  return rows;
}

type SequenceRow = SequenceOptions & {
  schema: string;
  name: string;
  ownerSchema: string | null;
  ownerTable: string | null;
  ownerColumn: string | null;
};

/** Sequences the column defaults call nextval() on, found by dependency rather than by parsing the default. */
async function readDefaultSequences(db: pg.PoolClient, table: string): Promise<SourceSequence[]> {
  const { rows } = await db.query<SequenceRow>(
    `select distinct sn.nspname as schema, s.relname as name, ${SEQUENCE_OPTIONS},
            own_n.nspname as "ownerSchema", own_c.relname as "ownerTable", own_a.attname as "ownerColumn"
       from pg_attrdef ad
       join pg_depend d on d.classid = 'pg_attrdef'::regclass and d.objid = ad.oid and d.refclassid = 'pg_class'::regclass
       join pg_class s on s.oid = d.refobjid and s.relkind = 'S'
       join pg_namespace sn on sn.oid = s.relnamespace
       join pg_sequence q on q.seqrelid = s.oid
       left join pg_depend o on o.classid = 'pg_class'::regclass and o.objid = s.oid
                            and o.refclassid = 'pg_class'::regclass and o.deptype = 'a'
       left join pg_class own_c on own_c.oid = o.refobjid
       left join pg_namespace own_n on own_n.oid = own_c.relnamespace
       left join pg_attribute own_a on own_a.attrelid = o.refobjid and own_a.attnum = o.refobjsubid
      where ad.adrelid = $1::regclass
      order by 1, 2`,
    [table],
  );
  return rows.map((row) => ({
    name: { schema: row.schema, name: row.name },
    options: sequenceOptions(row),
    owner:
      row.ownerSchema && row.ownerTable && row.ownerColumn
        ? { table: { schema: row.ownerSchema, name: row.ownerTable }, column: row.ownerColumn }
        : null,
  }));
}

async function readSourceTable(db: pg.PoolClient, spec: TableSpec): Promise<SourceTable> {
  if (!(await tableExists(db, spec.schema_in, spec.name))) {
    throw new MigrationConfigError(`source table ${spec.schema_in}.${spec.name} does not exist`);
  }
  const table = qualified(spec.schema_in, spec.name);
  return {
    spec,
    columns: await readColumns(db, table),
    primaryKey: await primaryKey(db, spec.schema_in, spec.name),
    constraints: await readConstraints(db, table),
    sequences: await readDefaultSequences(db, table),
    types: await readUsedTypes(db, table, spec.schema_in),
  };
}

export async function readSourceTables(db: pg.PoolClient, tables: TableSpec[]): Promise<SourceTable[]> {
  const result: SourceTable[] = [];
  for (const spec of tables) result.push(await readSourceTable(db, spec));
  return result;
}
