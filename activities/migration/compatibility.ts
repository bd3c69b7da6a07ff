// An existing target table is reused when every source column is there with the same type and the
// primary key is the same or still missing; target-only columns (e.g. geocoding's city.longitude) are allowed.
import type pg from 'pg';
import { describeColumns, primaryKey } from './catalog';
import type { SourceColumn, SourceTable } from './introspect';
import { canonicalType, displayName, rewriteNames, type NameMap, type QualifiedName } from './sql-names';

function columnProblems(column: SourceColumn, targetType: string | undefined, names: NameMap): string[] {
  if (targetType === undefined) return [`column ${column.name} (${column.type}) is missing`];
  const expected = canonicalType(rewriteNames(column.type, names));
  return expected === canonicalType(targetType)
    ? []
    : [`column ${column.name}: source type ${column.type}, target type ${targetType}`];
}

/** Why the existing target table cannot take the source rows; empty when it can. */
export async function incompatibilities(
  db: pg.PoolClient,
  table: SourceTable,
  target: QualifiedName,
  names: NameMap,
): Promise<string[]> {
  const columns = new Map(
    (await describeColumns(db, target.schema, target.name)).map((column) => [column.name, column.type]),
  );
  const problems = table.columns.flatMap((column) => columnProblems(column, columns.get(column.name), names));
  const targetKey = await primaryKey(db, target.schema, target.name);
  // No key yet is fine: the copy adds the keys the target lacks (a run that failed before building them).
  if (targetKey.length > 0 && JSON.stringify(targetKey) !== JSON.stringify(table.primaryKey)) {
    problems.push(
      `primary key (${table.primaryKey.join(', ')}) in the source, (${targetKey.join(', ')}) in the target`,
    );
  }
  return problems;
}

export function incompatibleMessage(
  failures: Array<{ table: SourceTable; target: QualifiedName; problems: string[] }>,
): string {
  const lines = failures.map(
    ({ table, target, problems }) =>
      `target table ${displayName(target)} does not match source table ${table.spec.schema_in}.${table.spec.name}: ${problems.join('; ')}`,
  );
  return `${lines.join('\n')}\n(recreate drops and recreates such tables, losing their rows)`;
}
