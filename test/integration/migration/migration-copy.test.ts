import v8 from 'node:v8';
import vm from 'node:vm';
import pg from 'pg';
import {
  applyDeletes,
  copyTable,
  type CopyProgress,
  type CopyTableOptions,
} from '../../../activities/migration/copy-table';
import { inTransactions } from '../../../activities/migration/copy-session';
import { TableDataError, VerificationError } from '../../../workflows/migration/errors';
import type { TableSpec } from '../../../workflows/migration/types';
import { adminUrl } from '../../../stack/postgres';
import { freshDatabase, testEnv } from '../../support/stack';

const SOURCE_DB = 'copy_table_source';
const TARGET_DB = 'copy_table_target';

// Same tables on both sides, the target's in schema dvd_rental, with differences a real target may have:
// target-only columns (city), a stricter constraint (review) and another generation expression (film).
const schemaSql = (side: 'source' | 'target') => {
  const s = side === 'source' ? 'public' : 'dvd_rental';
  const target = side === 'target';
  return `
    ${target ? 'create schema dvd_rental;' : ''}
    create type ${s}.mpaa_rating as enum ('G', 'PG', 'PG-13', 'R', 'NC-17');
    create table ${s}.country (
      country_id integer primary key,
      country text not null,
      last_update timestamptz not null default now());
    create table ${s}.city (
      city_id integer generated always as identity primary key,
      city text not null,
      country_id integer not null references ${s}.country,
      last_update timestamp not null default now()
      ${target ? ', longitude double precision, latitude double precision' : ''});
    create table ${s}.film (
      film_id serial primary key,
      title text not null,
      rating ${s}.mpaa_rating,
      rental_rate numeric(4,2) not null,
      length smallint,
      special_features text[],
      fulltext tsvector,
      score double precision,
      released_at timestamptz,
      rate_per_hour numeric generated always as
        (${target ? 'round(rental_rate * 60 / nullif(length, 0), 1)' : 'rental_rate * 60 / nullif(length, 0)'}) stored);
    create table ${s}.review (review_id integer primary key, body text ${target ? 'not null' : ''});
    create table ${s}.event_log (at timestamptz, message text);
    create table ${s}.big (id bigint primary key, payload text not null);
    create table ${s}.wide (id bigint primary key, payload text not null);`;
};

// Settings that change how values print: the copy must neutralise them (COPY text and checksums).
const SOURCE_SETTINGS = { timezone: 'America/New_York', datestyle: 'SQL, DMY', extra_float_digits: '0' };
const TARGET_SETTINGS = { timezone: 'Asia/Kolkata', datestyle: 'SQL, MDY', extra_float_digits: '0' };

const SEED_SQL = `
  truncate country, city, film, review, event_log;
  insert into country (country_id, country) select g, 'Country ' || g from generate_series(1, 20) g;
  insert into city (city_id, city, country_id) overriding system value
    select g, 'City ' || g, 1 + g % 20 from generate_series(1, 100) g;
  insert into film (title, rating, rental_rate, length, special_features, fulltext, score, released_at)
    select 'Film ' || g || case g % 5 when 0 then E'\\ttab' when 1 then E'\\nnewline' when 2 then E'\\\\backslash'
                                      when 3 then ' ünïcödé ✓' else '' end,
           (array['G', 'PG', 'PG-13', 'R', 'NC-17'])[1 + g % 5]::mpaa_rating,
           g % 5 + 0.99,
           case when g % 7 <> 0 then 60 + g end,
           case when g % 3 = 0 then array['Trailers', 'Behind "the" Scenes, {and} more'] end,
           to_tsvector('english', 'film number ' || g || ' about cats and dogs'),
           case when g = 1 then 'NaN'::float8 else g * 0.1 + 0.2 end,
           timestamptz '2024-01-02 03:04:05.123456+00' + g * interval '1 day 1 hour 17 minutes'
      from generate_series(1, 60) g;
  insert into event_log select timestamptz '2024-05-01 00:00+00' + g * interval '1 minute', 'event ' || g
    from generate_series(1, 30) g;`;

const spec = (name: string): TableSpec => ({ name, schema_in: 'public', schema_out: 'dvd_rental', depends_on: [] });

let source: pg.Pool;
let target: pg.Pool;

async function databaseWith(name: string, schema: string, settings: Record<string, string>): Promise<pg.Pool> {
  const setup = await freshDatabase(name);
  await setup.query(schema);
  for (const [key, value] of Object.entries(settings)) {
    await setup.query(`alter database ${name} set ${key} = ${pg.escapeLiteral(value)}`);
  }
  await setup.end();
  return new pg.Pool({ connectionString: adminUrl(testEnv(), name), max: 6 });
}

/** Reads with fixed settings, whatever the database defaults are. */
async function read<T extends pg.QueryResultRow>(pool: pg.Pool, sql: string): Promise<T[]> {
  const client = await pool.connect();
  try {
    await client.query(
      `begin; set local timezone = 'UTC'; set local datestyle = 'ISO'; set local extra_float_digits = 3`,
    );
    const { rows } = await client.query<T>(sql);
    await client.query('commit');
    return rows;
  } finally {
    client.release();
  }
}

const count = async (pool: pg.Pool, table: string) =>
  Number((await read<{ n: string }>(pool, `select count(*) as n from ${table}`))[0]!.n);

const copy = (table: string, options: Partial<CopyTableOptions> = {}) =>
  copyTable({ source, target, table: spec(table), mode: 'auto', deletes: 'delete', ...options });

async function resetData(): Promise<void> {
  await target.query('truncate dvd_rental.country, dvd_rental.city, dvd_rental.film, dvd_rental.review');
  await target.query('truncate dvd_rental.event_log, dvd_rental.big, dvd_rental.wide');
  await source.query(SEED_SQL);
}

beforeAll(async () => {
  source = await databaseWith(SOURCE_DB, schemaSql('source'), SOURCE_SETTINGS);
  target = await databaseWith(TARGET_DB, schemaSql('target'), TARGET_SETTINGS);
});

afterAll(async () => {
  await Promise.all([source?.end(), target?.end()]);
});

beforeEach(resetData);

const FILM_COLUMNS =
  'film_id, title, rating::text, rental_rate, length, special_features, fulltext::text, score, released_at';

describe('full copy', () => {
  test('copies every row and value exactly; the generated column is recomputed by the target', async () => {
    const result = await copy('film');

    expect(result).toMatchObject({ table: 'dvd_rental.film', mode: 'full', rows: 60, notes: [] });
    expect(result.changes).toEqual({ inserted: 60, updated: 0, deleted: 0 });
    expect(result.bytes).toBeGreaterThan(60 * 50);
    // Row by row, independently of the checksum.
    const sourceRows = await read(source, `select ${FILM_COLUMNS} from public.film order by film_id`);
    const targetRows = await read(target, `select ${FILM_COLUMNS} from dvd_rental.film order by film_id`);
    expect(targetRows).toEqual(sourceRows);
    expect(targetRows.some((row) => Number.isNaN(row.score))).toBe(true);
    // The target's own expression (rounded), not the source's value.
    const generated = await read<{ wrong: string; rounded: string }>(
      target,
      `select count(*) filter (where rate_per_hour is distinct from round(rental_rate * 60 / nullif(length, 0), 1)) as wrong,
              count(*) filter (where rate_per_hour <> rental_rate * 60 / length) as rounded
         from dvd_rental.film`,
    );
    expect(generated[0]).toEqual({ wrong: '0', rounded: expect.not.stringMatching(/^0$/) });
  });

  test('the checksum is the one of the source columns copied, and identity values are kept', async () => {
    await copy('country');
    const result = await copy('city');
    const [expected] = await read<{ checksum: string }>(
      source,
      `select sum(hashint8extended(hashint4extended(city_id, 1) # hashtextextended(city collate "C", 2)
                                   # hashint4extended(country_id, 3) # timestamp_hash_extended(last_update, 4), 0))::text as checksum
         from public.city`,
    );
    expect(result.checksum).toBe(expected!.checksum);
    expect(await read(target, 'select min(city_id), max(city_id) from dvd_rental.city')).toEqual([
      { min: 1, max: 100 },
    ]);
  });

  test('a row the target rejects fails the copy with TableDataError and leaves no row', async () => {
    await source.query(
      `insert into review select g, case when g <> 600 then 'fine' end from generate_series(1, 1000) g`,
    );

    const failure = copy('review', { mode: 'full' });

    await expect(failure).rejects.toThrow(TableDataError);
    await expect(failure).rejects.toThrow(/^dvd_rental\.review: null value in column "body".*line 600/);
    expect(await count(target, 'dvd_rental.review')).toBe(0);
  });

  test('a full copy of a populated table replaces its rows (and the target-only values with them)', async () => {
    await copy('event_log');
    await source.query(`delete from event_log where message = 'event 3'`);
    await target.query(`insert into dvd_rental.event_log values (now(), 'target only')`);

    const result = await copy('event_log', { mode: 'full' });

    expect(result).toMatchObject({ mode: 'full', rows: 29, changes: { inserted: 29, updated: 0, deleted: 0 } });
    expect(
      await read(
        target,
        `select count(*)::int as n from dvd_rental.event_log where message in ('event 3', 'target only')`,
      ),
    ).toEqual([{ n: 0 }]);
  });

  test('a populated table other tables reference is replaced by key, so their rows stay valid', async () => {
    await copy('country');
    await copy('city');
    await source.query(`update country set country = 'Renamed' where country_id = 5`);

    const result = await copy('country', { mode: 'full' });

    expect(result).toMatchObject({ mode: 'sync', changes: { inserted: 0, updated: 1, deleted: 0 } });
    expect(result.notes).toEqual([expect.stringContaining('referenced by dvd_rental.city')]);
    expect(await read(target, 'select country from dvd_rental.country where country_id = 5')).toEqual([
      { country: 'Renamed' },
    ]);
    expect(await count(target, 'dvd_rental.city')).toBe(100);
  });
});

describe('sync', () => {
  async function copiedCitiesWithCoordinates() {
    await copy('country');
    await copy('city');
    await target.query('update dvd_rental.city set longitude = city_id + 0.5, latitude = -city_id');
  }

  const rowVersions = () =>
    read(target, 'select city_id, xmin::text, xmax::text from dvd_rental.city order by city_id');

  test('brings over exactly the inserted, updated and deleted rows and keeps target-only columns', async () => {
    await copiedCitiesWithCoordinates();
    await source.query(`insert into city (city_id, city, country_id) overriding system value
                        select g, 'New ' || g, 3 from generate_series(101, 102) g`);
    await source.query(`update city set city = 'Changed' where city_id = 7`);
    await source.query('delete from city where city_id = 9');

    const result = await copy('city');

    expect(result).toMatchObject({ mode: 'sync', rows: 101, changes: { inserted: 2, updated: 1, deleted: 1 } });
    const cities = await read(
      target,
      'select city_id, city, longitude from dvd_rental.city where city_id in (7, 8, 9, 101) order by city_id',
    );
    expect(cities).toEqual([
      { city_id: 7, city: 'Changed', longitude: 7.5 },
      { city_id: 8, city: 'City 8', longitude: 8.5 },
      { city_id: 101, city: 'New 101', longitude: null },
    ]);
    const copied = 'city_id, city, country_id, last_update';
    expect(await read(target, `select ${copied} from dvd_rental.city order by 1`)).toEqual(
      await read(source, `select ${copied} from public.city order by 1`),
    );
  });

  test('a second sync with no source change writes nothing', async () => {
    await copiedCitiesWithCoordinates();
    await source.query(`update city set city = 'Changed' where city_id = 7`);
    await copy('city');
    const before = await rowVersions();

    const again = await copy('city');

    expect(again.changes).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect(await rowVersions()).toEqual(before);
  });

  test('flag mode flags rows gone from the source and clears the flag when they come back', async () => {
    await copiedCitiesWithCoordinates();
    await source.query('delete from city where city_id in (4, 5)');

    const flagged = await copy('city', { deletes: 'flag' });

    expect(flagged).toMatchObject({ rows: 98, changes: { inserted: 0, updated: 0, deleted: 2 } });
    const gone = await read(target, 'select city_id from dvd_rental.city where _deleted_at is not null order by 1');
    expect(gone).toEqual([{ city_id: 4 }, { city_id: 5 }]);
    expect(await count(target, 'dvd_rental.city')).toBe(100);

    await source.query(`insert into city (city_id, city, country_id) overriding system value values (4, 'City 4', 5)`);
    const back = await copy('city', { deletes: 'flag' });

    expect(back).toMatchObject({ rows: 99, changes: { inserted: 0, updated: 1, deleted: 0 } });
    expect(await read(target, 'select _deleted_at, longitude from dvd_rental.city where city_id = 4')).toEqual([
      { _deleted_at: null, longitude: 4.5 },
    ]);

    // Switching to deletes removes the rows flagged before.
    const purged = await copy('city', { deletes: 'delete' });
    expect(purged).toMatchObject({ rows: 99, changes: { inserted: 0, updated: 0, deleted: 1 } });
    expect(await count(target, 'dvd_rental.city')).toBe(99);
  });

  test('parents deleted at the source are deleted after their children: deferred, then applied in reverse order', async () => {
    await copiedCitiesWithCoordinates();
    await source.query('delete from city where country_id = 2; delete from country where country_id = 2');

    // In the parent's own transaction the target's children still reference the row.
    await expect(copy('country')).rejects.toThrow(/^dvd_rental\.country: .*foreign key constraint/);

    const country = await copy('country', { deferDeletes: true });
    const city = await copy('city', { deferDeletes: true });
    expect(country).toMatchObject({ rows: 19, changes: { deleted: 0 }, pendingDeletes: 1 });
    expect(city).toMatchObject({ rows: 95, changes: { deleted: 0 }, pendingDeletes: 5 });

    const deleted = [];
    for (const table of ['city', 'country'])
      deleted.push(await applyDeletes({ source, target, table: spec(table), deletes: 'delete' }));

    expect(deleted).toEqual([
      { table: 'dvd_rental.city', deleted: 5 },
      { table: 'dvd_rental.country', deleted: 1 },
    ]);
    expect([await count(target, 'dvd_rental.city'), await count(target, 'dvd_rental.country')]).toEqual([95, 19]);
  });

  test('a table without a primary key is copied in full instead, and says so', async () => {
    await copy('event_log');
    await source.query(`insert into event_log values (now(), 'late event')`);

    const result = await copy('event_log', { mode: 'sync' });

    expect(result).toMatchObject({ mode: 'full', rows: 31 });
    expect(result.notes).toEqual(['dvd_rental.event_log has no primary key: copied in full instead of synced']);
  });

  test('a target that differs after the copy is a VerificationError, and nothing is committed', async () => {
    await copiedCitiesWithCoordinates();
    await source.query(`update city set city = 'Changed' where city_id = 7`);
    // A target trigger that alters what was written: the checksum sees it.
    await target.query(`create function dvd_rental.shout() returns trigger language plpgsql as
                          $$ begin new.city := upper(new.city); return new; end $$;
                        create trigger shout before update on dvd_rental.city for each row execute function dvd_rental.shout()`);
    try {
      await expect(copy('city')).rejects.toThrow(VerificationError);
      await expect(copy('city')).rejects.toThrow(
        /dvd_rental\.city: source has 100 rows \(checksum -?\d+\), target has 100 rows \(checksum -?\d+\)/,
      );
      expect(await read(target, 'select city from dvd_rental.city where city_id = 7')).toEqual([{ city: 'City 7' }]);
    } finally {
      await target.query('drop trigger shout on dvd_rental.city; drop function dvd_rental.shout()');
    }
  });

  test('a changed value of a column checksummed as its text (tsvector, enum, float) is a VerificationError', async () => {
    // tsvector has no hash function; an enum hashes its OID (another on each server) and a float
    // hashes -0 and 0 alike, so both go as text too. A target trigger alters one value of each.
    const changes = [
      `new.fulltext := to_tsvector('english', 'changed')`,
      `new.rating := 'G'`,
      `new.score := new.score + 1e-12`,
    ];
    for (const change of changes) {
      await target.query(`create function dvd_rental.alter_film() returns trigger language plpgsql as
                            $$ begin if new.length = 68 then ${change}; end if; return new; end $$;
                          create trigger alter_film before insert on dvd_rental.film for each row execute function dvd_rental.alter_film()`);
      try {
        await expect(copy('film')).rejects.toThrow(
          /dvd_rental\.film: source has 60 rows \(checksum -?\d+\), target has 60 rows \(checksum -?\d+\)/,
        );
        expect(await count(target, 'dvd_rental.film')).toBe(0);
      } finally {
        await target.query('drop trigger alter_film on dvd_rental.film; drop function dvd_rental.alter_film()');
      }
    }
    // Unaltered, the same copy verifies.
    await expect(copy('film')).resolves.toMatchObject({ rows: 60 });
  });
});

describe('large tables', () => {
  beforeAll(() =>
    source.query(`insert into big select g, md5(g::text) from generate_series(1, 2000000) g;
                  insert into wide select g, repeat(md5(g::text), 6) from generate_series(1, 1500000) g`),
  );

  const untilSleeping = async (sessions: number) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const [sleeping] = await read<{ n: string }>(
        target,
        `select count(*) as n from pg_stat_activity
          where datname in ('${SOURCE_DB}', '${TARGET_DB}') and query = 'select pg_sleep(60)' and state = 'active'`,
      );
      if (Number(sleeping!.n) === sessions) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${sessions} sessions never started sleeping`);
  };

  const noSessionLeft = async () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const busy = await read<{ n: string }>(
        target,
        `select count(*) as n from pg_stat_activity
          where datname = '${TARGET_DB}' and pid <> pg_backend_pid() and state <> 'idle'`,
      );
      if (busy[0]!.n === '0') return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  };

  test('aborting mid-copy destroys the streams, rolls back and leaves no row', async () => {
    const controller = new AbortController();
    const seen: CopyProgress[] = [];

    const copying = copy('big', {
      signal: controller.signal,
      onProgress: (progress) => {
        seen.push(progress);
        if (progress.rows >= 300_000) controller.abort();
      },
    });

    await expect(copying).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.at(-1)!.rows).toBeLessThan(2_000_000);
    expect(await noSessionLeft()).toBe(true);
    expect(await count(target, 'dvd_rental.big')).toBe(0);
  });

  test('a lost target connection is an ordinary (retryable) error and leaves no row', async () => {
    // The target stalls mid-COPY (a trigger sleeps at one row) until the test kills its connection.
    await target.query(`
      create function dvd_rental.stall() returns trigger language plpgsql as $$ begin perform pg_sleep(30); return new; end $$;
      create trigger stall before insert on dvd_rental.big for each row when (new.id = 100000) execute function dvd_rental.stall()`);
    const killStalledCopy = async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const killed = await target.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${TARGET_DB}' and wait_event = 'PgSleep'`,
        );
        if (killed.rowCount) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      const copying = copy('big').then(
        () => undefined,
        (error: unknown) => error,
      );
      await killStalledCopy();
      const error = await copying;

      // Either the server's admin_shutdown arrives first or the socket closes under the COPY (then Node's own
      // Error, from another realm than jest's: hence no toBeInstanceOf(Error)).
      const lost = error as { code?: string; message?: string };
      expect(Object.prototype.toString.call(error)).toBe('[object Error]');
      expect(`${lost.code} ${lost.message}`).toMatch(/57P01|ECONNRESET|EPIPE|Connection terminated/);
      expect(error).not.toBeInstanceOf(TableDataError);
      expect(await count(target, 'dvd_rental.big')).toBe(0);
    } finally {
      await target.query('drop trigger stall on dvd_rental.big; drop function dvd_rental.stall()');
    }
  });

  test('aborting during a long statement cancels it at once', async () => {
    const controller = new AbortController();
    // both sides in a statement that would run a minute (as a long checksum or upsert would), the target
    // holding a row it has written
    const running = inTransactions({ source, target }, controller.signal, async (sessions) => {
      await sessions.target.query(`insert into dvd_rental.wide values (1, 'x')`);
      await Promise.all([sessions.source.query('select pg_sleep(60)'), sessions.target.query('select pg_sleep(60)')]);
    });
    await untilSleeping(2);
    const abortedAt = Date.now();
    controller.abort();

    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(await noSessionLeft()).toBe(true);
    expect(await count(target, 'dvd_rental.wide')).toBe(0);
  });

  test('a 300 MB table streams with flat memory and reports growing progress', async () => {
    // Garbage collected on demand, so the check measures what the copy keeps, not what awaits collection.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const retained = () => {
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const baseline = retained();
    let peak = baseline;
    const rows: number[] = [];
    const started = Date.now();

    const result = await copy('wide', {
      onProgress: (progress) => {
        if (progress.phase !== 'copy') return;
        if (rows.push(progress.rows) % 250 === 0) peak = Math.max(peak, retained());
      },
    });

    const seconds = (Date.now() - started) / 1000;
    const megabytes = result.bytes / 1e6;
    console.log(
      `copied ${result.rows} rows, ${megabytes.toFixed(0)} MB in ${seconds.toFixed(1)} s: ` +
        `${Math.round(result.rows / seconds)} rows/s, ${(megabytes / seconds).toFixed(1)} MB/s; ` +
        `peak retained memory growth ${((peak - baseline) / 1e6).toFixed(1)} MB`,
    );
    expect(result.rows).toBe(1_500_000);
    expect(result.bytes).toBeGreaterThan(290e6);
    // Buffering the table would keep ~300 MB; streaming keeps a few chunks (plus ~30 MB of V8 noise seen in jest).
    expect(peak - baseline).toBeLessThan(result.bytes / 5);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(rows.at(-1)).toBe(1_500_000);
  });
});
