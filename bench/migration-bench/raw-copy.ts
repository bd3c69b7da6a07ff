// Contender "raw COPY pipe", the limit: COPY TO STDOUT on the source piped into COPY FROM STDIN on the
// target, table by table or N at once, into bare tables (no keys, indexes or FKs), nothing verified;
// as a like-for-like variant, followed by the same post-data as the migration's.
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Env } from '../../common/env';
import { finishTargetSchema, prepareTargetSchema } from '../../activities/migration/target-schema';
import type { TableSpec } from '../../workflows/migration/types';
import { openPool, recreateDatabase, timed } from './support';

const qualified = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

/** The migration's pre-data tables, stripped of their primary keys and unique constraints (and so of every index). */
async function createBareTables(source: pg.Pool, target: pg.Pool, tables: TableSpec[]): Promise<void> {
  await prepareTargetSchema({ source, target, tables });
  const schemas = [...new Set(tables.map((table) => table.schema_out))];
  const { rows } = await target.query<{ tbl: string; name: string }>(
    `select conrelid::regclass::text as tbl, conname as name from pg_constraint
      where connamespace = any(select oid from pg_namespace where nspname = any($1)) and contype in ('p', 'u')`,
    [schemas],
  );
  for (const { tbl, name } of rows)
    await target.query(`alter table ${tbl} drop constraint ${pg.escapeIdentifier(name)}`);
}

async function columnsOf(source: pg.Pool, table: TableSpec): Promise<string> {
  const { rows } = await source.query<{ name: string }>(
    `select column_name as name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
    [table.schema_in, table.name],
  );
  return rows.map((row) => pg.escapeIdentifier(row.name)).join(', ');
}

async function copyOne(source: pg.Pool, target: pg.Pool, table: TableSpec): Promise<void> {
  const columns = await columnsOf(source, table);
  const [from, into] = [await source.connect(), await target.connect()];
  try {
    const out = from.query(copyTo(`copy ${qualified(table.schema_in, table.name)} (${columns}) to stdout`));
    const sink = into.query(copyFrom(`copy ${qualified(table.schema_out, table.name)} (${columns}) from stdin`));
    await pipeline(out, sink);
  } finally {
    from.release();
    into.release();
  }
}

/** `lanes` tables at once, each taking the next table of the config's order when it is free. */
async function copyAll(source: pg.Pool, target: pg.Pool, tables: TableSpec[], lanes: number): Promise<void> {
  const queue = [...tables];
  const lane = async () => {
    for (let table = queue.shift(); table; table = queue.shift()) await copyOne(source, target, table);
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

/**
 * With `postData`, the clock also runs over the migration's own post-data (finishTargetSchema: keys,
 * indexes, foreign keys, sequences): the same end state as the migration, minus its checks.
 */
export async function rawCopy(
  env: Env,
  source: string,
  target: string,
  tables: TableSpec[],
  lanes: number,
  postData = false,
): Promise<number> {
  await recreateDatabase(env, target);
  const sourcePool = openPool(env, source, lanes + 1);
  const targetPool = openPool(env, target, lanes + 1);
  try {
    await createBareTables(sourcePool, targetPool, tables);
    const { seconds } = await timed(async () => {
      await copyAll(sourcePool, targetPool, tables, lanes);
      if (postData) await finishTargetSchema({ source: sourcePool, target: targetPool, tables });
    });
    return seconds;
  } finally {
    await Promise.all([sourcePool.end(), targetPool.end()]);
  }
}
