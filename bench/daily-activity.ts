/**
 * Daily activity wall time against the source's size: `npm run bench:daily-activity -- [--scales 1,200]
 * [--days 4] [--skip-generate]`. Per scale, a synthetic source is generated once (`bench_activity_<scale>_seed`,
 * kept for --skip-generate), copied (CREATE DATABASE ... TEMPLATE) and simulated for --days days at the default
 * volume (config/daily-activity.json); the archive too when it is there. Baseline in the same run: one scan of
 * rental (what a day would pay if it read the table). Goal: a day costs what it writes, not what the source
 * holds: the time per row written after the first day, at the largest scale, is at most 3x that at the smallest
 * (the larger sources have more rentals open before the first day, returned over the first backlogDays days, so
 * their early days write more rows). PASS/FAIL on that.
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
  /** Milliseconds per row written (inserted or updated), after the first day. */
  msPerRow: number;
  /** The last day (past the backlog when --days > backlogDays): its time and rows. */
  lastS: number;
  last: DayResult;
  /** Rows the days wrote, per table, averaged over the days. */
  perDay: Record<string, { inserted: number; updated: number }>;
}

async function simulate(env: Env, database: string): Promise<Figures> {
  const config = await readDailyActivityConfigFile(DAILY_ACTIVITY_CONFIG);
  const source = new pg.Pool({ connectionString: adminUrl(env, database), max: 2 });
  try {
    const rentals = Number((await source.query('select count(*) from rental')).rows[0].count);
    const scan = await seconds(() => source.query('select count(*) from rental where return_date is null'));
    const times: number[] = [];
    const days: DayResult[] = [];
    for (const businessDate of DAYS) {
      const run = await seconds(() => writeDay({ source, config, businessDate }));
      times.push(run.s);
      days.push(run.result);
    }
    const steady = times.slice(1);
    const steadyS = steady.reduce((sum, s) => sum + s, 0) / Math.max(1, steady.length);
    const written = days
      .slice(1)
      .flatMap((day) => Object.values(day.rows))
      .reduce((sum, { inserted, updated }) => sum + inserted + updated, 0);
    const msPerRow = (1000 * steady.reduce((sum, s) => sum + s, 0)) / Math.max(1, written);
    return {
      name: database,
      rentals,
      scanS: scan.s,
      firstS: times[0]!,
      steadyS,
      msPerRow,
      lastS: times.at(-1)!,
      last: days.at(-1)!,
      perDay: averageRows(days.slice(1)),
    };
  } finally {
    await source.end();
  }
}

function averageRows(days: DayResult[]): Figures['perDay'] {
  const tables = Object.keys(days[0]!.rows) as Array<keyof DayResult['rows']>;
  const mean = (values: number[]) => Math.round((10 * values.reduce((sum, v) => sum + v, 0)) / values.length) / 10;
  return Object.fromEntries(
    tables.map((table) => [
      table,
      {
        inserted: mean(days.map((day) => day.rows[table].inserted)),
        updated: mean(days.map((day) => day.rows[table].updated)),
      },
    ]),
  );
}

const rowsOf = (perDay: Figures['perDay']) =>
  Object.entries(perDay)
    .map(([table, { inserted, updated }]) => `${table} +${inserted} ~${updated}`)
    .join(', ');

function report(figures: Figures): void {
  console.log(
    `${figures.name}: ${figures.rentals} rentals; first day (with the backlog of open rentals) ${figures.firstS.toFixed(2)} s, ` +
      `later days ${figures.steadyS.toFixed(2)} s each, ${figures.msPerRow.toFixed(3)} ms per row written; rows a day (mean; + inserted, ~ updated): ${rowsOf(figures.perDay)}; ` +
      `last day ${figures.lastS.toFixed(2)} s (${rowsOf(figures.last.rows)}); ` +
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
  const ratio = largest.msPerRow / smallest.msPerRow;
  const sizes = largest.rentals / smallest.rentals;
  console.log(
    `time per row written, ${largest.name} / ${smallest.name}: ${ratio.toFixed(2)}x for ${sizes.toFixed(0)}x the ` +
      `rentals; a day ${(largest.steadyS / smallest.steadyS).toFixed(2)}x (goal per row <= ${GOAL_RATIO}x): ` +
      (ratio <= GOAL_RATIO ? 'PASS' : 'FAIL'),
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
