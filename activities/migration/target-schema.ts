// Builds the target schema from the source catalog. Pre-data (here): schemas, enum types, domains,
// sequences, tables with their CHECK constraints. After the rows, because that is faster: each table's
// keys and indexes (table-keys.ts, built by its copy), then foreign keys and sequence positions
// (target-post-data.ts).
import type pg from 'pg';
import { SchemaIncompatibleError } from '../../workflows/migration/errors';
import { tableExists } from './catalog';
import { incompatibilities, incompatibleMessage } from './compatibility';
import * as ddl from './ddl';
import { readSourceTables, withQualifiedNames, type SourceSequence, type SourceTable } from './introspect';
import { readNotReplicated } from './introspect-objects';
import type { SourceType } from './introspect-types';
import { lockTargetSchema, relationMap, targetOf, unique, type SchemaInput } from './schema-config';
import { displayName, nameKey, quotedName, type NameMap, type QualifiedName } from './sql-names';

export { finishTargetSchema, type FinishResult } from './target-post-data';
export type { SchemaInput } from './schema-config';

export interface PrepareInput extends SchemaInput {
  /** Drop (cascade) and recreate existing target tables that do not match the source, instead of failing. */
  recreate?: boolean;
}

/** Tables as `schema_out.name`; notReplicated as e.g. `function public.last_updated()`. */
export interface PrepareResult {
  created: string[];
  reused: string[];
  recreated: string[];
  notReplicated: string[];
  /**
   * Config table names whose target table has no foreign key yet (all of them on a first run, whose
   * foreign keys come after the rows): they may load before the tables they depend on.
   */
  withoutForeignKeys: string[];
  /** Config table name -> the source's row estimate (its statistics; -1: never analyzed). */
  estimatedRows?: Record<string, number>;
}

type Plan = 'create' | 'reuse' | 'recreate';

interface PlannedTable {
  table: SourceTable;
  target: QualifiedName;
  names: NameMap;
  plan: Plan;
}

/** A table's own types and sequences move to its schema_out along with it. */
function tableNames(table: SourceTable, relations: NameMap): NameMap {
  const names = new Map(relations);
  for (const { name } of [...table.types, ...table.sequences]) {
    names.set(nameKey(name.schema, name.name), { schema: table.spec.schema_out, name: name.name });
  }
  return names;
}

const renamed = (names: NameMap, name: QualifiedName): QualifiedName =>
  names.get(nameKey(name.schema, name.name)) ?? name;

async function planTables(db: pg.PoolClient, tables: SourceTable[], recreate: boolean): Promise<PlannedTable[]> {
  const relations = relationMap(tables.map((table) => table.spec));
  const planned: PlannedTable[] = [];
  const failures = [];
  for (const table of tables) {
    const target = targetOf(table.spec);
    const names = tableNames(table, relations);
    let plan: Plan = 'create';
    if (await tableExists(db, target.schema, target.name)) {
      const problems = await incompatibilities(db, table, target, names);
      if (problems.length > 0 && !recreate) failures.push({ table, target, problems });
      plan = problems.length > 0 ? 'recreate' : 'reuse';
    }
    planned.push({ table, target, names, plan });
  }
  if (failures.length > 0) throw new SchemaIncompatibleError(incompatibleMessage(failures));
  return planned;
}

async function existingType(db: pg.PoolClient, name: QualifiedName): Promise<{ labels: string[] } | undefined> {
  const { rows } = await db.query<{ labels: string[] }>(
    `select array(select enumlabel::text from pg_enum where enumtypid = t.oid order by enumsortorder) as labels
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = $1 and t.typname = $2`,
    [name.schema, name.name],
  );
  return rows[0];
}

/** Existing enums gain the labels they lack; existing domains are left as they are. */
async function createType(db: pg.PoolClient, type: SourceType, names: NameMap): Promise<void> {
  const target = renamed(names, type.name);
  const existing = await existingType(db, target);
  if (type.kind === 'domain') {
    if (!existing) await db.query(ddl.createDomainSql(target, type, names));
  } else if (!existing) {
    await db.query(ddl.createEnumSql(target, type.labels));
  } else {
    const missing = type.labels.filter((label) => !existing.labels.includes(label));
    for (const label of missing) await db.query(ddl.addEnumLabelSql(target, label));
  }
}

async function createTypesAndSequences(db: pg.PoolClient, planned: PlannedTable[]): Promise<void> {
  for (const { table, names } of planned) {
    for (const type of table.types) await createType(db, type, names);
    for (const sequence of table.sequences) {
      await db.query(ddl.createSequenceSql(renamed(names, sequence.name), sequence.options));
    }
  }
}

/** OWNED BY needs the sequence and its table in one schema; a sequence owned elsewhere stays free. */
async function ownSequence(db: pg.PoolClient, sequence: SourceSequence, names: NameMap): Promise<void> {
  if (!sequence.owner) return;
  const target = renamed(names, sequence.name);
  const owner = names.get(nameKey(sequence.owner.table.schema, sequence.owner.table.name));
  if (owner && owner.schema === target.schema)
    await db.query(ddl.sequenceOwnerSql(target, owner, sequence.owner.column));
}

async function applyPreData(db: pg.PoolClient, tables: SourceTable[], recreate: boolean) {
  await lockTargetSchema(db);
  for (const schema of unique(tables.map((table) => table.spec.schema_out)))
    await db.query(ddl.createSchemaSql(schema));
  const planned = await planTables(db, tables, recreate);
  // Dropped before the sequences are created: a cascade would take the sequences the table owns along.
  for (const { target, plan } of planned) if (plan === 'recreate') await db.query(ddl.dropTableSql(target));
  await createTypesAndSequences(db, planned);
  for (const { table, target, names, plan } of planned) {
    // Keys come after the rows (table-keys.ts); checks stay, they cost little per row.
    const checks = table.constraints.filter((constraint) => constraint.kind === 'c');
    if (plan !== 'reuse')
      await db.query(ddl.createTableSql(target, { columns: table.columns, constraints: checks }, names));
  }
  for (const { table, names } of planned)
    for (const sequence of table.sequences) await ownSequence(db, sequence, names);
  const named = (plan: Plan) =>
    planned.filter((entry) => entry.plan === plan).map((entry) => displayName(entry.target));
  const withoutForeignKeys: string[] = [];
  for (const { table, target } of planned)
    if (!(await hasForeignKeys(db, target))) withoutForeignKeys.push(table.spec.name);
  return { created: named('create'), reused: named('reuse'), recreated: named('recreate'), withoutForeignKeys };
}

async function hasForeignKeys(db: pg.PoolClient, table: QualifiedName): Promise<boolean> {
  const { rowCount } = await db.query(`select 1 from pg_constraint where conrelid = $1::regclass and contype = 'f'`, [
    quotedName(table),
  ]);
  return (rowCount ?? 0) > 0;
}

/** Idempotent: creates what is missing, reuses compatible tables, all in one target transaction. */
export async function prepareTargetSchema(input: PrepareInput): Promise<PrepareResult> {
  const schemasIn = unique(input.tables.map((spec) => spec.schema_in));
  const { tables, notReplicated, estimatedRows } = await withQualifiedNames(input.source, async (db) => ({
    tables: await readSourceTables(db, input.tables),
    notReplicated: await readNotReplicated(db, schemasIn),
    estimatedRows: await readEstimatedRows(db, input.tables),
  }));
  const result = await withQualifiedNames(input.target, (db) => applyPreData(db, tables, input.recreate ?? false));
  return { ...result, notReplicated, estimatedRows };
}

/** The planner's row estimate of each source table: free to read, good enough to tell small tables from big ones. */
async function readEstimatedRows(db: pg.PoolClient, specs: PrepareInput['tables']): Promise<Record<string, number>> {
  const { rows } = await db.query<{ name: string; estimate: string }>(
    `select n.name, coalesce(c.reltuples, -1)::bigint::text as estimate
       from unnest($1::text[], $2::text[]) as n(name, qualified)
       left join pg_class c on c.oid = to_regclass(n.qualified)`,
    [specs.map((spec) => spec.name), specs.map((spec) => quotedName({ schema: spec.schema_in, name: spec.name }))],
  );
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.estimate)]));
}
