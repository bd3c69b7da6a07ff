/**
 * Golden-record upsert at scale: `npm run bench:golden-record -- [--customers 10000,100000,1000000]
 * [--rentals-per-customer 2] [--batch 1000] [--seed 42] [--server mongodb://host:port/]`.
 * For each size (synthetic dvd_rental with that many customers), on one MongoDB-wire server (the local
 * stack's patched FerretDB, or --server): our upsert's full run against the raw driver's unordered bulk
 * upsert of the same documents, an unchanged rerun and a rerun after 1% of customers changed against the
 * full run, the views' refresh time, and the peak RSS of this process (the worker's side) and of the
 * server. Prints the figures and PASS/FAIL against the goals.
 */
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { MongoClient, type Db } from 'mongodb';
import { loadEnv, type Env } from '../common/env';
import { startStack } from '../stack';
import { runningPid } from '../stack/detached-service';
import { ourUpsert, rawDriverUpsert } from './golden-record-bench/contenders';
import { changeOnePercent, prepareTarget, refreshAll, withTarget } from './golden-record-bench/data';
import { maxPeaks, withPeakRss, type Peaks } from './golden-record-bench/memory';
import { report, type Row } from './golden-record-bench/report';
import type { PhaseSeconds } from '../activities/golden-record/phases';
import { cpuBetween, cpuPerDoc, cpuSeconds, postmasterPid, type CpuPids } from './golden-record-bench/cpu';

const RUNS = {
  full: new Date('2026-03-01T06:00:00Z'),
  unchanged: new Date('2026-03-02T06:00:00Z'),
  changed: new Date('2026-03-03T06:00:00Z'),
};
const DATABASES = { ours: 'bench_golden_ours', raw: 'bench_golden_raw' };

interface Options {
  customers: number[];
  rentalsPerCustomer: number;
  batch: number;
  seed: number;
  server?: string;
  reuse: boolean;
  prepareOnly: boolean;
  rawDocs?: number;
  fullOnly: boolean;
}

function parseOptions(): Options {
  const positive = (value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a number > 0');
    return number;
  };
  const list = (value: string) => value.split(',').map((item) => Math.round(positive(item)));
  return new Command('bench:golden-record')
    .option('--customers <list>', 'sizes, ascending (synthetic customers)', list, [10_000, 100_000])
    .option('--rentals-per-customer <n>', 'synthetic rentals per customer', positive, 2)
    .option('--batch <n>', 'documents per batch (ours) and per bulkWrite (raw)', positive, 1000)
    .option('--seed <n>', 'generator seed', positive, 42)
    .option('--reuse', 'reuse a target prepared by an earlier run of the same size and options', false)
    .option('--prepare-only', 'prepare the targets (source generated, migrated, views refreshed) and stop', false)
    .option(
      '--raw-docs <n>',
      'the raw driver writes only the first n documents (its docs/s compared with ours; for sizes it would take hours at)',
      (value) => Math.round(positive(value)),
    )
    .option(
      '--full-only',
      'only the full run per size, with its per-phase times (no reruns, refresh or raw baseline)',
      false,
    )
    .option('--server <uri>', 'a MongoDB-wire server to run on instead of the local stack (its RSS is not measured)')
    .parse()
    .opts<Options>();
}

function postmaster(env: Env): { postgres?: number } {
  const pid = postmasterPid(env.STACK_DATA_DIR);
  return pid === undefined ? {} : { postgres: pid };
}

async function freshDb(client: MongoClient, name: string): Promise<Db> {
  const db = client.db(name);
  await db.dropDatabase();
  return db;
}

function expectCounts(what: string, summary: object, expected: Record<string, number | string>): void {
  const actual = summary as Record<string, unknown>;
  const wrong = Object.entries(expected).filter(([key, value]) => actual[key] !== value);
  if (wrong.length > 0)
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(summary)}`);
}

async function measure(
  env: Env,
  client: MongoClient,
  customers: number,
  options: Options,
  cpuPids: CpuPids,
): Promise<Row> {
  const serverPid = cpuPids.server;
  const prepared = await prepareTarget(env, customers, options);
  const n = prepared.customers;
  const ours = await freshDb(client, DATABASES.ours);
  let peaks: Peaks = { workerMb: 0 };
  const run = async (consolidationDate: Date, phases?: PhaseSeconds) => {
    const watch = phases ? { phases, progressEvery: Math.max(10_000, n / 10), cpuPids } : undefined;
    const measured = await withPeakRss(serverPid, () =>
      ourUpsert(prepared.env, ours, options.batch, consolidationDate, watch),
    );
    peaks = maxPeaks(peaks, measured.peaks);
    return measured.result;
  };
  const phases: PhaseSeconds = {};
  const loadBefore = os.loadavg()[0]!;
  const cpuBefore = cpuSeconds(cpuPids);
  const full = await run(RUNS.full, phases);
  const cpu = cpuBetween(cpuBefore, cpuSeconds(cpuPids));
  const load = { before: loadBefore, after: os.loadavg()[0]! };
  expectCounts('full run', full.result, { pass: 'full', inserted: n, built: n });
  console.log(
    `  ${n} customers, full run at load ${load.before.toFixed(1)} -> ${load.after.toFixed(1)}: ${full.seconds.toFixed(1)} s; ${Object.entries(
      phases,
    )
      .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`)
      .join(', ')}; ${cpuPerDoc(cpu, n)}`,
  );
  const fullRow = () => ({
    customers: n,
    setupSeconds: prepared.setupSeconds,
    fullSeconds: full.seconds,
    phases,
    load,
    cpu,
    workerMb: peaks.workerMb,
    ...(peaks.serverMb === undefined ? {} : { serverMb: peaks.serverMb }),
  });
  if (options.fullOnly) return fullRow();
  const unchanged = await run(RUNS.unchanged);
  expectCounts('unchanged rerun', unchanged.result, { pass: 'incremental', built: 0, unchanged: n, updated: 0 });
  const { changed, refreshSeconds } = await withTarget(prepared.env, async (target) => ({
    changed: await changeOnePercent(target),
    refreshSeconds: await refreshAll(target),
  }));
  const onePercent = await run(RUNS.changed);
  expectCounts('1% changed rerun', onePercent.result, { pass: 'incremental', built: changed, updated: changed });
  const rawDocs = Math.min(n, options.rawDocs ?? n);
  const raw = await withPeakRss(serverPid, async () =>
    rawDriverUpsert(ours, await freshDb(client, DATABASES.raw), options.batch, rawDocs),
  );
  if (raw.result.result !== rawDocs) throw new Error(`raw driver wrote ${raw.result.result} of ${rawDocs}`);
  const reruns = {
    unchangedSeconds: unchanged.seconds,
    changedSeconds: onePercent.seconds,
    changed,
    rawSeconds: raw.result.seconds,
    rawDocs,
    refreshSeconds,
  };
  const row: Row = { ...fullRow(), reruns };
  if (raw.peaks.serverMb !== undefined) row.serverMb = Math.max(row.serverMb ?? 0, raw.peaks.serverMb);
  console.log(
    `  ${n} customers (setup ${row.setupSeconds.toFixed(0)} s): full ${row.fullSeconds.toFixed(1)} s, unchanged ${reruns.unchangedSeconds.toFixed(1)} s, 1% (${changed}) ${reruns.changedSeconds.toFixed(1)} s, raw upsert ${reruns.rawSeconds.toFixed(1)} s (${rawDocs} docs), views refresh ${reruns.refreshSeconds.toFixed(1)} s`,
  );
  return row;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const base = loadEnv();
  await startStack(base); // Postgres holds the source and target; the server is ours unless --server
  const env = options.server ? { ...base, MONGODB_URI: options.server } : base;
  const serverPid = options.server ? undefined : runningPid(base, 'ferretdb');
  const cpuPids = { ...(serverPid ? { server: serverPid } : {}), ...postmaster(base) };
  console.log(
    `golden-record bench on ${os.cpus().length} cores (load ${os.loadavg()[0]!.toFixed(1)}), MongoDB-wire server ${env.MONGODB_URI.replace(/\/\/[^@]*@/, '//')}${serverPid ? ` (pid ${serverPid})` : ''}; batch ${options.batch}, ${options.rentalsPerCustomer} rentals per customer`,
  );
  console.log('ours: SQL hash per customer merged with the compact state; changed customers built, validated, written');
  console.log(
    'raw: unordered bulkWrite of $set upserts by _id of the same documents into an empty collection, same indexes',
  );
  const client = await new MongoClient(env.MONGODB_URI).connect();
  try {
    const rows: Row[] = [];
    const sizes = [...options.customers].sort((a, b) => a - b);
    if (options.prepareOnly) {
      for (const customers of sizes) await prepareTarget(env, customers, { ...options, reuse: options.reuse });
      return;
    }
    for (const customers of sizes) rows.push(await measure(env, client, customers, options, cpuPids));
    report(rows);
  } finally {
    for (const name of Object.values(DATABASES))
      await client
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
