// The daily sync on a populated target: with no change, and after one simulated day of activity, each against
// the full copy into an empty target, all on one copy of the source (the day's changes are written into it).
import pg from 'pg';
import type { Env } from '../../common/env';
import type { MigrationResult, TableSpec } from '../../workflows/migration/types';
import { withAdminClient } from '../../stack/postgres';
import type { Context, Source } from './contenders';
import { phaseSpan } from './history';
import type { Goal } from './report';
import { countRows, dropDatabase, expectSameCounts, timed, totalRows, vacuumDatabases, withPool } from './support';
import { runMigrationWorkflow, type WorkflowRun } from './workflow';

export const SYNC_DATABASES = { source: 'bench_source_daily', target: 'bench_target_daily' };
export const SYNC_GOALS = { unchanged: 20, oneDay: 10 };

/** A day at a rental shop: 0.1% of the rentals new (each with its payment), 0.05% returned, a few deleted. */
export const DAY = { newRentals: 0.001, updatedRentals: 0.0005, deletedRentals: 10 };

export interface DayChanges {
  inserted: number;
  updated: number;
  deleted: number;
  seconds: number;
}

/** Day `day` (1, 2, ...) returns rentals of its own: each day's updates touch other rows (and pages) than the last's. */
export async function simulateDay(pool: pg.Pool, rentals: number, day: number): Promise<DayChanges> {
  const inserts = Math.max(1, Math.round(rentals * DAY.newRentals));
  const updates = Math.max(1, Math.round(rentals * DAY.updatedRentals));
  const { result, seconds } = await timed(async () => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      // new rentals on distinct instants (rental_date, inventory_id, customer_id is unique), each paid
      const inserted = await client.query(
        `with ids as (select min(inventory_id) lo, max(inventory_id) hi from inventory),
              customers as (select min(customer_id) lo, max(customer_id) hi from customer),
              new as (
                insert into rental (rental_date, inventory_id, customer_id, staff_id)
                select now() + g * interval '1 millisecond',
                       ids.lo + (g * 7919) % (ids.hi - ids.lo + 1), customers.lo + (g * 104729) % (customers.hi - customers.lo + 1), 1
                  from generate_series(1, $1::int) g, ids, customers
                returning rental_id, customer_id)
         insert into payment (customer_id, staff_id, rental_id, amount, payment_date)
         select customer_id, 1, rental_id, 2.99, now() from new`,
        [inserts],
      );
      const updated = await client.query(
        `update rental set return_date = now()
          where rental_id in (select rental_id from rental order by rental_id limit $1 offset $2)`,
        [updates, updates * day],
      );
      const gone = `select rental_id from rental order by rental_id desc offset $1 limit ${DAY.deletedRentals}`;
      await client.query(`delete from payment where rental_id in (${gone})`, [inserts * 2]);
      const deleted = await client.query(`delete from rental where rental_id in (${gone})`, [inserts * 2]);
      await client.query('commit');
      return { inserted: inserted.rowCount ?? 0, updated: updated.rowCount ?? 0, deleted: deleted.rowCount ?? 0 };
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  });
  return { ...result, seconds };
}

/** The bench source copied (a template copy: no writes to the generated source, which --skip-generate reuses). */
async function copySource(env: Env, source: Source): Promise<void> {
  await dropDatabase(env, SYNC_DATABASES.source);
  await withAdminClient(env, (client) =>
    client.query(`create database ${SYNC_DATABASES.source} template ${pg.escapeIdentifier(source.database)}`),
  );
}

/** As README "Incremental sync" recommends: an index on each table's time cursor (the migration only warns without). */
async function indexCursors(env: Env, tables: TableSpec[]): Promise<string> {
  const cursors = tables.filter((table) => table.sync?.cursor);
  const { seconds } = await timed(() =>
    withPool(env, SYNC_DATABASES.source, async (pool) => {
      for (const table of cursors) {
        const name = pg.escapeIdentifier(`${table.name}_${table.sync!.cursor!}_sync_idx`);
        const column = pg.escapeIdentifier(table.sync!.cursor!);
        await pool.query(
          `create index if not exists ${name} on ${pg.escapeIdentifier(table.schema_in)}.${pg.escapeIdentifier(table.name)} (${column})`,
        );
      }
    }),
  );
  return `  source prepared as the README recommends: an index on each time cursor (${cursors.length} tables, ${seconds.toFixed(1)} s)`;
}

export interface SyncRuns {
  full: WorkflowRun;
  unchanged: WorkflowRun;
  day: DayChanges;
  oneDay: WorkflowRun;
  /** The unchanged sync after the day: it re-reads what the day wrote (rows written since the last read minus the overlap). */
  afterDay: WorkflowRun;
  /** A second day's sync: the target's key ranges recorded by the first, as on every later day. */
  secondDay: WorkflowRun;
}

function changes(result: MigrationResult) {
  const sum = { inserted: 0, updated: 0, deleted: 0, read: 0, keys: 0 };
  for (const table of result.tables) {
    sum.inserted += table.changes?.inserted ?? 0;
    sum.updated += table.changes?.updated ?? 0;
    sum.deleted += table.changes?.deleted ?? 0;
    sum.read += table.sync?.rowsRead ?? 0;
    // the target's keys count only when read (not when the last sync's recorded summary stood in for them)
    const targetRead = table.sync?.targetKeys !== 'recorded';
    sum.keys += (table.sync?.keysCompared?.source ?? 0) + (targetRead ? (table.sync?.keysCompared?.target ?? 0) : 0);
  }
  return sum;
}

/** Where a sync's time went: each activity type's span, and the slowest activities with their table. */
function phaseSummary(run: WorkflowRun): string {
  const types = [...new Set(run.phases.map((phase) => phase.activity))];
  const spans = types.map((type) => `${type.replace(/^migration/, '')} ${phaseSpan(run.phases, type).toFixed(1)} s`);
  const slowest = [...run.phases]
    .sort((a, b) => b.completedMs - b.startedMs - (a.completedMs - a.startedMs))
    .slice(0, 4)
    .map(
      (p) =>
        `${p.activity.replace(/^migration/, '')}(${p.table ?? ''}) ${((p.completedMs - p.startedMs) / 1000).toFixed(1)} s`,
    );
  return `    spans: ${spans.join(', ')}\n    slowest: ${slowest.join(', ')}`;
}

function report(label: string, run: WorkflowRun): void {
  const c = changes(run.result);
  const methods = [...new Set(run.result.tables.map((table) => table.sync?.method ?? table.mode ?? '?'))].join('/');
  console.log(
    `  ${label}: ${run.seconds.toFixed(1)} s (${methods}; +${c.inserted} ~${c.updated} -${c.deleted}; ` +
      `${c.read.toLocaleString('en-US')} rows read, ${c.keys.toLocaleString('en-US')} keys read), worker peak RSS ${run.peakRssMb.toFixed(0)} MB`,
  );
  console.log(phaseSummary(run));
}

/** How the sync part's tables find their changes: the config's cursors, or every table by the log. */
export type SyncMethod = 'cursor' | 'cdc';

const tablesFor = (method: SyncMethod, tables: TableSpec[]): TableSpec[] =>
  method === 'cdc' ? tables.map((table) => ({ ...table, sync: { cdc: true as const } })) : tables;

export async function syncRuns(
  context: Context,
  source: Source,
  options: { method: SyncMethod; parallelism: number; cursorIndexes: boolean; batchRowsBelow?: number },
): Promise<SyncRuns> {
  const { parallelism, batchRowsBelow } = options;
  const tables = tablesFor(options.method, context.tables);
  await copySource(context.env, source);
  if (options.method === 'cursor')
    console.log(options.cursorIndexes ? await indexCursors(context.env, tables) : '  no index on the cursor columns');
  const run = (keepTarget: boolean) =>
    runMigrationWorkflow({ ...context, tables, ...SYNC_DATABASES, parallelism, keepTarget, batchRowsBelow });
  const full = await run(false);
  report(`full copy into an empty target, scale ${source.scale}`, full);
  // A daily sync runs a day after the full copy, when autovacuum has long processed its rows; here it would
  // run during the first syncs (as the copy part vacuums between its contenders).
  const vacuum = await timed(() => vacuumDatabases(context.env, [SYNC_DATABASES.target]));
  console.log(`  target vacuumed (analyze) after the full copy in ${vacuum.seconds.toFixed(1)} s (untimed)`);
  const unchanged = await run(true);
  report('sync, nothing changed', unchanged);
  const rentals = source.counts.get('rental') ?? 0;
  const day = await withPool(context.env, SYNC_DATABASES.source, (pool) => simulateDay(pool, rentals, 1));
  console.log(
    `  one day written to the source in ${day.seconds.toFixed(1)} s: ${day.inserted} rentals (and payments) new, ${day.updated} returned, ${day.deleted} deleted`,
  );
  const oneDay = await run(true);
  report('sync after one day', oneDay);
  const afterDay = await run(true);
  report('sync, nothing changed since that day', afterDay);
  // The first day's sync reads the target's keys once by range (the full copy recorded only their total):
  // a later day compares the source's ranges with the ones recorded, as every daily run after it does.
  const day2 = await withPool(context.env, SYNC_DATABASES.source, (pool) => simulateDay(pool, rentals, 2));
  console.log(
    `  a second day written: ${day2.inserted} rentals new, ${day2.updated} returned, ${day2.deleted} deleted`,
  );
  const secondDay = await run(true);
  report('sync after the second day', secondDay);
  const expected = await withPool(context.env, SYNC_DATABASES.source, (pool) => countRows(pool, context.tables));
  await withPool(context.env, SYNC_DATABASES.target, (pool) =>
    expectSameCounts(pool, context.tables, 'dvd_rental', expected),
  );
  console.log(`  target counts equal the source's after the day (${totalRows(expected).toLocaleString('en-US')} rows)`);
  return { full, unchanged, day, oneDay, afterDay, secondDay };
}

export function syncGoals(runs: SyncRuns, method: SyncMethod): Goal[] {
  const detail = (run: WorkflowRun) =>
    `(${method}: full copy ${runs.full.seconds.toFixed(1)} s / sync ${run.seconds.toFixed(1)} s)`;
  const peak = Math.max(
    ...[runs.full, runs.unchanged, runs.oneDay, runs.afterDay, runs.secondDay].map((run) => run.peakRssMb),
  );
  return [
    {
      name: `unchanged sync 20x faster than full copy (${method})`,
      value: runs.full.seconds / runs.unchanged.seconds,
      atLeast: SYNC_GOALS.unchanged,
      unit: 'x',
      detail: detail(runs.unchanged),
    },
    {
      name: `one-day sync 10x faster than full copy (${method})`,
      value: runs.full.seconds / runs.oneDay.seconds,
      atLeast: SYNC_GOALS.oneDay,
      unit: 'x',
      detail: detail(runs.oneDay),
    },
    {
      name: `a later day's sync 10x faster than full copy (${method})`,
      value: runs.full.seconds / runs.secondDay.seconds,
      atLeast: SYNC_GOALS.oneDay,
      unit: 'x',
      detail: detail(runs.secondDay),
    },
    {
      name: `worker peak RSS (sync runs, ${method})`,
      value: peak,
      below: 256,
      unit: ' MB',
      detail: '(VmHWM of each run’s worker process, the highest)',
    },
  ];
}

export async function dropSyncDatabases(env: Env): Promise<void> {
  for (const database of Object.values(SYNC_DATABASES)) await dropDatabase(env, database);
}
