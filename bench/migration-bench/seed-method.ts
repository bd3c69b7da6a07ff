// Contender "the seed's method", as the issue describes it: each table read whole into memory, then
// inserted row by row in batches, as Python's psycopg2 `executemany` does it: one INSERT statement per
// row (values interpolated client-side, simple query protocol), a commit after every batch. The
// variant `multi-row` sends each batch as one INSERT of many rows with bind parameters, which is
// faster than the seed and so a stricter baseline.
import pg from 'pg';
import type { Env } from '../../common/env';
import { prepareTargetSchema } from '../../activities/migration/target-schema';
import { withQualifiedNames } from '../../activities/migration/introspect';
import { relationMap } from '../../activities/migration/schema-config';
import { buildTableKeys, readTableKeys } from '../../activities/migration/table-keys';
import type { TableSpec } from '../../workflows/migration/types';
import { openPool, recreateDatabase, timed } from './support';

export type SeedStyle = 'row' | 'multi-row';
export const SEED_BATCH_ROWS = 1000;

/** Every value as its text form, both ways: no parsing cost and no lossy Date round trip. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

const qualified = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
const literal = (value: unknown) => (value === null ? 'null' : pg.escapeLiteral(String(value)));

function multiRowSql(into: string, columns: string, width: number, rowCount: number): string {
  const tuples: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    tuples.push(`(${Array.from({ length: width }, (_, column) => `$${row * width + column + 1}`).join(',')})`);
  }
  return `insert into ${into} (${columns}) values ${tuples.join(',')}`;
}

async function insertBatch(
  target: pg.PoolClient,
  into: string,
  columns: string,
  batch: unknown[][],
  style: SeedStyle,
): Promise<void> {
  if (style === 'multi-row') {
    await target.query(multiRowSql(into, columns, batch[0]!.length, batch.length), batch.flat());
    return;
  }
  for (const row of batch)
    await target.query(`insert into ${into} (${columns}) values (${row.map(literal).join(',')})`);
}

async function copyTableSeedStyle(
  source: pg.PoolClient,
  target: pg.PoolClient,
  table: TableSpec,
  style: SeedStyle,
): Promise<number> {
  const selected = await source.query<unknown[]>({
    text: `select * from ${qualified(table.schema_in, table.name)}`,
    rowMode: 'array',
    types: RAW_TEXT,
  });
  const columns = selected.fields.map((field) => pg.escapeIdentifier(field.name)).join(',');
  const into = qualified(table.schema_out, table.name);
  for (let start = 0; start < selected.rows.length; start += SEED_BATCH_ROWS) {
    await target.query('begin');
    await insertBatch(target, into, columns, selected.rows.slice(start, start + SEED_BATCH_ROWS), style);
    await target.query('commit');
  }
  return selected.rows.length;
}

/** The target tables with their keys (as a hand-made schema would have them), no other index, no FK. */
async function prepareTarget(source: pg.Pool, target: pg.Pool, tables: TableSpec[]): Promise<void> {
  await prepareTargetSchema({ source, target, tables });
  const keys = await withQualifiedNames(source, async (db) => {
    const read = [];
    for (const spec of tables) read.push(await readTableKeys(db, spec));
    return read;
  });
  await withQualifiedNames(target, async (db) => {
    for (const table of keys) await buildTableKeys(db, { ...table, indexes: [] }, relationMap(tables));
  });
}

/** The target tables are created first, untimed; the clock runs while the tables are copied one by one in config order. */
export async function seedMethod(
  env: Env,
  databases: { source: string; target: string },
  tables: TableSpec[],
  style: SeedStyle,
): Promise<number> {
  const { source, target } = databases;
  await recreateDatabase(env, target);
  const sourcePool = openPool(env, source, 2);
  const targetPool = openPool(env, target, 2);
  try {
    await prepareTarget(sourcePool, targetPool, tables);
    const [from, into] = [await sourcePool.connect(), await targetPool.connect()];
    try {
      const { seconds } = await timed(async () => {
        for (const table of tables) await copyTableSeedStyle(from, into, table, style);
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
