// CDC sync (config `"sync": "cdc"`) on dvd_rental: a logical replication slot on the source (wal_level=logical),
// read with pgoutput over the replication protocol; real Postgres and Temporal, each run a migration workflow.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { tableChecksums } from '../../../dataset/checksum';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../../activities/migration/config-file';
import { syncDetail } from '../../../cli/commands/migration';
import type { MigrationResult, SyncCounters, TableProgress, TableSpec } from '../../../workflows/migration/types';
import { captureChanges } from '../../../activities/migration/cdc-capture';
import { MigrationConfigError } from '../../../workflows/migration/errors';
import { byTable, migrate, one, syncFixture, type SyncFixture } from '../../support/migration-run';

const SOURCE_DB = 'cdc_source';
const TARGET_DB = 'cdc_target';
/** payment has no cursor column for updates: only the log sees them. */
const CDC_TABLES = ['customer', 'rental', 'payment'];

let fx: SyncFixture;
let config: TableSpec[];
let runs = 0;

const run = (): Promise<MigrationResult> => migrate(fx.harness, `cdc-${++runs}`, { tables: config });

const syncOf = (table: TableProgress): SyncCounters => table.sync!;

async function expectSameData(tables: string[]): Promise<void> {
  expect(await tableChecksums(fx.target, 'dvd_rental', tables)).toEqual(
    await tableChecksums(fx.source, 'public', tables),
  );
}

beforeAll(async () => {
  fx = await syncFixture({ source: SOURCE_DB, target: TARGET_DB });
  config = (await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG)).map((spec) =>
    CDC_TABLES.includes(spec.name) ? { ...spec, sync: { cdc: true as const } } : spec,
  );
  const first = await run();
  expect(first.tables.map((table) => table.mode)).toEqual(config.map(() => 'full'));
  expect(first.cdc).toMatchObject({ slotCreated: true, changes: { 'dvd_rental.payment': 0 } });
});

afterAll(async () => {
  await fx?.source.query(`select pg_drop_replication_slot(slot_name) from pg_replication_slots
                           where database = current_database() and not active`);
  await fx?.close();
});

test('inserts, updates (of payment too, which has no cursor) and deletes arrive exactly once; target-only columns stay', async () => {
  await fx.target.query(
    `alter table dvd_rental.customer add column loyalty text; update dvd_rental.customer set loyalty = 'kept'`,
  );
  const rental = await one<{ rental_id: number }>(
    fx.source,
    `insert into rental (rental_date, inventory_id, customer_id, staff_id) values (now(), 1, 1, 1) returning rental_id`,
  );
  await fx.source.query(
    `insert into payment (customer_id, staff_id, rental_id, amount, payment_date) values (1, 1, $1, 4.99, now())`,
    [rental.rental_id],
  );
  await fx.source.query(`update customer set email = 'cdc@example.org' where customer_id = 1`);
  // a rental gone with its payments (children first at the source too)
  const gone = await one<{ rental_id: number }>(
    fx.source,
    `select rental_id from rental r where exists (select from payment p where p.rental_id = r.rental_id) order by rental_id limit 1`,
  );
  // a payment of another rental changed (payment has no cursor column: only the log sees it)
  await fx.source.query(
    `update payment set amount = amount + 1 where payment_id = (select min(payment_id) from payment where rental_id <> $1)`,
    [gone.rental_id],
  );
  const paymentsGone = (await fx.source.query('delete from payment where rental_id = $1', [gone.rental_id])).rowCount!;
  await fx.source.query('delete from rental where rental_id = $1', [gone.rental_id]);

  const result = await run();
  const tables = byTable(result);

  expect(result.cdc!.changes).toEqual({
    'dvd_rental.customer': 1,
    'dvd_rental.rental': 2,
    'dvd_rental.payment': 2 + paymentsGone,
  });
  expect(tables.payment!.changes).toEqual({ inserted: 1, updated: 1, deleted: paymentsGone });
  expect(tables.rental!.changes).toEqual({ inserted: 1, updated: 0, deleted: 1 });
  expect(tables.customer!.changes).toEqual({ inserted: 0, updated: 1, deleted: 0 });
  expect(syncOf(tables.payment!)).toMatchObject({
    method: 'cdc',
    rowsRead: 2, // the keys the source still has; the gone ones are deleted, not read
    logged: { changes: 2 + paymentsGone, keys: 2 + paymentsGone },
    verified: 'touched',
  });
  expect(syncDetail(syncOf(tables.payment!))).toMatch(
    /^log: 2 rows read, \d+ changes logged on \d+ keys, verified touched rows$/,
  );
  await expectSameData(['rental', 'payment']);
  const customer = await one<{ email: string; kept: string }>(
    fx.target,
    `select (select email from dvd_rental.customer where customer_id = 1) as email,
            count(*) filter (where loyalty = 'kept') as kept from dvd_rental.customer`,
  );
  const customers = await one<{ n: string }>(fx.source, 'select count(*) as n from customer');
  expect(customer).toEqual({ email: 'cdc@example.org', kept: customers.n });
});

test('a second run with no change logs nothing, reads nothing and writes nothing', async () => {
  const result = await run();
  const tables = byTable(result);

  expect(Object.values(result.cdc!.changes)).toEqual([0, 0, 0]);
  expect(result.cdc!.pruned).toBeGreaterThan(0); // the last run's entries, applied by every table
  for (const name of CDC_TABLES) {
    expect([name, tables[name]!.changes]).toEqual([name, { inserted: 0, updated: 0, deleted: 0 }]);
    expect([name, syncOf(tables[name]!)]).toEqual([
      name,
      expect.objectContaining({ method: 'cdc', rowsRead: 0, logged: { changes: 0, keys: 0 } }),
    ]);
  }
});

test('a transaction still open when the capture reads the log is not lost: the next run brings it', async () => {
  const late = await fx.source.connect();
  try {
    await late.query('begin');
    await late.query(`update payment set amount = 0.5 where payment_id = (select max(payment_id) from payment)`);
    const during = byTable(await run());
    expect(during.payment!.changes!.updated).toBe(0);
    await late.query('commit');
  } finally {
    late.release();
  }

  const after = byTable(await run());

  expect(after.payment!.changes).toEqual({ inserted: 0, updated: 1, deleted: 0 });
  await expectSameData(['payment']);
});

test('a lost slot is made again and its tables compared in full once, then followed by the log again', async () => {
  const { slot } = (await run()).cdc!;
  await fx.source.query('select pg_drop_replication_slot($1)', [slot]);
  await fx.source.query(`update rental set return_date = now() where rental_id = (select min(rental_id) from rental)`);

  const again = await run();

  expect(again.cdc).toMatchObject({ slot, slotCreated: true });
  const tables = byTable(again);
  for (const name of CDC_TABLES) expect([name, syncOf(tables[name]!).method]).toEqual([name, 'compare']);
  expect(tables.rental!.changes).toEqual({ inserted: 0, updated: 1, deleted: 0 });
  await expectSameData(['rental', 'payment']);
  const next = byTable(await run());
  for (const name of CDC_TABLES) expect([name, syncOf(next[name]!).method]).toEqual([name, 'cdc']);
});

test('a source role without REPLICATION gets a config error saying what it lacks, and the target keeps its log', async () => {
  const role = 'cdc_no_replication';
  await fx.source.query(`do $$ begin
                        if not exists (select from pg_roles where rolname = '${role}') then
                          create role ${role} login password 'not-a-secret' nosuperuser noreplication;
                        end if; end $$;
                      grant select on all tables in schema public to ${role}`);
  const url = new URL(fx.env.SOURCE_DATABASE_URL);
  Object.assign(url, { username: role, password: 'not-a-secret' });
  const limited = new pg.Pool({ connectionString: url.toString(), max: 2 });
  const before = await one<{ lsn: string }>(fx.target, 'select captured_lsn::text as lsn from _migration.cdc_capture');
  try {
    const tables = config.filter((spec) => CDC_TABLES.includes(spec.name));
    const capture = captureChanges({ source: limited, target: fx.target, configName: 'migration', tables });
    await expect(capture).rejects.toThrow(MigrationConfigError);
    await expect(capture).rejects.toThrow(/^CDC capture of customer, rental, payment from the source: .*REPLICATION/);
  } finally {
    await limited.end();
  }
  expect(await one(fx.target, 'select captured_lsn::text as lsn from _migration.cdc_capture')).toEqual(before);
});

test('migration:cdc-drop drops the slot and the publication; the next run compares in full and makes them again', async () => {
  const { slot } = (await run()).cdc!;
  const repo = path.resolve(__dirname, '..', '..', '..');
  const { stdout } = await promisify(execFile)(
    path.join(repo, 'node_modules', '.bin', 'tsx'),
    ['activities/migration/cdc-drop-cli.ts', '--config', 'migration'],
    {
      cwd: repo,
      env: {
        ...process.env,
        SOURCE_DATABASE_URL: fx.env.SOURCE_DATABASE_URL,
        TARGET_DATABASE_URL: fx.env.TARGET_DATABASE_URL,
      },
    },
  );
  expect(stdout).toBe(
    `${slot}: slot dropped, publication dropped; dvd_rental.customer, dvd_rental.payment, dvd_rental.rental ` +
      'will be compared in full on the next run\n',
  );
  const left = await one<{ slots: string; publications: string }>(
    fx.source,
    `select (select count(*) from pg_replication_slots where slot_name = $1) as slots,
            (select count(*) from pg_publication where pubname = $1) as publications`,
    [slot],
  );
  expect(left).toEqual({ slots: '0', publications: '0' });

  const again = await run();
  expect(again.cdc).toMatchObject({ slot, slotCreated: true });
  for (const name of CDC_TABLES) expect([name, syncOf(byTable(again)[name]!).method]).toEqual([name, 'compare']);
});
