// The worker SIGKILLed between a sync's rows and its watermark: the copy's transaction has upserted the day's
// changes and waits at the watermark write (a trigger takes an advisory lock the test holds) when its worker
// dies. The retry, on a new worker, neither loses nor doubles a row. By a cursor, and by the log (cdc): there
// the capture has committed the day's changes to the target's change log, and the slot is not confirmed yet.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type pg from 'pg';
import { compareLsn } from '../../../activities/migration/cdc-log';
import { connectClient } from '../../../common/temporal-client';
import { tableChecksum } from '../../../dataset/checksum';
import type { WorkerProcess } from '../../../stack/worker-process';
import { migrationWorkflow } from '../../../workflows';
import type { MigrationResult, TableSpec } from '../../../workflows/migration/types';
import { DEFAULT_OPTIONS } from '../../support/migration-run';
import { faultStack, startWorker, type FaultStack } from '../../support/worker-faults';

const tableSpec = (name: string, sync: TableSpec['sync']): TableSpec => ({
  name,
  schema_in: 'public',
  schema_out: 'dvd_rental',
  depends_on: [],
  sync,
});
const CURSOR_TABLE = tableSpec('kept', { cursor: 'at' });
const CDC_TABLE = tableSpec('logged', { cdc: true });
const LOCK = 4242;

let stack: FaultStack;
let client: Client;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  stack = await faultStack('sync_kill');
  client = await connectClient(stack.env);
  for (const { name } of [CURSOR_TABLE, CDC_TABLE])
    await stack.source
      .query(`create table ${name} (id int primary key, v text not null, at timestamptz not null default now());
                              insert into ${name} (id, v, at) select g, 'v' || g, now() - interval '1 day' from generate_series(1, 1000) g`);
  await stack.target.query(`create function block_watermark() returns trigger language plpgsql as $$
                              begin perform pg_advisory_xact_lock(${LOCK}); return new; end $$`);
}, 180_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop().catch(() => undefined);
  await stack?.source.query(`select pg_drop_replication_slot(slot_name) from pg_replication_slots
                              where database = current_database() and not active`);
  await client?.connection.close();
  await Promise.all([stack?.source.end(), stack?.target.end()]);
});

async function start() {
  const worker = await startWorker(stack);
  workers.push(worker);
  return worker;
}

const migrate = (trial: string, table: TableSpec) =>
  client.workflow.start(migrationWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: `migration-${trial}-${randomUUID()}`,
    args: [{ configName: `sync-kill-${table.name}`, tables: [table], options: { ...DEFAULT_OPTIONS, mode: 'auto' } }],
  });

/** Attempts of the run's copy activity (its started event records the last one). */
async function copyAttempts(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.find(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'migrationCopyTable',
  );
  const started = events.find(
    (event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
  );
  return started?.activityTaskStartedEventAttributes?.attempt ?? 0;
}

/** Polls until a target backend waits for the test's advisory lock: the sync's rows are in, its watermark is next. */
async function waitForBlockedWatermark(target: pg.Pool): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    const { rows } = await target.query(
      `select 1 from pg_locks where locktype = 'advisory' and objid = $1 and not granted`,
      [LOCK],
    );
    if (rows.length) return;
    await sleep(100);
  }
  throw new Error('no sync reached the watermark write');
}

const watermarkOf = async (table: TableSpec) =>
  (
    await stack.target.query<{ watermark: string }>(
      `select watermark from _migration.sync_state where table_name = $1`,
      [`dvd_rental.${table.name}`],
    )
  ).rows[0]!.watermark;

/** A cursor's watermark is ISO text; the log's is an LSN, ordered as one. */
const advanced = (table: TableSpec, before: string, after: string) =>
  table.sync?.cdc ? compareLsn(after, before) > 0 : after > before;

describe.each([
  ['a cursor', CURSOR_TABLE],
  ['the log (cdc)', CDC_TABLE],
])('synced by %s', (_how, table) => {
  test('a worker killed after the rows, before the watermark commits: the rerun neither loses nor doubles a row', async () => {
    const first = workers.at(-1) ?? (await start());
    const full = (await (await migrate('sync-kill-full', table)).result()) as MigrationResult;
    expect(full.tables[0]).toMatchObject({ state: 'copied', mode: 'full', rows: 1000 });
    const before = await watermarkOf(table);

    await stack.source.query(`insert into ${table.name} (id, v) select g, 'new' || g from generate_series(1001, 1003) g;
                              update ${table.name} set v = v || '!', at = now() where id in (10, 20);
                              delete from ${table.name} where id = 30`);
    await stack.target.query(`create trigger block_watermark before insert or update on _migration.sync_state
                                for each row execute function block_watermark()`);
    const holder = await stack.target.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [LOCK]);
      const handle = await migrate('sync-kill', table);
      await waitForBlockedWatermark(stack.target);
      const { rows: staged } = await stack.target.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity where query like 'insert into _migration.sync_state%' and wait_event = 'advisory'`,
      );
      expect(Number(staged[0]!.n)).toBe(1); // the copy waits at its watermark write
      const slot = table.sync?.cdc && (await slotPositions());
      // the day's changes are in the target's log, the slot not confirmed past them: it would send them again
      if (slot) expect(compareLsn(slot.confirmed, slot.captured)).toBeLessThan(0);
      await first.kill(); // SIGKILL: the open transaction, rows upserted, watermark not written, is lost with it
      await start();
      await holder.query('select pg_advisory_unlock($1)', [LOCK]); // the lost backend ends, rolled back
      const result = (await handle.result()) as MigrationResult;

      expect(result.status).toBe('succeeded');
      expect(await copyAttempts(handle)).toBe(2);
      // the retry found all of the day's changes still to do: the killed attempt left nothing behind
      expect(result.tables[0]).toMatchObject({
        state: 'copied',
        mode: 'sync',
        rows: 5, // verified: the rows the sync read (3 new, 2 updated)
        changes: { inserted: 3, updated: 2, deleted: 1 },
      });
      await expectSameRows(table, 1002);
      expect(advanced(table, before, await watermarkOf(table))).toBe(true);
    } finally {
      await stack.target.query('drop trigger block_watermark on _migration.sync_state');
      holder.release();
    }
    // the next run: nothing logged twice (the slot is confirmed only now, by this capture), nothing to do
    const next = (await (await migrate('sync-kill-next', table)).result()) as MigrationResult;
    expect(next.tables[0]!.changes).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    if (next.cdc) {
      expect(next.cdc.changes).toEqual({ [`dvd_rental.${table.name}`]: 0 });
      const slot = await slotPositions(); // confirmed by this capture up to the killed run's position
      expect(compareLsn(slot.confirmed, next.cdc.from)).toBeGreaterThan(0);
    }
    await expectSameRows(table, 1002);
  }, 180_000);
});

/** The CDC slot's confirmed position on the source and the position the target's log holds. */
async function slotPositions(): Promise<{ confirmed: string; captured: string }> {
  const [slot, log] = await Promise.all([
    stack.source.query<{ lsn: string }>(`select confirmed_flush_lsn::text as lsn from pg_replication_slots
                                          where database = current_database()`),
    stack.target.query<{ lsn: string }>(`select captured_lsn::text as lsn from _migration.cdc_capture`),
  ]);
  return { confirmed: slot.rows[0]!.lsn, captured: log.rows[0]!.lsn };
}

async function expectSameRows(table: TableSpec, rows: number): Promise<void> {
  const [source, target] = await Promise.all([
    tableChecksum(stack.source, 'public', table.name),
    tableChecksum(stack.target, 'dvd_rental', table.name),
  ]);
  expect(source.rows).toBe(rows);
  expect(target).toEqual(source);
}
