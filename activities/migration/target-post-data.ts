// Post-data: keys and indexes (unless the copy built them), foreign keys between config tables
// (foreign-keys.ts) and sequence positions, once the rows are in.
import pg from 'pg';
import type { TableSpec } from '../../workflows/migration/types';
import { qualified } from './catalog';
import { withQualifiedNames } from './introspect';
import { addForeignKeys, validateForeignKeys } from './foreign-keys';
import { readForeignKeys, type SourceForeignKey } from './introspect-objects';
import { lockTargetSchema, relationMap, targetOf, type SchemaInput } from './schema-config';
import { quotedName, type NameMap } from './sql-names';
import { buildTableKeys, readTableKeys, type BuiltKeys, type TableKeys } from './table-keys';

/**
 * One line per object: `dvd_rental.rental.rental_pkey: created`, `dvd_rental.idx_title: present`,
 * `...: skipped (...)`, `dvd_rental.actor_actor_id_seq = 200`. A full copy builds its table's keys and
 * indexes itself (copy-table.ts), so after one they are reported present.
 */
export interface FinishResult {
  keys: string[];
  indexes: string[];
  foreignKeys: string[];
  sequences: string[];
}

interface PostData extends TableKeys {
  foreignKeys: SourceForeignKey[];
}

async function readPostData(db: pg.PoolClient, tables: TableSpec[]): Promise<PostData[]> {
  const result: PostData[] = [];
  for (const spec of tables) {
    const foreignKeys = await readForeignKeys(db, qualified(spec.schema_in, spec.name));
    result.push({ ...(await readTableKeys(db, spec)), foreignKeys });
  }
  return result;
}

async function buildKeys(db: pg.PoolClient, tables: PostData[], relations: NameMap): Promise<BuiltKeys> {
  const built: BuiltKeys = { keys: [], indexes: [] };
  for (const table of tables) {
    const { keys, indexes } = await buildTableKeys(db, table, relations);
    built.keys.push(...keys);
    built.indexes.push(...indexes);
  }
  return built;
}

interface FedColumn {
  oid: number;
  sequence: string;
  start: string;
  min: string;
  /** Quoted target table. */
  table: string;
  column: string;
}

/** Columns a sequence feeds: through nextval() defaults or as the column's identity. */
async function fedColumns(db: pg.PoolClient, table: string): Promise<FedColumn[]> {
  const { rows } = await db.query<Omit<FedColumn, 'table'>>(
    `select s.oid::int as oid, s.oid::regclass::text as sequence, q.seqstart::text as start, q.seqmin::text as min, a.attname as column
       from (select d.refobjid as seq, ad.adnum as attnum
               from pg_attrdef ad join pg_depend d on d.classid = 'pg_attrdef'::regclass and d.objid = ad.oid
                                                  and d.refclassid = 'pg_class'::regclass
              where ad.adrelid = $1::regclass
             union
             select d.objid, d.refobjsubid
               from pg_depend d
              where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
                and d.refobjid = $1::regclass and d.deptype = 'i' and d.refobjsubid > 0) f
       join pg_class s on s.oid = f.seq and s.relkind = 'S'
       join pg_sequence q on q.seqrelid = s.oid
       join pg_attribute a on a.attrelid = $1::regclass and a.attnum = f.attnum`,
    [table],
  );
  return rows.map((row) => ({ ...row, table }));
}

/** setval to the largest value any fed column holds; empty tables put the sequence back to its start. */
async function advanceSequence(db: pg.PoolClient, columns: FedColumn[]): Promise<string> {
  const first = columns[0]!;
  const maxima = columns.map((fed) => `(select max(${pg.escapeIdentifier(fed.column)})::bigint from ${fed.table})`);
  const { rows } = await db.query<{ value: string; empty: boolean }>(
    `select setval($1::oid::regclass, case when top is null then $3::bigint else greatest(top, $2::bigint) end, top is not null)::text as value,
            top is null as empty
       from (select greatest(${maxima.join(', ')}) as top) maxima`,
    [first.oid, first.min, first.start],
  );
  const row = rows[0]!;
  return `${first.sequence} = ${row.value}${row.empty ? ' (empty, not called yet)' : ''}`;
}

async function advanceSequences(db: pg.PoolClient, tables: TableSpec[]): Promise<string[]> {
  const bySequence = new Map<number, FedColumn[]>();
  for (const spec of tables) {
    for (const fed of await fedColumns(db, quotedName(targetOf(spec)))) {
      bySequence.set(fed.oid, [...(bySequence.get(fed.oid) ?? []), fed]);
    }
  }
  const lines: string[] = [];
  for (const columns of bySequence.values()) lines.push(await advanceSequence(db, columns));
  return lines;
}

/** Idempotent: skips keys, indexes and foreign keys already present, re-positions every sequence. */
export async function finishTargetSchema(input: SchemaInput): Promise<FinishResult> {
  const tables = await withQualifiedNames(input.source, (db) => readPostData(db, input.tables));
  const relations = relationMap(input.tables);
  const { result, unvalidated } = await withQualifiedNames(input.target, async (db) => {
    await lockTargetSchema(db);
    const keys = await buildKeys(db, tables, relations);
    const foreignKeys = await addForeignKeys(db, tables, relations);
    const sequences = await advanceSequences(db, input.tables);
    return { result: { ...keys, foreignKeys: foreignKeys.lines, sequences }, unvalidated: foreignKeys.unvalidated };
  });
  await validateForeignKeys(input.target, unvalidated);
  return result;
}
