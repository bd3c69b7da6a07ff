// Contender "the seed's method": each table selected whole into memory, then written back with
// batched multi-row INSERTs (or, as a variant, one INSERT per row), one transaction per table, into
// tables created beforehand.
import pg from 'pg';
import type { Env } from '../../common/env';
import { prepareTargetSchema } from '../../activities/migration/target-schema';
import type { TableSpec } from '../../migration/types';
import { openPool, recreateDatabase, timed } from './support';

/** Every value as its text form, both ways: no parsing cost and no lossy Date round trip. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

const qualified = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

function insertSql(table: string, columns: string[], rowCount: number): string {
  const tuples: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    const params = columns.map((_, column) => `$${row * columns.length + column + 1}`);
    tuples.push(`(${params.join(',')})`);
  }
  return `insert into ${table} (${columns.map((c) => pg.escapeIdentifier(c)).join(',')}) values ${tuples.join(',')}`;
}

async function copyTableSeedStyle(source: pg.PoolClient, target: pg.PoolClient, table: TableSpec, batchRows: number): Promise<number> {
  const selected = await source.query<unknown[]>({
    text: `select * from ${qualified(table.schema_in, table.name)}`,
    rowMode: 'array',
    types: RAW_TEXT,
  });
  const columns = selected.fields.map((field) => field.name);
  const into = qualified(table.schema_out, table.name);
  await target.query('begin');
  for (let start = 0; start < selected.rows.length; start += batchRows) {
    const batch = selected.rows.slice(start, start + batchRows);
    await target.query(insertSql(into, columns, batch.length), batch.flat());
  }
  await target.query('commit');
  return selected.rows.length;
}

/**
 * The target tables are created first, untimed (the migration's pre-data: keys, no indexes or FKs);
 * the clock runs while the tables are copied one by one in config order.
 */
export async function seedMethod(env: Env, databases: { source: string; target: string }, tables: TableSpec[], batchRows: number): Promise<number> {
  const { source, target } = databases;
  await recreateDatabase(env, target);
  const sourcePool = openPool(env, source, 2);
  const targetPool = openPool(env, target, 2);
  try {
    await prepareTargetSchema({ source: sourcePool, target: targetPool, tables });
    const [from, into] = [await sourcePool.connect(), await targetPool.connect()];
    try {
      const { seconds } = await timed(async () => {
        for (const table of tables) await copyTableSeedStyle(from, into, table, batchRows);
      });
      return seconds;
    } finally {
      from.release();
      into.release();
    }
  } finally {
    await Promise.all([sourcePool.end(), targetPool.end()]);
  }
}
