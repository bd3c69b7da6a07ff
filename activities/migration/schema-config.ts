// What the schema builders share: the config tables' source -> target names and the target lock.
import type pg from 'pg';
import type { TableSpec } from '../../workflows/migration/types';
import { nameKey, type NameMap, type QualifiedName } from './sql-names';

export interface SchemaInput {
  source: pg.Pool;
  target: pg.Pool;
  tables: TableSpec[];
}

export const sourceOf = (spec: TableSpec): QualifiedName => ({ schema: spec.schema_in, name: spec.name });
export const targetOf = (spec: TableSpec): QualifiedName => ({ schema: spec.schema_out, name: spec.name });

/** The config's tables keep their names and move from schema_in to schema_out. */
export function relationMap(tables: TableSpec[]): NameMap {
  return new Map(tables.map((spec) => [nameKey(spec.schema_in, spec.name), targetOf(spec)]));
}

export const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** Serialises schema changes on the target: a retried activity may overlap a stuck earlier attempt. */
export async function lockTargetSchema(db: pg.PoolClient): Promise<void> {
  await db.query(`select pg_advisory_xact_lock(hashtext('dvd_rental migration: target schema'))`);
}
