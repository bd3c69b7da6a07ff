import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { generateDataset } from '../../../dataset/generator';
import { formatMigrationConfig } from '../../../workflows/migration/config';
import { generateConfig } from '../../../activities/migration/generate-config';
import { adminUrl } from '../../../stack/postgres';
import { CONFIG_TEXT, REPO, table } from '../../support/migration-config';
import { freshDatabase, testEnv } from '../../support/stack';

describe('generateConfig on a real database', () => {
  const DATABASE = 'migration_config_gen';
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = await freshDatabase(DATABASE);
    await generateDataset({ pool, scale: 0.01, seed: 1 });
  });
  afterAll(() => pool.end());

  test('dvd_rental yields exactly config/migration.json', async () => {
    const generated = await generateConfig({
      db: pool,
      schemaIn: 'public',
      schemaOut: 'dvd_rental',
      appendOnly: ['payment'],
    });
    expect(generated.warnings).toEqual([]);
    expect(generated.tables).toEqual(JSON.parse(CONFIG_TEXT));
    expect(formatMigrationConfig(generated.tables)).toBe(CONFIG_TEXT);
  });

  test('the CLI prints the same config', async () => {
    const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
    const { stdout } = await promisify(execFile)(
      tsx,
      [
        'activities/migration/generate-config-cli.ts',
        '--schema-in',
        'public',
        '--schema-out',
        'dvd_rental',
        '--append-only',
        'payment',
      ],
      { cwd: REPO, env: { ...process.env, SOURCE_DATABASE_URL: adminUrl(testEnv(), DATABASE) } },
    );
    expect(stdout).toBe(CONFIG_TEXT);
  });

  test('a subset keeps the foreign keys inside it and warns about the others', async () => {
    const generated = await generateConfig({
      db: pool,
      schemaIn: 'public',
      schemaOut: 'x',
      tables: ['payment', 'rental'],
    });
    expect(generated.tables).toEqual([
      { ...table('rental', [], 'public', 'x'), sync: { cursor: 'last_update' } },
      table('payment', ['rental'], 'public', 'x'),
    ]);
    expect(generated.warnings).toEqual([
      'payment.payment_customer_id_fkey references public.customer, which is not in the config: it must already be in the target',
      'payment.payment_staff_id_fkey references public.staff, which is not in the config: it must already be in the target',
      'rental.rental_customer_id_fkey references public.customer, which is not in the config: it must already be in the target',
      'rental.rental_inventory_id_fkey references public.inventory, which is not in the config: it must already be in the target',
      'rental.rental_staff_id_key references public.staff, which is not in the config: it must already be in the target',
    ]);
  });

  test('--cdc tables sync by the log; a table both append-only and cdc is an error', async () => {
    const generated = await generateConfig({
      db: pool,
      schemaIn: 'public',
      schemaOut: 'dvd_rental',
      appendOnly: ['payment'],
      cdc: ['rental'],
    });
    const syncs = Object.fromEntries(generated.tables.map((spec) => [spec.name, spec.sync]));
    expect([syncs.rental, syncs.payment, syncs.film]).toEqual([
      { cdc: true },
      { key: 'payment_id' },
      { cursor: 'last_update' },
    ]);
    const both = generateConfig({
      db: pool,
      schemaIn: 'public',
      schemaOut: 'x',
      appendOnly: ['payment'],
      cdc: ['payment'],
    });
    await expect(both).rejects.toThrow('tables both append-only and cdc: payment');
  });

  test('unknown tables and bad schema names are errors', async () => {
    const unknown = generateConfig({ db: pool, schemaIn: 'public', schemaOut: 'x', tables: ['film', 'films'] });
    await expect(unknown).rejects.toThrow('not tables of schema "public" in the source: films');
    const empty = generateConfig({ db: pool, schemaIn: 'nothing_here', schemaOut: 'x' });
    await expect(empty).rejects.toThrow('schema "nothing_here" of the source holds no tables');
    const hostile = generateConfig({ db: pool, schemaIn: 'public', schemaOut: 'x"; drop schema public; --' });
    await expect(hostile).rejects.toThrow(/^schemaOut: "x\\"; drop schema public; --" is not a plain identifier/);
  });

  test('self-references are ignored and a cycle is broken deterministically, with a warning', async () => {
    await pool.query(`
      create schema cyclic;
      create table cyclic.a (id int primary key, b_id int);
      create table cyclic.b (id int primary key, a_id int references cyclic.a);
      alter table cyclic.a add foreign key (b_id) references cyclic.b;
      create table cyclic.c (id int primary key, parent int references cyclic.c, a_id int references cyclic.a);
    `);
    const generated = await generateConfig({ db: pool, schemaIn: 'cyclic', schemaOut: 'cyclic' });
    expect(generated.tables).toEqual([
      table('b', [], 'cyclic', 'cyclic'),
      table('a', ['b'], 'cyclic', 'cyclic'),
      table('c', ['a'], 'cyclic', 'cyclic'),
    ]);
    expect(generated.warnings).toEqual(['foreign keys form a cycle a -> b -> a: dropped the dependency b -> a']);
  });
});
