// Binary COPY between servers of one major version: no value is printed on one side and parsed on the other
// (timestamps and numerics cost most as text). Used only for columns whose binary form both sides read alike.
import type pg from 'pg';
import { perColumnType } from './catalog';

export type CopyFormat = 'text' | 'binary';

/**
 * Per column, what its binary form depends on, or null when it is not portable: a pg_catalog base type
 * (through domains) with a send function, arrays of such; an enum (sent as its label). Composite types and
 * arrays of user types carry their type OIDs, which differ between servers.
 */
function binaryForms(db: pg.PoolClient, table: string): Promise<Map<string, string | null>> {
  return perColumnType<string | null>(
    db,
    table,
    `case when t.typtype = 'e' then 'enum'
          when t.typtype = 'b' and t.typnamespace = 'pg_catalog'::regnamespace and t.typsend::oid <> 0
               and (t.typelem = 0 or e.typnamespace = 'pg_catalog'::regnamespace)
          then t.oid::regtype::text
     end`,
  );
}

const majorVersion = async (db: pg.PoolClient) =>
  (await db.query<{ major: number }>(`select current_setting('server_version_num')::int / 10000 as major`)).rows[0]!
    .major;

/** Binary when both servers are of one major version and every copied column has the same portable form. */
export async function copyFormatOf(
  sessions: { source: pg.PoolClient; target: pg.PoolClient },
  tables: { sourceTable: string; targetTable: string },
  columns: readonly string[],
): Promise<CopyFormat> {
  const [sourceMajor, targetMajor, source, target] = await Promise.all([
    majorVersion(sessions.source),
    majorVersion(sessions.target),
    binaryForms(sessions.source, tables.sourceTable),
    binaryForms(sessions.target, tables.targetTable),
  ]);
  if (sourceMajor !== targetMajor) return 'text';
  const portable = columns.every((column) => {
    const form = source.get(column);
    return form != null && form === target.get(column);
  });
  return portable ? 'binary' : 'text';
}

/** `COPY ... WITH (...)` options, or nothing. */
export function copyWith(format: CopyFormat, freeze = false): string {
  const options = [...(format === 'binary' ? ['format binary'] : []), ...(freeze ? ['freeze'] : [])];
  return options.length ? ` with (${options.join(', ')})` : '';
}
