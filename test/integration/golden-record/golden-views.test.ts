import pg from 'pg';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ensureViews,
  refreshView,
  refreshViews,
  type EnsuredView,
  type ViewRefresh,
} from '../../../activities/golden-record/views';
import { REPO_ROOT } from '../../../common/env';
import { NotAllViewsRefreshed, ViewsLocked } from '../../../workflows/golden-record/errors';
import type { ViewConfig } from '../../../workflows/golden-record/views-config';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../../activities/golden-record/views-config-file';
import {
  expectedCustomerAggr,
  expectedCustomers,
  expectedLastRentals,
  loadDvdRental,
  micros,
  type DvdRental,
  type Row,
} from '../../support/golden-views-model';
import { COLUMNS, VIEWS, type ViewName } from '../../support/golden-views-columns';
import { holdLock } from '../../support/locks';
import { freshMigratedPair } from '../../support/migrated';

const KEYS: Record<ViewName, string> = {
  customers_mv: 'customer_id',
  customer_aggr_mv: 'customer_id',
  last_rentals_mv: 'rental_id',
};
const EXPECTED = {
  customers_mv: expectedCustomers,
  customer_aggr_mv: expectedCustomerAggr,
  last_rentals_mv: expectedLastRentals,
};

/**
 * Changes to the sample data so that every branch of the contract is exercised (the sample alone
 * has e.g. no rental within the last year, one release year, one category per film).
 */
const EDGE_CASES = [
  // rentals within the last year and a few older; a third of them not returned (durations to T)
  `update dvd_rental.rental
      set rental_date = (now() at time zone 'UTC') - (rental_id % 500) * interval '1 day' - interval '3 hours',
          return_date = case when rental_id % 3 = 0 then null
                             else (now() at time zone 'UTC') - (rental_id % 500) * interval '1 day' + (rental_id % 11) * interval '1 day' end
    where rental_id % 40 = 0`,
  // films with two categories (the alphabetically first counts) and films with none
  `insert into dvd_rental.film_category (film_id, category_id)
   select film_id, category_id % 16 + 1 from dvd_rental.film_category where film_id % 10 = 0`,
  `delete from dvd_rental.film_category where film_id % 13 = 0 and film_id % 10 <> 0`,
  // several release years, some unknown; some unknown lengths
  `update dvd_rental.film
      set release_year = case when film_id % 17 = 0 then null else 2000 + film_id % 7 end,
          length = case when film_id % 19 = 0 then null else length end`,
  // rentals paid in several payments; payment_date ties (payment_id decides the latest)
  `insert into dvd_rental.payment (customer_id, staff_id, rental_id, amount, payment_date)
   select customer_id, staff_id, rental_id, 1.25, payment_date + interval '1 minute' from dvd_rental.payment where payment_id % 97 = 0`,
  `update dvd_rental.payment p
      set payment_date = (select max(payment_date) from dvd_rental.payment q where q.customer_id = p.customer_id)
    where payment_id in (select min(payment_id) from dvd_rental.payment where customer_id % 25 = 0 group by customer_id)`,
  // customers with rentals but no payment (amounts at the film's rental_rate, last_payment NULL)
  `delete from dvd_rental.payment where customer_id in (5, 6)`,
  // a customer without rentals, on an address with a blank district
  `insert into dvd_rental.customer (store_id, first_name, last_name, email, address_id, activebool, create_date, active)
   values (2, 'Nora', 'Norentals', 'nora@example.org', 30, false, '2020-01-01', 0)`,
  // whitespace around label parts, blank districts; address 1 is store 1's
  `update dvd_rental.address
      set address = '  ' || left(address, 40) || ' ',
          district = case when address_id % 2 = 0 then '   ' else ' ' || left(district, 15) || '  ' end
    where address_id = 1 or address_id in (select address_id from dvd_rental.customer where customer_id % 30 = 0)`,
  `update dvd_rental.city set city = ' ' || left(city, 45) || ' ' where city_id % 50 = 0`,
  `update dvd_rental.country set country = country || E'\t' where country_id % 10 = 0`,
  // a staff member of store 1 who does not manage it (the assistant is the manager)
  `insert into dvd_rental.staff (first_name, last_name, address_id, email, store_id, active, username)
   values ('Sam', 'Second', 3, 'sam@example.org', 1, true, 'sam')`,
  // a customer whose four rentals share one timestamp, of films of four categories and years, two per
  // store: every "most often" ranking and the latest rental are decided by their last tie-break
  `insert into dvd_rental.customer (store_id, first_name, last_name, email, address_id, activebool, create_date, active)
   values (1, 'Tia', 'Tiebreak', 'tia@example.org', 31, true, '2020-01-01', 1)`,
  `insert into dvd_rental.rental (rental_date, inventory_id, customer_id, staff_id)
   select timestamp '2005-09-01 12:00:00', min(i.inventory_id),
          (select customer_id from dvd_rental.customer where last_name = 'Tiebreak'), 1
     from dvd_rental.inventory i
     join (values (1, 1), (2, 2), (5, 2), (6, 1)) as pick(film_id, store_id) on (i.film_id, i.store_id) = (pick.film_id, pick.store_id)
    group by pick.film_id`,
];

const GEOCODE = `update dvd_rental.city
                    set longitude = (city_id % 360) - 179.5, latitude = (city_id % 180) - 89.25
                  where city_id % 4 = 0`;

let target: pg.Pool;
let views: ViewConfig[];

async function rowsOf<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await target.query<T>(sql, params)).rows;
}

async function viewRows(view: ViewName): Promise<Row[]> {
  const list = COLUMNS[view].map(([column]) => `${column}::text as ${column}`).join(', ');
  return rowsOf<Row>(`select ${list} from v_dvd_rental.${view}`);
}

async function relation(view: string): Promise<{ oid: number; filenode: number; populated: boolean }> {
  const [row] = await rowsOf<{ oid: number; filenode: number; populated: boolean }>(
    `select oid::integer as oid, relfilenode::integer as filenode, relispopulated as populated from pg_class where oid = $1::regclass`,
    [view],
  );
  return row!;
}

/** A timestamp as PostgreSQL prints it, in refreshView's ISO form. */
function iso(timestamp: string): string {
  const [seconds = '', fraction = ''] = timestamp.split('.');
  return `${seconds.replace(' ', 'T')}.${fraction.padEnd(6, '0')}Z`;
}

async function lastRefresh(view: string): Promise<string | null> {
  const [row] = await rowsOf<{ at: string | null }>(`select max(last_refresh_date)::text as at from ${view}`);
  return row!.at;
}

/** The first differences between the view's rows and the expected ones, by key: empty when equal. */
function differences(actual: Row[], expected: Row[], key: string): string[] {
  const byKey = new Map(actual.map((row) => [row[key], row]));
  const problems: string[] = [];
  for (const row of expected) {
    const found = byKey.get(row[key]);
    byKey.delete(row[key]);
    if (!found) problems.push(`${key} ${row[key]}: missing from the view`);
    for (const [column, value] of found ? Object.entries(row) : []) {
      if (found![column] !== value)
        problems.push(
          `${key} ${row[key]}: ${column} is ${JSON.stringify(found![column])}, expected ${JSON.stringify(value)}`,
        );
    }
  }
  problems.push(...[...byKey.keys()].map((extra) => `${key} ${extra}: in the view, not expected`));
  return problems.slice(0, 20);
}

// The tests of this block build on each other, in order.
describe('golden-record views on a migrated dvd_rental', () => {
  let created: EnsuredView[];
  let firstRefresh: ViewRefresh[];
  let filenodesBefore: number[];
  let refreshWindow: { from: number; to: number };
  let db: DvdRental;

  beforeAll(async () => {
    const env = await freshMigratedPair({ source: 'views_source', target: 'views_target' });
    // A session time zone other than UTC: last_refresh_date must be UTC whatever the session's.
    target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 4, options: '-c TimeZone=Asia/Kolkata' });
    for (const statement of EDGE_CASES) await target.query(statement);
    created = await ensureViews({ target });
    await target.query(GEOCODE);
    filenodesBefore = await Promise.all(VIEWS.map(async (view) => (await relation(`v_dvd_rental.${view}`)).filenode));
    views = await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG);
    const from = Date.now();
    firstRefresh = await refreshViews({ target, views });
    refreshWindow = { from, to: Date.now() };
    db = await loadDvdRental(target);
  }, 300_000);

  afterAll(() => target?.end());

  test('ensureViews creates the views empty; the first refresh populates them plainly', async () => {
    expect(created).toEqual(VIEWS.map((view) => ({ view: `v_dvd_rental.${view}`, action: 'created' })));
    expect(
      firstRefresh.map(({ view, before, refreshed, concurrently }) => ({ view, before, refreshed, concurrently })),
    ).toEqual(
      VIEWS.map((view) => ({ view: `v_dvd_rental.${view}`, before: null, refreshed: true, concurrently: false })),
    );
    const filenodes = await Promise.all(VIEWS.map(async (view) => (await relation(`v_dvd_rental.${view}`)).filenode));
    filenodes.forEach((filenode, index) => expect(filenode).not.toBe(filenodesBefore[index]));
  });

  test.each(VIEWS)('%s has exactly the listed columns, in order, with their types', async (view) => {
    const columns = await rowsOf<{ name: string; type: string }>(
      `select attname as name, format_type(atttypid, atttypmod) as type
         from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`,
      [`v_dvd_rental.${view}`],
    );
    expect(columns.map(({ name, type }) => [name, type])).toEqual(COLUMNS[view]);
  });

  test.each(VIEWS)('%s has a unique index on its key alone, so it can refresh concurrently', async (view) => {
    const indexes = await rowsOf<{ columns: string }>(
      `select pg_get_indexdef(indexrelid) as columns from pg_index
        where indrelid = $1::regclass and indisunique and indpred is null`,
      [`v_dvd_rental.${view}`],
    );
    expect(indexes.map(({ columns }) => columns.replace(/^.*\((.*)\)$/, '$1'))).toEqual([KEYS[view]]);
  });

  test.each(VIEWS)('%s: last_refresh_date is the refresh time in UTC, the same on every row', async (view) => {
    const stamps = await rowsOf<{ at: string }>(
      `select distinct last_refresh_date::text as at from v_dvd_rental.${view}`,
    );
    expect(stamps).toHaveLength(1);
    const at = micros(stamps[0]!.at) / 1000;
    expect(at).toBeGreaterThanOrEqual(refreshWindow.from - 5);
    expect(at).toBeLessThanOrEqual(refreshWindow.to + 5);
    expect(firstRefresh.find((refresh) => refresh.view === `v_dvd_rental.${view}`)?.after).toBe(iso(stamps[0]!.at));
  });

  test.each(VIEWS)('%s: every column of every row as the contract computes it independently', async (view) => {
    const actual = await viewRows(view);
    const expected = EXPECTED[view](db, actual[0]!.last_refresh_date!);
    expect(Object.keys(expected[0]!).sort()).toEqual(COLUMNS[view].map(([column]) => column).sort());
    expect(actual).toHaveLength(expected.length);
    expect(differences(actual, expected, KEYS[view])).toEqual([]);
  });

  test('the data exercises every branch of the contract', () => {
    const refresh = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const customers = expectedCustomers(db, refresh);
    const aggregates = expectedCustomerAggr(db, refresh);
    const rentals = expectedLastRentals(db, refresh);
    expect(customers.length).toBeGreaterThan(aggregates.length);
    expect(customers.some((c) => c.longitude !== null) && customers.some((c) => c.longitude === null)).toBe(true);
    expect(
      customers.some((c) => c.full_address!.endsWith(')')) && customers.some((c) => !c.full_address!.endsWith(')')),
    ).toBe(true);
    expect(customers.some((c) => c.full_address !== `${c.address}, ${c.city}, ${c.country} (${c.district})`)).toBe(
      true,
    );
    expect(aggregates.some((a) => a.last_payment === null)).toBe(true);
    expect(
      aggregates.some((a) => a.last_year_rental_count !== '0' && a.last_year_rental_count !== a.total_rental_count),
    ).toBe(true);
    expect(aggregates.some((a) => a.most_recent_film_year !== '2006')).toBe(true);
    expect(rentals.some((r) => r.category === null) && rentals.some((r) => r.is_completed === 'false')).toBe(true);
    expect(rentals.some((r) => r.is_overdue === 'true') && rentals.some((r) => r.is_overdue === 'false')).toBe(true);
  });

  test.each(VIEWS)('%s has no duplicate rows', async (view) => {
    const [counts] = await rowsOf<{ rows: number; keys: number; distinct_rows: number }>(
      `select count(*)::integer as rows, count(distinct ${KEYS[view]})::integer as keys,
              (select count(*)::integer from (select distinct * from v_dvd_rental.${view}) d) as distinct_rows
         from v_dvd_rental.${view}`,
    );
    expect(counts!.rows).toBeGreaterThan(0);
    expect(counts).toEqual({ rows: counts!.rows, keys: counts!.rows, distinct_rows: counts!.rows });
  });

  test.each(VIEWS)('config/golden-record.json lists exactly the tables %s reads', async (view) => {
    const read = await rowsOf<{ name: string }>(
      `select distinct n.nspname || '.' || c.relname as name
         from pg_rewrite r
         join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
         join pg_class c on c.oid = d.refobjid
         join pg_namespace n on n.oid = c.relnamespace
        where r.ev_class = $1::regclass and c.relkind in ('r', 'p') order by 1`,
      [`v_dvd_rental.${view}`],
    );
    const entry = views.find((candidate) => candidate.materialized_view === view)!;
    expect(entry.sources.map((source) => `${source.schema}.${source.table}`).sort()).toEqual(
      read.map(({ name }) => name),
    );
  });

  test.each(VIEWS)(
    'refreshView refreshes the populated %s concurrently: the timestamp moves, the relation stays',
    async (view) => {
      const name = `v_dvd_rental.${view}`;
      const [before, previous] = [await relation(name), await lastRefresh(name)];
      const refresh = await refreshView({ target, schema: 'v_dvd_rental', view });
      expect(refresh).toMatchObject({ view: name, before: iso(previous!), refreshed: true, concurrently: true });
      expect(refresh.after! > refresh.before!).toBe(true);
      expect(await lastRefresh(name)).not.toBe(previous);
      // CONCURRENTLY updates rows in place; a plain refresh would swap in a new relation file.
      expect((await relation(name)).filenode).toBe(before.filenode);
    },
  );

  describe('with a view whose last_refresh_date cannot change', () => {
    const frozen: ViewConfig = {
      schema: 'views_scratch',
      materialized_view: 'frozen_mv',
      sources: [{ schema: 'dvd_rental', table: 'store' }],
    };

    beforeAll(async () => {
      await target.query(`create schema if not exists views_scratch`);
      await target.query(
        `create materialized view views_scratch.frozen_mv as
         select store_id, timestamptz '2001-02-03 04:05:06+02' as last_refresh_date from dvd_rental.store`,
      );
      await target.query(`create unique index on views_scratch.frozen_mv (store_id)`);
    });

    async function failure(config: ViewConfig[]): Promise<NotAllViewsRefreshed> {
      const error: unknown = await refreshViews({ target, views: config }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(NotAllViewsRefreshed);
      return error as NotAllViewsRefreshed;
    }

    test('refreshViews refreshes the others, then throws NotAllViewsRefreshed naming that view only', async () => {
      const stamps = () => Promise.all(VIEWS.map((view) => lastRefresh(`v_dvd_rental.${view}`)));
      const before = await stamps();
      const error = await failure([views[0]!, frozen, ...views.slice(1)]);
      expect(error.name).toBe('NotAllViewsRefreshed');
      expect(error.views).toEqual(['views_scratch.frozen_mv']);
      expect(error.message).toBe(
        'Not all views refreshed: views_scratch.frozen_mv (last_refresh_date stayed 2001-02-03T02:05:06.000000Z)',
      );
      (await stamps()).forEach((stamp, index) => expect(stamp).not.toBe(before[index]));
    });

    test('a view that does not exist is named too, with the reason', async () => {
      const missing: ViewConfig = { ...frozen, materialized_view: 'missing_mv' };
      const error = await failure([missing, ...views, frozen]);
      expect(error.views).toEqual(['views_scratch.missing_mv', 'views_scratch.frozen_mv']);
      expect(error.message).toContain(
        'views_scratch.missing_mv (refresh failed: views_scratch.missing_mv is not a materialized view',
      );
    });
  });

  test('ensureViews again changes nothing: same relations, still populated', async () => {
    const before = await Promise.all(VIEWS.map((view) => relation(`v_dvd_rental.${view}`)));
    const counts = await Promise.all(VIEWS.map(async (view) => (await viewRows(view)).length));
    expect(await ensureViews({ target })).toEqual(
      VIEWS.map((view) => ({ view: `v_dvd_rental.${view}`, action: 'unchanged' })),
    );
    expect(await Promise.all(VIEWS.map((view) => relation(`v_dvd_rental.${view}`)))).toEqual(before);
    expect(await Promise.all(VIEWS.map(async (view) => (await viewRows(view)).length))).toEqual(counts);
  });

  test('ensureViews with a view locked by another session: ViewsLocked naming it after the lock timeout', async () => {
    const lock = await holdLock(target, 'refresh materialized view v_dvd_rental.customer_aggr_mv');
    try {
      const failed = ensureViews({ target, lockTimeoutMs: 300 });
      await expect(failed).rejects.toThrow(ViewsLocked);
      await expect(failed).rejects.toThrow(
        /^ensuring v_dvd_rental\.customer_aggr_mv: another session held a lock on it longer than the lock timeout \(300 ms\)/,
      );
    } finally {
      await lock.release();
    }
    expect((await ensureViews({ target, lockTimeoutMs: 300 })).map(({ action }) => action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  test('ensureViews restores a dropped unique index', async () => {
    await target.query('drop index v_dvd_rental.last_rentals_mv_rental_id_key');
    expect((await ensureViews({ target })).map(({ action }) => action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(await refreshView({ target, schema: 'v_dvd_rental', view: 'last_rentals_mv' })).toMatchObject({
      refreshed: true,
      concurrently: true,
    });
  });

  test('ensureViews recreates a view whose columns or query differ from its file', async () => {
    const file = await readFile(path.join(REPO_ROOT, 'sql', 'golden-record', 'customers_mv.sql'), 'utf8');
    const olderQuery = file
      .replace('cu.first_name::text as first_name', 'upper(cu.first_name) as first_name')
      .replace('with no data', 'with data');
    expect(olderQuery).not.toBe(file);
    for (const older of [
      `create materialized view v_dvd_rental.customers_mv as select customer_id from dvd_rental.customer`,
      olderQuery,
    ]) {
      await target.query('drop materialized view v_dvd_rental.customers_mv');
      await target.query(older);
      const ensured = await ensureViews({ target });
      expect(ensured.map(({ action }) => action)).toEqual(['recreated', 'unchanged', 'unchanged']);
      expect(await relation('v_dvd_rental.customers_mv')).toMatchObject({ populated: false });
      expect(await refreshView({ target, schema: 'v_dvd_rental', view: 'customers_mv' })).toMatchObject({
        refreshed: true,
        concurrently: false,
      });
    }
    const actual = await viewRows('customers_mv');
    expect(
      differences(actual, expectedCustomers(await loadDvdRental(target), actual[0]!.last_refresh_date!), 'customer_id'),
    ).toEqual([]);
  });

  test('dvd_rental.city has nullable coordinates with range checks, added once', async () => {
    const columns = await rowsOf<{ name: string; type: string; notnull: boolean }>(
      `select attname as name, format_type(atttypid, atttypmod) as type, attnotnull as notnull
         from pg_attribute where attrelid = 'dvd_rental.city'::regclass and attname in ('longitude', 'latitude') order by attname`,
    );
    expect(columns).toEqual([
      { name: 'latitude', type: 'numeric(9,6)', notnull: false },
      { name: 'longitude', type: 'numeric(9,6)', notnull: false },
    ]);
    const checks = await rowsOf<{ name: string }>(
      `select conname as name from pg_constraint where conrelid = 'dvd_rental.city'::regclass and contype = 'c' order by 1`,
    );
    expect(checks.map(({ name }) => name)).toEqual(['city_latitude_range', 'city_longitude_range']);
    const update = (set: string) => target.query(`update dvd_rental.city set ${set} where city_id = 1`);
    await expect(update('latitude = 90.000001')).rejects.toMatchObject({
      code: '23514',
      constraint: 'city_latitude_range',
    });
    await expect(update('latitude = -90.5')).rejects.toMatchObject({
      code: '23514',
      constraint: 'city_latitude_range',
    });
    await expect(update('longitude = 180.5')).rejects.toMatchObject({
      code: '23514',
      constraint: 'city_longitude_range',
    });
    await update('latitude = -90, longitude = 180');
    expect(await rowsOf(`select latitude::text, longitude::text from dvd_rental.city where city_id = 1`)).toEqual([
      { latitude: '-90.000000', longitude: '180.000000' },
    ]);
  });
});
