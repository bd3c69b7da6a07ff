import pg from 'pg';
import type { Env } from '../../../common/env';
import { tableChecksums } from '../../../dataset/checksum';
import { DVD_RENTAL_TABLES } from '../../../dataset/tables';
import { prepareTargetSchema } from '../../../activities/migration/target-schema';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../../activities/migration/config-file';
import { migrationProgressQuery } from '../../../workflows/migration/progress';
import type { MigrationResult } from '../../../workflows/migration/types';
import { freshDvdRentalPair } from '../../support/dvdrental';
import { byTable, DEFAULT_OPTIONS, failureOf, migrate } from '../../support/migration-run';
import { withWorker } from '../../support/stack';

describe('migration workflow on dvd_rental', () => {
  let env: Env;
  let source: pg.Pool;
  let target: pg.Pool;

  beforeAll(async () => {
    env = await freshDvdRentalPair({ source: 'migration_source', target: 'migration_target' });
    source = new pg.Pool({ connectionString: env.SOURCE_DATABASE_URL, max: 2 });
    target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  });
  afterAll(async () => {
    await source?.end();
    await target?.end();
  });

  test('copies every table with equal counts and checksums, keys, types and sequences', async () => {
    const result = await withWorker((harness) => migrate(harness, 'migration-first-copy'), env);

    expect(result.status).toBe('succeeded');
    expect(result.tables.map((t) => [t.table, t.state, t.mode])).toEqual(
      expect.arrayContaining(DVD_RENTAL_TABLES.map((table) => [table, 'copied', 'full'])),
    );
    expect(await tableChecksums(target, 'dvd_rental', DVD_RENTAL_TABLES)).toEqual(
      await tableChecksums(source, 'public', DVD_RENTAL_TABLES),
    );
    const count = async (sql: string) => Number((await target.query(sql)).rows[0].n);
    expect(
      await count(
        `select count(*) n from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = 'dvd_rental' and contype = 'f'`,
      ),
    ).toBe(18);
    expect(
      await count(
        `select count(*) n from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = 'dvd_rental' and contype = 'p'`,
      ),
    ).toBe(15);
    expect(
      await count(
        `select count(*) n from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = 'dvd_rental' and t.typname in ('mpaa_rating', 'year') and t.typtype in ('e', 'd')`,
      ),
    ).toBe(2);
    const { rows } = await target.query(
      `select nextval('dvd_rental.rental_rental_id_seq') as next, (select max(rental_id) from dvd_rental.rental) as max`,
    );
    expect(Number(rows[0].next)).toBeGreaterThan(Number(rows[0].max));
    expect(result.notReplicated).toEqual(expect.arrayContaining([expect.stringMatching(/^view public\.actor_info$/)]));
  });

  test('a second run syncs and changes nothing', async () => {
    const result = await withWorker((harness) => migrate(harness, 'migration-unchanged'), env);
    for (const table of result.tables) {
      expect([table.table, table.state, table.mode, table.changes]).toEqual([
        table.table,
        'copied',
        'sync',
        { inserted: 0, updated: 0, deleted: 0 },
      ]);
    }
  });

  test('a sync brings over exactly the source changes and keeps target-only columns', async () => {
    await target.query('alter table dvd_rental.city add column if not exists longitude numeric(9, 6)');
    await target.query('update dvd_rental.city set longitude = city_id / 10.0');
    await source.query(`insert into actor (first_name, last_name) values ('NEW', 'ACTOR')`);
    await source.query(`update customer set email = 'changed@example.org' where customer_id = 1`);
    const { rows } = await source.query(
      'delete from payment where payment_id = (select min(payment_id) from payment) returning payment_id',
    );
    const deleted = rows[0].payment_id;

    const result = byTable(await withWorker((harness) => migrate(harness, 'migration-sync'), env));

    expect(result.actor!.changes).toEqual({ inserted: 1, updated: 0, deleted: 0 });
    expect(result.customer!.changes).toEqual({ inserted: 0, updated: 1, deleted: 0 });
    expect(result.payment!.changes).toEqual({ inserted: 0, updated: 0, deleted: 1 });
    const untouched = Object.values(result).filter((t) => !['actor', 'customer', 'payment'].includes(t.table));
    for (const table of untouched) expect(table.changes).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect((await target.query(`select email from dvd_rental.customer where customer_id = 1`)).rows[0].email).toBe(
      'changed@example.org',
    );
    expect(
      (await target.query(`select count(*)::int n from dvd_rental.payment where payment_id = $1`, [deleted])).rows[0].n,
    ).toBe(0);
    expect(
      (await target.query(`select count(*)::int n from dvd_rental.city where longitude = city_id / 10.0`)).rows[0].n,
    ).toBe(600);
  });

  test('a table missing in the source is a config error naming it', async () => {
    const tables = [{ name: 'no_such_table', schema_in: 'public', schema_out: 'dvd_rental', depends_on: [] }];
    const failure = await failureOf(
      withWorker((harness) => migrate(harness, 'migration-missing-table', { tables }), env),
    );
    expect(failure.cause?.message).toContain('public.no_such_table does not exist in the source');
  });
});

describe('a table that fails mid-copy', () => {
  test('is rolled back, stops the run, and a rerun resumes at it', async () => {
    const env = await freshDvdRentalPair({ source: 'failing_source', target: 'failing_target' });
    const source = new pg.Pool({ connectionString: env.SOURCE_DATABASE_URL, max: 2 });
    const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
    try {
      const tables = await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG);
      await prepareTargetSchema({ source, target, tables, recreate: false });
      // A constraint only the target has: some rentals break it half-way through the table.
      await target.query(
        `alter table dvd_rental.rental add constraint returned_early check (return_date < '2005-08-01')`,
      );
      const serial = { ...DEFAULT_OPTIONS, parallelism: 1 };

      const failure = await failureOf(
        withWorker((harness) => migrate(harness, 'migration-fails', { tables, options: serial }), env),
      );
      expect(failure.cause?.message).toMatch(/^table dvd_rental\.rental failed: .*returned_early/);
      const result = byTable((failure.cause as unknown as { details: MigrationResult[] }).details[0]!);
      expect(result.rental!.state).toBe('failed');
      expect(result.payment!.state).toBe('not_run');
      expect(result.store!.state).toBe('not_run');
      expect(result.customer!.state).toBe('copied');
      expect((await target.query('select count(*)::int n from dvd_rental.rental')).rows[0].n).toBe(0);

      await target.query('alter table dvd_rental.rental drop constraint returned_early');
      const rerun = byTable(
        await withWorker((harness) => migrate(harness, 'migration-fails', { tables, options: serial }), env),
      );
      expect(rerun.rental!.state).toBe('copied');
      expect(rerun.payment!.state).toBe('copied');
      expect(rerun.customer!.state).toBe('skipped');
      expect(
        Object.values(rerun)
          .filter((t) => t.state === 'copied')
          .map((t) => t.table)
          .sort(),
      ).toEqual(['payment', 'rental', 'store']);
    } finally {
      await source.end();
      await target.end();
    }
  });
});

describe('progress query', () => {
  test('reports state, rows and elapsed time per table', async () => {
    const env = await freshDvdRentalPair({ source: 'progress_source', target: 'progress_target' });
    const progress = await withWorker(async (harness) => {
      await migrate(harness, 'migration-progress');
      return harness.client.workflow.getHandle('migration-progress').query(migrationProgressQuery);
    }, env);
    const rental = progress.find((table) => table.table === 'rental')!;
    expect(rental.state).toBe('copied');
    expect(rental.rows).toBeGreaterThan(10_000);
    expect(rental.elapsedMs).toBeGreaterThan(0);
    expect(progress).toHaveLength(15);
  });
});
