import type pg from 'pg';
import { withQualifiedNames } from '../../../activities/migration/introspect';
import { relationMap } from '../../../activities/migration/schema-config';
import { buildTableKeys, readTableKeys } from '../../../activities/migration/table-keys';
import type { TableSpec } from '../../../workflows/migration/types';
import { freshDatabase } from '../../support/stack';

const spec: TableSpec = { name: 'rental', schema_in: 'public', schema_out: 'copy', depends_on: [] };

let pool: pg.Pool;

beforeAll(async () => {
  pool = await freshDatabase('index_builds');
  await pool.query(`
    create table public.rental (rental_id int primary key, inventory_id int not null);
    create index idx_inventory on public.rental (inventory_id);
    create schema copy;
    create table copy.rental (rental_id int not null, inventory_id int not null);
    insert into copy.rental select g, g % 100 from generate_series(1, 1000) g;`);
});

afterAll(() => pool.end());

/** Builds the target's keys in one transaction and reads the sort settings the builds left in it. */
const buildAndShow = (othersRunning: boolean) =>
  withQualifiedNames(pool, async (db) => {
    const built = await buildTableKeys(db, await readTableKeys(db, spec), relationMap([spec]), {
      othersRunning: () => othersRunning,
    });
    const show = async (name: string) => (await db.query(`show ${name}`)).rows[0][name] as string;
    const settings = {
      workers: await show('max_parallel_maintenance_workers'),
      memory: await show('maintenance_work_mem'),
    };
    await db.query('rollback; begin');
    return { built, settings };
  });

test('beside other copies, the index sorts run without parallel workers', async () => {
  const { built, settings } = await buildAndShow(true);
  expect(built).toEqual({ keys: ['copy.rental.rental_pkey: created'], indexes: ['copy.idx_inventory: created'] });
  expect(settings).toEqual({ workers: '0', memory: '64MB' });
});

test('a copy alone keeps the server default of parallel maintenance workers', async () => {
  const serverDefault = (await pool.query('show max_parallel_maintenance_workers')).rows[0]
    .max_parallel_maintenance_workers as string;
  const { built, settings } = await buildAndShow(false);
  expect(built.keys).toEqual(['copy.rental.rental_pkey: created']);
  expect(settings).toEqual({ workers: serverDefault, memory: '64MB' });
  expect(serverDefault).not.toBe('0');
});
