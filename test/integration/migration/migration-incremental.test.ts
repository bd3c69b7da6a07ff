// Incremental sync (config `sync`) on dvd_rental, real Postgres and Temporal: each run a migration workflow.
import { tableChecksums } from '../../../dataset/checksum';
import { DVD_RENTAL_TABLES } from '../../../dataset/tables';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../../activities/migration/config-file';
import { syncDetail } from '../../../cli/commands/migration';
import type { MigrationInput, SyncCounters, TableSpec } from '../../../workflows/migration/types';
import {
  byTable,
  DEFAULT_OPTIONS,
  failureOf,
  migrate,
  one,
  syncFixture,
  type SyncFixture,
} from '../../support/migration-run';
import { freshDatabase } from '../../support/stack';

const SOURCE_DB = 'incremental_source';
const TARGET_DB = 'incremental_target';

let fx: SyncFixture;
let config: TableSpec[];
let runs = 0;

/** One migration run, a fresh workflow id each time. */
const run = (input: Partial<MigrationInput>) => migrate(fx.harness, `incremental-${++runs}`, input);
const sync = (tables: TableSpec[] = config) => run({ tables }).then(byTable);

const syncOf = (table: { sync?: SyncCounters }) => table.sync!;

/** Tables the test compares whole (city has a target-only column). */
const COMPARED = DVD_RENTAL_TABLES.filter((table) => table !== 'city');

async function expectSameData(): Promise<void> {
  expect(await tableChecksums(fx.target, 'dvd_rental', COMPARED)).toEqual(
    await tableChecksums(fx.source, 'public', COMPARED),
  );
}

beforeAll(async () => {
  // Servers in other time zones than UTC (and than each other): the source's trigger writes local times.
  fx = await syncFixture({ source: SOURCE_DB, target: TARGET_DB }, async () => {
    const admin = await freshDatabase('incremental_admin');
    await admin.query(`alter database ${SOURCE_DB} set timezone = 'Asia/Kolkata'`);
    await admin.query(`alter database ${TARGET_DB} set timezone = 'America/New_York'`);
    await admin.end();
  });
  config = await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG);
  const first = await sync();
  expect(Object.values(first).map((table) => table.mode)).toEqual(config.map(() => 'full'));
});

afterAll(() => fx?.close());

test('inserts, updates and deletes arrive exactly once; target-only columns are kept', async () => {
  await fx.target.query('alter table dvd_rental.city add column longitude numeric(9, 6)');
  await fx.target.query('update dvd_rental.city set longitude = city_id / 10.0');
  await fx.source.query(`insert into actor (first_name, last_name) values ('NEW', 'ACTOR')`);
  await fx.source.query(`update customer set email = 'changed@example.org' where customer_id = 1`);
  await fx.source.query(`update city set city = 'Renamed' where city_id = 5`);
  const rental = await one<{ rental_id: number }>(
    fx.source,
    `insert into rental (rental_date, inventory_id, customer_id, staff_id) values (now(), 1, 1, 1) returning rental_id`,
  );
  await fx.source.query(
    `insert into payment (customer_id, staff_id, rental_id, amount, payment_date)
                      values (1, 1, $1, 4.99, now())`,
    [rental.rental_id],
  );
  // A rental gone with its payments (children first at the source too) and one more payment.
  const gone = await one<{ rental_id: number }>(
    fx.source,
    `select rental_id from rental r where exists (select from payment p where p.rental_id = r.rental_id) order by rental_id limit 1`,
  );
  const paymentsGone = (await fx.source.query('delete from payment where rental_id = $1', [gone.rental_id])).rowCount!;
  await fx.source.query('delete from rental where rental_id = $1', [gone.rental_id]);
  await fx.source.query('delete from payment where payment_id = (select max(payment_id) - 10 from payment)');

  const result = await sync();

  expect(result.actor!.changes).toEqual({ inserted: 1, updated: 0, deleted: 0 });
  expect(result.customer!.changes).toEqual({ inserted: 0, updated: 1, deleted: 0 });
  expect(result.city!.changes).toEqual({ inserted: 0, updated: 1, deleted: 0 });
  expect(result.rental!.changes).toEqual({ inserted: 1, updated: 0, deleted: 1 });
  expect(result.payment!.changes).toEqual({ inserted: 1, updated: 0, deleted: paymentsGone + 1 });
  const changed = ['actor', 'customer', 'city', 'rental', 'payment'];
  for (const table of Object.values(result).filter((t) => !changed.includes(t.table)))
    expect([table.table, table.changes]).toEqual([table.table, { inserted: 0, updated: 0, deleted: 0 }]);
  expect(syncOf(result.payment!)).toMatchObject({ method: 'key', rowsRead: 1, repaired: 0, keysByCount: false });
  // only the key ranges holding a difference are streamed, not the table's keys
  expect(syncOf(result.payment!).keysStreamed).toBeLessThan(syncOf(result.payment!).keysCompared!.source / 20);
  expect(syncOf(result.rental!)).toMatchObject({ method: 'cursor', repaired: 0, verified: 'touched' });
  // the full copy's verify pass recorded the target's keys: a quiet table reads only the source's
  expect(syncOf(result.film!)).toMatchObject({ keysByCount: true, targetKeys: 'recorded' });
  // and by range: a changed table compares the source's ranges with them and streams only the differing ones
  for (const table of [result.rental!, result.payment!])
    expect([table.table, syncOf(table).targetKeys]).toEqual([table.table, 'recorded']);
  await expectSameData();
  const city = await one<{ kept: number; name: string }>(
    fx.target,
    `select count(*) filter (where longitude = city_id / 10.0)::int as kept,
            (select city from dvd_rental.city where city_id = 5) as name from dvd_rental.city`,
  );
  expect(city).toEqual({ kept: 600, name: 'Renamed' });
});

test('a second sync with no change writes nothing and reads only the cursor overlap and the keys', async () => {
  const result = await sync();

  for (const spec of config) {
    const table = result[spec.name]!;
    expect([spec.name, table.mode, table.changes]).toEqual([
      spec.name,
      'sync',
      { inserted: 0, updated: 0, deleted: 0 },
    ]);
    const counters = syncOf(table);
    const { n } = await one<{ n: string }>(fx.source, `select count(*) as n from public.${spec.name}`);
    expect([spec.name, counters.keysCompared]).toEqual([spec.name, { source: Number(n), target: Number(n) }]);
    expect([spec.name, counters.repaired, counters.keysByCount]).toEqual([spec.name, 0, true]);
    // the target's keys are not read again: the last sync recorded what it left
    expect([spec.name, counters.targetKeys]).toEqual([spec.name, 'recorded']);
    if (spec.sync?.key) {
      expect(counters).toMatchObject({ method: 'key', rowsRead: 0 });
      continue;
    }
    // The rows written today (by these tests), none of the archive's: what a day's re-read may cover.
    const recent = await one<{ n: string }>(
      fx.source,
      `select count(*) as n from public.${spec.name}
        where last_update > (now() at time zone 'UTC') - interval '1 day' or last_update is null`,
    );
    expect([spec.name, counters.method, counters.rowsRead]).toEqual([spec.name, 'cursor', Number(recent.n)]);
    expect(counters.rowsRead).toBe(counters.reread + counters.nullCursor);
  }
  expect(syncOf(result.film!).rowsRead).toBe(0);
});

test('a row removed from the target behind the sync is not seen by the daily sync, and restored by a full check', async () => {
  const { payment_id: id } = await one<{ payment_id: number }>(
    fx.target,
    'delete from dvd_rental.payment where payment_id = (select min(payment_id) from dvd_rental.payment) returning payment_id',
  );

  const daily = await sync();
  expect(daily.payment!.changes).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  expect(syncOf(daily.payment!)).toMatchObject({ keysByCount: true, targetKeys: 'recorded' });

  const full = byTable(await run({ tables: config, options: { ...DEFAULT_OPTIONS, verify: 'full' } }));
  expect(full.payment!.changes).toEqual({ inserted: 1, updated: 0, deleted: 0 });
  expect(syncOf(full.payment!)).toMatchObject({ repaired: 1, targetKeys: 'read', verified: 'full' });
  const restored = await one<{ n: number }>(
    fx.target,
    'select count(*)::int as n from dvd_rental.payment where payment_id = $1',
    [id],
  );
  expect(restored.n).toBe(1);
  await expectSameData();
});

test('a row committed late with an older cursor value inside the overlap is not lost (and outside it is)', async () => {
  // actor without overlap, its writers' zone declared (no margin): what the overlap protects against
  const tables = config.map((spec) =>
    spec.name === 'actor'
      ? { ...spec, sync: { cursor: 'last_update', overlap_seconds: 0, time_zone: 'Asia/Kolkata' } }
      : spec,
  );
  const late = await fx.source.connect();
  try {
    await late.query('begin');
    await late.query(`update customer set email = 'late@example.org' where customer_id = 2`);
    await late.query(`update actor set first_name = 'LATE' where actor_id = 2`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // committed after the late transaction started: a higher cursor value
    await fx.source.query(`update customer set email = 'early@example.org' where customer_id = 3`);
    await fx.source.query(`update actor set first_name = 'EARLY' where actor_id = 3`);
    const during = await sync(tables);
    expect(during.customer!.changes!.updated).toBe(1);
    expect(during.actor!.changes!.updated).toBe(1);
    await late.query('commit');
  } finally {
    late.release();
  }

  const after = await sync(tables);

  expect(after.customer!.changes!.updated).toBe(1);
  const email = await one<{ email: string }>(fx.target, 'select email from dvd_rental.customer where customer_id = 2');
  expect(email.email).toBe('late@example.org');
  // overlap 0: the late update sits below the watermark the early one set, and is never read
  expect(after.actor!.changes!.updated).toBe(0);
  const actor = await one<{ first_name: string }>(
    fx.target,
    'select first_name from dvd_rental.actor where actor_id = 2',
  );
  expect(actor.first_name).not.toBe('LATE');
  // ...until a full verify finds it: the table fails, naming it
  const failure = await failureOf(run({ tables, options: { ...DEFAULT_OPTIONS, verify: 'full' } }));
  expect(failure.cause?.message).toMatch(/^table dvd_rental\.actor failed: dvd_rental\.actor: source has \d+ rows/);
  await fx.source.query(`update actor set first_name = 'LATE' where actor_id = 2`); // a new cursor value repairs it
  expect((await sync(tables)).actor!.changes!.updated).toBe(1);
});

test('equal cursor values across runs, NULL cursors and a key cursor with a key committed late', async () => {
  const tables = config;
  await sync(tables);
  const insertActor = (name: string) =>
    fx.source.query(
      `insert into actor (first_name, last_name, last_update) select $1, 'SAME', max(last_update) from actor`,
      [name],
    );
  await insertActor('FIRST');
  await fx.source.query(`insert into customer (store_id, first_name, last_name, address_id, last_update)
                      values (1, 'NULL', 'CURSOR', 1, null)`);
  const { max } = await one<{ max: number }>(fx.source, 'select max(payment_id)::int as max from payment');
  const payment = (id: number) =>
    fx.source.query(
      `insert into payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date)
       values ($1, 1, 1, (select max(rental_id) from rental), 1.00, now())`,
      [id],
    );
  await payment(max + 100);
  const first = await sync(tables);
  expect(first.actor!.changes!.inserted).toBe(1);
  expect(first.customer!.changes!.inserted).toBe(1);
  expect(syncOf(first.customer!).nullCursor).toBe(1);

  await insertActor('SECOND'); // the same last_update as the watermark
  await payment(max + 50); // below the key cursor's watermark: committed late
  await fx.source.query('delete from payment where payment_id = (select min(payment_id) + 1 from payment)');
  const second = await sync(tables);

  expect(second.actor!.changes).toEqual({ inserted: 1, updated: 0, deleted: 0 });
  expect(syncOf(second.actor!).repaired).toBe(0); // read by its cursor, not found by the key comparison
  expect(second.customer!.changes).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  expect(syncOf(second.customer!).nullCursor).toBe(1); // re-read every time, written never
  expect(second.payment!.changes).toEqual({ inserted: 1, updated: 0, deleted: 1 });
  // found by the source's key ranges against the ones the last sync recorded for the target
  expect(syncOf(second.payment!)).toMatchObject({ method: 'key', rowsRead: 1, repaired: 1, targetKeys: 'recorded' });
  await expectSameData();
});

test('tables without a cursor sync by the full comparison, and the summary says so', async () => {
  const tables = config.map((spec) => (spec.name === 'language' ? { ...spec, sync: undefined } : spec));
  await fx.source.query(`update language set name = 'Klingon' where language_id = 6`);

  const result = await sync(tables);

  expect(result.language!.changes).toEqual({ inserted: 0, updated: 1, deleted: 0 });
  expect(syncOf(result.language!)).toMatchObject({ method: 'compare', rowsRead: 6 });
  expect(syncDetail(syncOf(result.language!))).toBe(
    'full comparison, 6 rows read: no sync cursor in the config: compared in full',
  );
  expect(syncDetail(syncOf(result.film!))).toBe(
    'cursor: 0 rows read, 1,000 keys compared by count with the target keys recorded by the last sync, verified touched rows',
  );
});

test('a sync that fails after copying its rows, before its watermark commits, loses and doubles nothing on retry', async () => {
  // The first watermark write of actor fails (a retryable error): the activity is retried from scratch.
  await fx.target.query(`create sequence public.fail_once;
    create function public.fail_once() returns trigger language plpgsql as $$
    begin
      if new.table_name = 'dvd_rental.actor' and nextval('public.fail_once') = 1 then
        raise exception 'injected failure after the rows, before the watermark';
      end if;
      return new;
    end $$;
    create trigger fail_once before update on _migration.sync_state
      for each row execute function public.fail_once();`);
  await fx.source.query(
    `insert into actor (first_name, last_name) select 'RETRY', 'ACTOR ' || g from generate_series(1, 3) g`,
  );
  const before = await one<{ watermark: string }>(
    fx.target,
    `select watermark from _migration.sync_state where table_name = 'dvd_rental.actor'`,
  );

  const result = await sync();

  const attempts = await one<{ n: string }>(fx.target, 'select last_value as n from public.fail_once');
  expect(Number(attempts.n)).toBe(2); // the first attempt reached the watermark write, with its rows upserted
  expect(result.actor!.changes).toEqual({ inserted: 3, updated: 0, deleted: 0 }); // its rows were rolled back with it
  const copies = await one<{ n: number }>(
    fx.target,
    `select count(*)::int as n from dvd_rental.actor where first_name = 'RETRY'`,
  );
  expect(copies.n).toBe(3);
  const after = await one<{ watermark: string }>(
    fx.target,
    `select watermark from _migration.sync_state where table_name = 'dvd_rental.actor'`,
  );
  expect(after.watermark > before.watermark).toBe(true);
  await expectSameData();
  await fx.target.query('drop trigger fail_once on _migration.sync_state');
});
