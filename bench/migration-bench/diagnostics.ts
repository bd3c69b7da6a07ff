// Where the migration's time goes beyond moving rows: the verify checksums, timed on their own.
import pg from 'pg';
import { primaryKey } from '../../activities/migration/catalog';
import { keyLayout } from '../../activities/migration/key-merge';
import { checksumSql, checksumTerms } from '../../activities/migration/verify';
import type { Env } from '../../common/env';
import type { TableSpec } from '../../workflows/migration/types';
import { openPool, timed } from './support';

const qualified = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

async function columnNames(pool: pg.Pool, table: TableSpec): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `select column_name as name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
    [table.schema_in, table.name],
  );
  return rows.map((row) => row.name);
}

/** A table the next sync reads by cursor: the copy's target checksum sums up its keys by range too. */
async function keyPrints(source: pg.Pool, table: TableSpec, sourceTable: string) {
  if (!table.sync || table.sync.cdc) return undefined;
  const key = await primaryKey(source, table.schema_in, table.name);
  const client = await source.connect();
  try {
    return await keyLayout(client, sourceTable, key);
  } finally {
    client.release();
  }
}

/** Seconds per table of the verify step as the copy runs it: the source and the target checksum at once. */
export async function checksumSeconds(
  env: Env,
  databases: { source: string; target: string },
  tables: TableSpec[],
): Promise<Map<string, number>> {
  const source = openPool(env, databases.source, 1);
  const target = openPool(env, databases.target, 1);
  const seconds = new Map<string, number>();
  try {
    for (const table of tables) {
      const names = {
        sourceTable: qualified(table.schema_in, table.name),
        targetTable: qualified(table.schema_out, table.name),
      };
      const terms = await checksumTerms({ source, target }, names, await columnNames(source, table));
      const keys = await keyPrints(source, table, names.sourceTable);
      const timing = await timed(() =>
        Promise.all([
          source.query(checksumSql(names.sourceTable, terms)),
          target.query(checksumSql(names.targetTable, terms, undefined, keys)),
        ]),
      );
      seconds.set(table.name, timing.seconds);
    }
    return seconds;
  } finally {
    await Promise.all([source.end(), target.end()]);
  }
}
