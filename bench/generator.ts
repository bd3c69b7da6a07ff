/**
 * Synthetic generator throughput: `npm run bench:generator -- [scale] [seed]` (default scale 10).
 * Loads into database `bench_generator` of the local stack (started if needed) and prints rows/s
 * and this process's peak RSS, against a baseline in the same run: the same bytes COPYed from a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { loadEnv } from '../common/env';
import { generateDataset } from '../dataset/generator';
import { startStack } from '../stack';
import { adminUrl, ensureDatabases } from '../stack/postgres';

const scale = Number(process.argv[2] ?? 10);
const seed = Number(process.argv[3] ?? 42);
const DATABASE = 'bench_generator';

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Baseline: the rental table's bytes, dumped to a file, COPYed back into a copy of the table. */
async function copyBaseline(pool: pg.Pool, dumpFile: string): Promise<number> {
  const client = await pool.connect();
  try {
    await pipeline(client.query(copyTo('copy rental to stdout')), fs.createWriteStream(dumpFile));
    await client.query('drop table if exists rental_baseline; create table rental_baseline (like rental)');
    const { seconds } = await timed(() =>
      pipeline(fs.createReadStream(dumpFile), client.query(copyFrom('copy rental_baseline from stdin'))),
    );
    await client.query('drop table rental_baseline');
    return seconds;
  } finally {
    client.release();
    fs.rmSync(dumpFile, { force: true });
  }
}

async function main(): Promise<void> {
  const env = loadEnv();
  await startStack(env);
  await ensureDatabases(env, [DATABASE]);
  const pool = new pg.Pool({ connectionString: adminUrl(env, DATABASE), max: 2 });
  try {
    const { result, seconds } = await timed(() => generateDataset({ pool, scale, seed }));
    const rows = result.reduce((sum, table) => sum + table.rows, 0);
    const rentals = result.find((table) => table.table === 'rental')?.rows ?? 0;
    const rentalShare = rentals / rows;
    const baseline = await copyBaseline(pool, path.join(env.STACK_DATA_DIR, 'bench-rental.copy'));
    console.log(
      `scale ${scale}, seed ${seed}: ${rows} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s`,
    );
    console.log(`baseline COPY of rental's ${rentals} rows from a file: ${Math.round(rentals / baseline)} rows/s`);
    console.log(
      `ratio generator/COPY-from-file (rows/s, whole run incl. indexes and FKs): ${(rows / seconds / (rentals / baseline)).toFixed(2)} (rental is ${(rentalShare * 100).toFixed(0)}% of rows)`,
    );
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
