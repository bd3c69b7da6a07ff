import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadArchive } from '../../../dataset/archive';
import { tableChecksums } from '../../../dataset/checksum';
import { generateDataset } from '../../../dataset/generator';
import { schemaSignature } from '../../../dataset/catalog-signature';
import { foreignKeyViolations } from '../../../dataset/integrity';
import { DVD_RENTAL_SAMPLE_COUNTS, DVD_RENTAL_TABLES } from '../../../dataset/tables';
import { adminUrl } from '../../../stack/postgres';
import { toolPath } from '../../../stack/tools';
import { ARCHIVE_PATH, HAVE_ARCHIVE } from '../../support/dvdrental';
import { freshDatabase, testEnv } from '../../support/stack';

const archivePath = ARCHIVE_PATH;
const archiveTest = HAVE_ARCHIVE ? test : test.skip;

const ARCHIVE_DB = 'archive_test';

describe('dvd_rental archive loader', () => {
  archiveTest('restores every table with the sample counts', async () => {
    const database = ARCHIVE_DB;
    await (await freshDatabase(database)).end();
    const env = testEnv();
    const counts = await loadArchive({
      archivePath,
      databaseUrl: adminUrl(env, database),
      workDir: path.join(env.STACK_DATA_DIR, 'archive'),
      pgRestore: toolPath(env, 'pg_restore'),
    });
    expect(counts).toEqual(DVD_RENTAL_SAMPLE_COUNTS);
  });

  test('a file that is not a dump is a clear error', async () => {
    const bogus = path.join(testEnv().STACK_DATA_DIR, 'not-a-dump.tar');
    fs.writeFileSync(bogus, 'hello');
    await expect(
      loadArchive({ archivePath: bogus, databaseUrl: adminUrl(testEnv(), 'postgres'), workDir: '/tmp' }),
    ).rejects.toThrow(bogus);
  });
});

describe('synthetic generator', () => {
  const pools: pg.Pool[] = [];
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));

  async function generated(database: string, seed: number) {
    const pool = await freshDatabase(database);
    pools.push(pool);
    const report = await generateDataset({ pool, scale: 1, seed });
    return { pool, report, checksums: await tableChecksums(pool, 'public', DVD_RENTAL_TABLES) };
  }

  test('same seed gives the same data, every foreign key holds, another seed differs', async () => {
    const first = await generated('generated_a', 7);
    const again = await generated('generated_b', 7);
    const other = await generated('generated_c', 8);

    expect(again.checksums).toEqual(first.checksums);
    for (const table of DVD_RENTAL_TABLES) {
      expect(first.checksums[table]!.rows).toBeGreaterThan(0);
    }
    expect(first.checksums.rental!.rows).toBeGreaterThan(10_000);
    expect(other.checksums.rental!.checksum).not.toEqual(first.checksums.rental!.checksum);

    const integrity = await foreignKeyViolations(first.pool, 'public');
    expect(integrity.checked).toBeGreaterThanOrEqual(15);
    expect(integrity.violations).toEqual([]);

    // The check itself: with enforcement off, an orphan rental is found.
    await other.pool.query('alter table rental disable trigger all');
    await other.pool.query('update rental set customer_id = 32000 where rental_id = 1');
    const broken = await foreignKeyViolations(other.pool, 'public');
    expect(broken.violations).toEqual([{ constraint: 'rental_customer_id_fkey', table: 'rental', orphans: 1 }]);
  });

  test('past 32,767 customers: customer and address keys widen to integer, every key holds', async () => {
    const pool = await freshDatabase('generated_wide');
    pools.push(pool);
    await generateDataset({ pool, scale: 1, seed: 3, counts: { customers: 33_000, rentalsPerCustomer: 0.5 } });

    const { rows: types } = await pool.query<{ column: string; type: string }>(
      `select table_name || '.' || column_name as column, data_type as type from information_schema.columns
        where table_schema = 'public' and column_name in ('customer_id', 'address_id', 'store_id')
          and table_name in ('customer', 'rental', 'payment', 'staff', 'store') order by 1`,
    );
    expect(Object.fromEntries(types.map((row) => [row.column, row.type]))).toEqual({
      'customer.address_id': 'integer',
      'customer.customer_id': 'integer',
      'customer.store_id': 'smallint',
      'payment.customer_id': 'integer',
      'rental.customer_id': 'integer',
      'staff.address_id': 'smallint',
      'staff.store_id': 'smallint',
      'store.address_id': 'smallint',
      'store.store_id': 'integer',
    });
    const { rows } = await pool.query<{ customers: number; rentals: number; top: number }>(
      `select (select count(*)::int from customer) as customers, (select count(*)::int from rental) as rentals,
              (select max(customer_id) from rental) as top`,
    );
    expect(rows[0]).toEqual({ customers: 33_000, rentals: 16_500, top: expect.any(Number) });
    expect(rows[0]!.top).toBeGreaterThan(32_767);
    expect((await foreignKeyViolations(pool, 'public')).violations).toEqual([]);
  });

  archiveTest('builds the same tables, keys, constraints and indexes as the archive', async () => {
    const archive = new pg.Pool({ connectionString: adminUrl(testEnv(), ARCHIVE_DB), max: 1 });
    const generated = await freshDatabase('generated_schema');
    pools.push(generated);
    try {
      await generateDataset({ pool: generated, scale: 0.01, seed: 1 });
      expect(await schemaSignature(generated, 'public')).toEqual(await schemaSignature(archive, 'public'));
    } finally {
      await archive.end();
    }
  });
});
