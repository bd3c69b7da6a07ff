// Deterministic synthetic dvd_rental dataset: applies sql/dvdrental-schema.sql, then streams
// every table with COPY, in one transaction so a failed run leaves the previous data intact.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { copyRows } from './generator/copy';
import {
  CUSTOMER_KEY_COLUMNS,
  needsWideCustomerKeys,
  planCounts,
  type CountOverrides,
  type Counts,
  type GenContext,
} from './generator/plan';
import { TABLES } from './generator/tables';

export interface GenerateOptions {
  pool: Pool;
  /** 1 reproduces the archive's row counts; see planCounts for how each table scales. */
  scale: number;
  seed: number;
  /** Customer and rental counts set directly (see CountOverrides); absent, the scale decides. */
  counts?: CountOverrides;
  /** Called once per table after its COPY completes. */
  onProgress?: (p: { table: string; rows: number }) => void;
}

const SCHEMA_FILE = path.join('sql', 'dvdrental-schema.sql');
const POST_DATA_MARKER = '-- @post-data';

/** Walks up from this module so the file is found from sources and from compiled output. */
function readSchema(): { preData: string; postData: string } {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, SCHEMA_FILE);
    if (existsSync(file)) {
      const sql = readFileSync(file, 'utf8');
      const at = sql.indexOf(POST_DATA_MARKER);
      if (at < 0) throw new Error(`${file} lacks the "${POST_DATA_MARKER}" marker`);
      return { preData: sql.slice(0, at), postData: sql.slice(at) };
    }
    if (path.dirname(dir) === dir) throw new Error(`${SCHEMA_FILE} not found above ${__dirname}`);
  }
}

function validate(opts: GenerateOptions): void {
  if (!Number.isFinite(opts.scale) || opts.scale <= 0) throw new RangeError(`scale must be > 0, got ${opts.scale}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
  const { customers, rentalsPerCustomer } = opts.counts ?? {};
  if (customers !== undefined && (!Number.isSafeInteger(customers) || customers < 1 || customers > 2 ** 31 - 1))
    throw new RangeError(`customers must be an integer from 1 to 2147483647, got ${customers}`);
  if (rentalsPerCustomer !== undefined && (!Number.isFinite(rentalsPerCustomer) || rentalsPerCustomer <= 0))
    throw new RangeError(`rentalsPerCustomer must be > 0, got ${rentalsPerCustomer}`);
}

/**
 * Past 32,767 addresses the archive's smallint customer and address keys become integer (in the schema's
 * text, before the views that read them exist); never otherwise, so smaller data keeps the archive's types.
 */
export function widenCustomerKeys(preData: string, counts: Counts): string {
  if (!needsWideCustomerKeys(counts)) return preData;
  return CUSTOMER_KEY_COLUMNS.reduce((sql, [table, column]) => {
    const definition = new RegExp(`(CREATE TABLE public\\.${table} \\([^;]*?\\n\\s+${column} )smallint`);
    if (!definition.test(sql)) throw new Error(`${SCHEMA_FILE}: no smallint column ${column} in table ${table}`);
    return sql.replace(definition, '$1integer');
  }, preData);
}

async function resetSequences(client: PoolClient): Promise<void> {
  for (const { name, idColumn } of TABLES) {
    if (!idColumn) continue;
    await client.query(`SELECT setval('public.${name}_${idColumn}_seq', max(${idColumn})) FROM public.${name}`);
  }
}

async function load(client: PoolClient, opts: GenerateOptions): Promise<Array<{ table: string; rows: number }>> {
  const ctx: GenContext = { seed: opts.seed, counts: planCounts(opts.scale, opts.counts) };
  const schema = readSchema();
  const loaded: Array<{ table: string; rows: number }> = [];
  await client.query('BEGIN');
  await client.query('SET LOCAL statement_timeout = 0'); // large scales take minutes per COPY
  await client.query(widenCustomerKeys(schema.preData, ctx.counts));
  for (const table of TABLES) {
    const rows = await copyRows(client, table.name, table.columns, table.rows(ctx));
    loaded.push({ table: table.name, rows });
    opts.onProgress?.({ table: table.name, rows });
  }
  await client.query(schema.postData); // keys, indexes, FK validation
  await resetSequences(client);
  await client.query('COMMIT');
  return loaded;
}

export async function generateDataset(opts: GenerateOptions): Promise<Array<{ table: string; rows: number }>> {
  validate(opts);
  const client = await opts.pool.connect();
  try {
    const loaded = await load(client, opts);
    await client.query('ANALYZE ' + TABLES.map((t) => `public.${t.name}`).join(', '));
    client.release();
    return loaded;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true); // the connection may be mid-COPY; do not return it to the pool
    throw error;
  }
}
