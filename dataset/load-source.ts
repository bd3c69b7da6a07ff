import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Env } from '../common/env';
import { toolOrPath } from '../stack/tools';
import { loadArchive } from './archive';
import { tableCounts } from './checksum';
import { generateDataset } from './generator';
import type { CountOverrides } from './generator/plan';
import { DVD_RENTAL_TABLES } from './tables';

export type SourceData =
  | { kind: 'archive'; archivePath: string }
  | { kind: 'synthetic'; scale: number; seed: number; counts?: CountOverrides };

export const DEFAULT_SYNTHETIC = { kind: 'synthetic', scale: 1, seed: 42 } as const satisfies SourceData;

/** The archive named by DVDRENTAL_ARCHIVE when it exists, else synthetic data at scale 1. */
export function defaultSourceData(env: Env): SourceData {
  if (env.DVDRENTAL_ARCHIVE && fs.existsSync(env.DVDRENTAL_ARCHIVE)) {
    return { kind: 'archive', archivePath: path.resolve(env.DVDRENTAL_ARCHIVE) };
  }
  return DEFAULT_SYNTHETIC;
}

export function describeSourceData(data: SourceData): string {
  return data.kind === 'archive'
    ? `archive ${data.archivePath}`
    : `synthetic data (scale ${data.scale}, seed ${data.seed}${data.counts?.customers ? `, ${data.counts.customers} customers` : ''}${data.counts?.rentalsPerCustomer ? `, ${data.counts.rentalsPerCustomer} rentals per customer` : ''})`;
}

/** True when all 15 dvd_rental tables exist in `public` of the source database. */
export async function sourceIsLoaded(env: Env): Promise<boolean> {
  const client = new pg.Client({ connectionString: env.SOURCE_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from information_schema.tables where table_schema = 'public' and table_name = any($1)`,
      [DVD_RENTAL_TABLES],
    );
    return Number(rows[0]!.n) === DVD_RENTAL_TABLES.length;
  } finally {
    await client.end();
  }
}

/** Replaces schema `public` of the source database with dvd_rental; returns each table's row count. */
export async function loadSource(env: Env, data: SourceData): Promise<Record<string, number>> {
  if (data.kind === 'archive') {
    const workDir = path.join(env.STACK_DATA_DIR, 'archive');
    const pgRestore = toolOrPath(env, 'pg_restore');
    return loadArchive({ archivePath: data.archivePath, databaseUrl: env.SOURCE_DATABASE_URL, workDir, pgRestore });
  }
  const pool = new pg.Pool({ connectionString: env.SOURCE_DATABASE_URL, max: 2 });
  try {
    await generateDataset({ pool, scale: data.scale, seed: data.seed, counts: data.counts });
    return await tableCounts(pool, 'public', DVD_RENTAL_TABLES);
  } finally {
    await pool.end();
  }
}
