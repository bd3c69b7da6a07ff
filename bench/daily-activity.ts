/**
 * Daily activity wall time against the source's size: `npm run bench:daily-activity -- [--scales 1,200]
 * [--days 4] [--skip-generate]`. Per scale, a synthetic source is generated once (`bench_activity_<scale>_seed`,
 * kept for --skip-generate), copied (CREATE DATABASE ... TEMPLATE) and simulated for --days days at the default
 * volume (config/daily-activity.json); the archive too when it is there. Baseline in the same run: one scan of
 * rental (what a day would pay if it read the table). Goal: a steady day costs what the day writes, not what the
 * source holds: its time at the largest scale is at most 3x its time at the smallest. PASS/FAIL on that.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadEnv, type Env } from '../common/env';
import { generateDataset } from '../dataset/generator';
import { loadSource, defaultSourceData } from '../dataset/load-source';
import { startStack } from '../stack';
import { adminUrl, ensureDatabases } from '../stack/postgres';
import { DAILY_ACTIVITY_CONFIG, readDailyActivityConfigFile } from '../activities/daily-activity/config-file';
import { writeDay } from '../activities/daily-activity/write-day';
import { datesBetween, addDays } from '../workflows/daily-activity/dates';
import type { DayResult } from '../workflows/daily-activity/types';

const { values } = parseArgs({
  options: {
    scales: { type: 'string', default: '1,200' },
    days: { type: 'string', default: '4' },
    'skip-generate': { type: 'boolean', default: false },
  },
});
const SCALES = values.scales.split(',').map(Number);
const DAYS = datesBetween('2026-12-01', addDays('2026-12-01', Number(values.days) - 1));
const GOAL_RATIO = 3;

async function seconds<T>(fn: () => Promise<T>): Promise<{ result: T; s: number }> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { result, s: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function admin(env: Env, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(env) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const exists = async (env: Env, database: string) => {
  const client = new pg.Client({ connectionString: adminUrl(env) });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1;
  } finally {
    await client.end();
  }
};

/** A source to simulate on: a fresh copy of the generated (or restored) one. */
async function sourceCopy(env: Env, name: string, load: (pool: pg.Pool) => Promise<unknown>): Promise<string> {
  const seed = `${name}_seed`;
  if (!values['skip-generate'] || !(await exists(env, seed))) {
    await admin(env, `drop database if exists ${seed} with (force)`);
    await ensureDatabases(env, [seed]);
    const pool = new pg.Pool({ connectionString: adminUrl(env, seed), max: 2 });
    const loaded = await seconds(() => load(pool).finally(() => pool.end()));
    console.log(`${name}: source loaded in ${loaded.s.toFixed(1)} s`);
  }
  await admin(env, `drop database if exists ${name} with (force)`);
  await admin(env, `create database ${name} template ${seed}`);
  return name;
}

interface Figures {
  name: string;
  rentals: number;
  scanS: number;
  firstS: number;
  steadyS: number;
  day: DayResult;
}

async function simulate(env: Env, database: string): Promise<Figures> {
  const config = await readDailyActivityConfigFile(DAILY_ACTIVITY_CONFIG);
  const source = new pg.Pool({ connectionString: adminUrl(env, database), max: 2 });
  try {
    const rentals = Number((await source.query('select count(*) from rental')).rows[0].count);
    const scan = await seconds(() => source.query('select count(*) from rental where return_date is null'));
    const times: number[] = [];
    let day: DayResult | undefined;
    for (const businessDate of DAYS) {
      const run = await seconds(() => writeDay({ source, config, businessDate }));
      times.push(run.s);
      day = run.result;
    }
    const steady = times.slice(1);
    const steadyS = steady.reduce((sum, s) => sum + s, 0) / Math.max(1, steady.length);
    return { name: database, rentals, scanS: scan.s, firstS: times[0]!, steadyS, day: day! };
  } finally {
    await source.end();
  }
}

const rowsOf = ({ rows }: DayResult) =>
  Object.entries(rows)
    .map(([table, { inserted, updated }]) => `${table} +${inserted}/~${updated}`)
    .join(' ');

function report(figures: Figures): void {
  console.log(
    `${figures.name}: ${figures.rentals} rentals; first day (with the backlog of open rentals) ${figures.firstS.toFixed(2)} s, ` +
      `later days ${figures.steadyS.toFixed(2)} s each (${rowsOf(figures.day)}); ` +
      `baseline one scan of rental ${figures.scanS.toFixed(2)} s (day/scan ${(figures.steadyS / figures.scanS).toFixed(2)})`,
  );
}

async function main(): Promise<void> {
  const env = loadEnv();
  await startStack(env);
  const results: Figures[] = [];
  const archive = defaultSourceData(env);
  if (archive.kind === 'archive') {
    const name = await sourceCopy(env, 'bench_activity_archive', () =>
      loadSource({ ...env, SOURCE_DATABASE_URL: adminUrl(env, 'bench_activity_archive_seed') }, archive),
    );
    report(await simulate(env, name));
  }
  for (const scale of SCALES) {
    const name = await sourceCopy(env, `bench_activity_${String(scale).replace('.', '_')}`, (pool) =>
      generateDataset({ pool, scale, seed: 42 }),
    );
    const figures = await simulate(env, name);
    report(figures);
    results.push(figures);
  }
  const [smallest, largest] = [results[0]!, results.at(-1)!];
  const ratio = largest.steadyS / smallest.steadyS;
  const sizes = largest.rentals / smallest.rentals;
  console.log(
    `steady day at ${largest.name} / ${smallest.name}: ${ratio.toFixed(2)}x for ${sizes.toFixed(0)}x the rentals ` +
      `(goal <= ${GOAL_RATIO}x): ${ratio <= GOAL_RATIO ? 'PASS' : 'FAIL'}`,
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
