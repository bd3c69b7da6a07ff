// Derives a migration config from the source catalog: one entry per table, depends_on from foreign keys.
import type pg from 'pg';
import { parseMigrationConfig } from '../../workflows/migration/config';
import { identifierProblem } from '../../workflows/shared/identifiers';
import { MigrationConfigError } from '../../workflows/migration/errors';
import { findCycles, formatCycle, planMigration } from '../../workflows/migration/plan';
import type { SyncSpec, TableSpec } from '../../workflows/migration/types';
import { primaryKey } from './catalog';

type Db = pg.Pool | pg.PoolClient | pg.Client;

export interface GenerateConfigOptions {
  db: Db;
  schemaIn: string;
  schemaOut: string;
  /** Default: every table of schemaIn. */
  tables?: string[];
  /** Tables with this column sync by it (`sync.cursor`); default last_update. */
  cursor?: string;
  /** Tables to sync by their integer primary key (`sync.key`): rows are only ever added. */
  appendOnly?: string[];
  /** Tables to sync by the source's write-ahead log (`sync: cdc`; README "CDC"). */
  cdc?: string[];
}

export interface GeneratedConfig {
  /** In plan order: tables without dependencies first. */
  tables: TableSpec[];
  /** Foreign keys left out of depends_on, and why. */
  warnings: string[];
}

interface ForeignKey {
  table: string;
  constraint: string;
  refSchema: string;
  refTable: string;
}

async function listTables(db: Db, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition
      order by c.relname`,
    [schema],
  );
  return rows.map((row) => row.name);
}

/** Top-level constraints only: those PostgreSQL clones onto partitions have a conparentid. */
async function foreignKeys(db: Db, schema: string): Promise<ForeignKey[]> {
  const { rows } = await db.query<ForeignKey>(
    `select c.relname as table, k.conname as constraint, rn.nspname as "refSchema", r.relname as "refTable"
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_class r on r.oid = k.confrelid
       join pg_namespace rn on rn.oid = r.relnamespace
      where k.contype = 'f' and k.conparentid = 0 and n.nspname = $1
      order by c.relname, k.conname`,
    [schema],
  );
  return rows;
}

function selectTables(available: string[], requested: string[] | undefined, schema: string): string[] {
  if (!requested) {
    if (available.length === 0)
      throw new MigrationConfigError(`schema ${JSON.stringify(schema)} of the source holds no tables`);
    return available;
  }
  const missing = requested.filter((table) => !available.includes(table));
  if (missing.length > 0) {
    throw new MigrationConfigError(
      `not tables of schema ${JSON.stringify(schema)} in the source: ${missing.join(', ')}`,
    );
  }
  return [...new Set(requested)].sort();
}

function dependencies(
  tables: string[],
  keys: ForeignKey[],
  schema: string,
  warnings: string[],
): Map<string, Set<string>> {
  const dependsOn = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const key of keys) {
    const deps = dependsOn.get(key.table);
    const sameSchema = key.refSchema === schema;
    // A self-reference orders rows of one table, not tables.
    if (!deps || (sameSchema && key.refTable === key.table)) continue;
    if (sameSchema && dependsOn.has(key.refTable)) deps.add(key.refTable);
    else
      warnings.push(
        `${key.table}.${key.constraint} references ${key.refSchema}.${key.refTable}, which is not in the config: it must already be in the target`,
      );
  }
  return dependsOn;
}

const toSpecs = (dependsOn: Map<string, Set<string>>, schemaIn: string, schemaOut: string): TableSpec[] =>
  [...dependsOn].map(([name, deps]) => ({
    name,
    schema_in: schemaIn,
    schema_out: schemaOut,
    depends_on: [...deps].sort(),
  }));

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Drops one dependency per cycle until none is left: the last edge, by name, of the cycle found.
 * Loadable either way, since the migration creates foreign keys after the data.
 */
function breakCycles(dependsOn: Map<string, Set<string>>, warnings: string[]): void {
  for (;;) {
    const cycle = findCycles(toSpecs(dependsOn, '', ''))[0];
    if (!cycle) return;
    const edges = cycle.slice(1).map((to, index) => [cycle[index]!, to] as const);
    const [from, to] = edges.sort(([a, b], [c, d]) => compare(a, c) || compare(b, d)).at(-1)!;
    dependsOn.get(from)!.delete(to);
    warnings.push(`foreign keys form a cycle ${formatCycle(cycle)}: dropped the dependency ${from} -> ${to}`);
  }
}

function checkSchemaNames(schemaIn: string, schemaOut: string): void {
  const problems = Object.entries({ schemaIn, schemaOut }).flatMap(([option, value]) => {
    const problem = identifierProblem(value);
    return problem ? [`${option}: ${problem}`] : [];
  });
  if (problems.length > 0) throw new MigrationConfigError(problems.join('\n'));
}

/** Tables of `schema` with a column named `column`. */
async function tablesWithColumn(db: Db, schema: string, column: string): Promise<Set<string>> {
  const { rows } = await db.query<{ table: string }>(
    `select c.relname as table from pg_attribute a join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and a.attname = $2 and a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p')`,
    [schema, column],
  );
  return new Set(rows.map((row) => row.table));
}

/** The log for cdc tables, a key cursor per append-only table (its one-column primary key), a cursor where the column is. */
async function syncSpecs(db: Db, options: GenerateConfigOptions, names: string[]): Promise<Map<string, SyncSpec>> {
  const cursorColumn = options.cursor ?? 'last_update';
  const withCursor = await tablesWithColumn(db, options.schemaIn, cursorColumn);
  const specs = new Map<string, SyncSpec>();
  const twice = (options.cdc ?? []).filter((name) => options.appendOnly?.includes(name));
  if (twice.length) throw new MigrationConfigError(`tables both append-only and cdc: ${twice.join(', ')}`);
  for (const name of names) {
    if (options.cdc?.includes(name)) {
      specs.set(name, { cdc: true });
    } else if (options.appendOnly?.includes(name)) {
      const key = await primaryKey(db, options.schemaIn, name);
      if (key.length !== 1)
        throw new MigrationConfigError(
          `append-only table ${name} needs a one-column primary key, it has ${key.length}`,
        );
      specs.set(name, { key: key[0]! });
    } else if (withCursor.has(name)) {
      specs.set(name, { cursor: cursorColumn });
    }
  }
  return specs;
}

export async function generateConfig(options: GenerateConfigOptions): Promise<GeneratedConfig> {
  const { db, schemaIn, schemaOut, tables } = options;
  checkSchemaNames(schemaIn, schemaOut);
  const selected = selectTables(await listTables(db, schemaIn), tables, schemaIn);
  const warnings: string[] = [];
  const dependsOn = dependencies(selected, await foreignKeys(db, schemaIn), schemaIn, warnings);
  breakCycles(dependsOn, warnings);
  const syncs = await syncSpecs(db, options, selected);
  const withSync = toSpecs(dependsOn, schemaIn, schemaOut).map((spec) =>
    syncs.has(spec.name) ? { ...spec, sync: syncs.get(spec.name) } : spec,
  );
  const specs = parseMigrationConfig(withSync, `schema ${schemaIn} of the source`);
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  return { tables: planMigration(specs).order.map((name) => byName.get(name)!), warnings };
}
