import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { finishTargetSchema, prepareTargetSchema } from '../../../activities/migration/target-schema';
import { loadArchive } from '../../../dataset/archive';
import { schemaSignature } from '../../../dataset/catalog-signature';
import { generateDataset } from '../../../dataset/generator';
import { DVD_RENTAL_TABLES } from '../../../dataset/tables';
import { MigrationConfigError, SchemaIncompatibleError, TableDataError } from '../../../workflows/migration/errors';
import type { TableSpec } from '../../../workflows/migration/types';
import { adminUrl } from '../../../stack/postgres';
import { freshDatabase, testEnv } from '../../support/stack';

const archivePath =
  process.env.DVDRENTAL_ARCHIVE ??
  path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets', 'dvdrental.tar');
const archiveTest = fs.existsSync(archivePath) ? test : test.skip;

const DVD_RENTAL_CONFIG: TableSpec[] = DVD_RENTAL_TABLES.map((name) => ({
  name,
  schema_in: 'public',
  schema_out: 'dvd_rental',
  depends_on: [],
}));
const TARGET_TABLES = DVD_RENTAL_TABLES.map((name) => `dvd_rental.${name}`);

/** schemaSignature read with an empty search_path, so that every name in it is schema-qualified. */
async function qualifiedSignature(database: string, schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl(testEnv(), database) });
  await client.connect();
  try {
    await client.query(`set search_path = ''`);
    return await schemaSignature(client, schema);
  } finally {
    await client.end();
  }
}

const moved = (lines: string[], from: string, to: string) => lines.map((line) => line.replaceAll(`${from}.`, `${to}.`));

async function value<T>(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await pool.query(sql, params);
  return Object.values(rows[0] ?? {})[0] as T;
}

const pools: pg.Pool[] = [];
async function database(name: string): Promise<pg.Pool> {
  const pool = await freshDatabase(name);
  pools.push(pool);
  return pool;
}
afterAll(() => Promise.all(pools.map((pool) => pool.end())));

// The tests of this block build on each other, in order: create, rerun, sequences, extra column, incompatible.
describe('target schema from the generated dvd_rental', () => {
  let source: pg.Pool;
  let target: pg.Pool;
  const input = () => ({ source, target, tables: DVD_RENTAL_CONFIG });
  const sourceSignature = async () =>
    moved(await qualifiedSignature('schema_gen_source', 'public'), 'public', 'dvd_rental');

  beforeAll(async () => {
    source = await database('schema_gen_source');
    await generateDataset({ pool: source, scale: 0.01, seed: 1 });
    target = await database('schema_gen_target');
  });

  test('pre-data then post-data rebuild every column, key and index of public in dvd_rental', async () => {
    const prepared = await prepareTargetSchema(input());
    expect(prepared).toMatchObject({ created: TARGET_TABLES, reused: [], recreated: [] });

    // Keys, indexes and foreign keys come after the rows.
    const preData = await qualifiedSignature('schema_gen_target', 'dvd_rental');
    expect(preData.filter((line) => / (FOREIGN|PRIMARY) KEY |^index /.test(line))).toEqual([]);

    const finished = await finishTargetSchema(input());
    expect(finished.keys).toContain('dvd_rental.film_actor.film_actor_pkey: created');
    expect(finished.foreignKeys).toHaveLength(18);
    expect(finished.foreignKeys.every((line) => line.endsWith(': created'))).toBe(true);
    expect(finished.indexes).toContain('dvd_rental.film_fulltext_idx: created');
    expect(finished.sequences).toContain('dvd_rental.film_film_id_seq = 1 (empty, not called yet)');

    expect(await qualifiedSignature('schema_gen_target', 'dvd_rental')).toEqual(await sourceSignature());
  });

  test('the enum, the domain and owned sequences are recreated in dvd_rental', async () => {
    expect(await value(target, `select enum_range(null::dvd_rental.mpaa_rating)::text`)).toBe('{G,PG,PG-13,R,NC-17}');
    const year = await target.query(
      `select format_type(t.typbasetype, t.typtypmod) as base, pg_get_constraintdef(k.oid) as "check"
         from pg_type t join pg_constraint k on k.contypid = t.oid where t.oid = 'dvd_rental.year'::regtype`,
    );
    expect(year.rows).toEqual([{ base: 'integer', check: 'CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))' }]);
    // The generator's sequences are OWNED BY their columns, so the target's are too.
    expect(await value(target, `select pg_get_serial_sequence('dvd_rental.film', 'film_id')`)).toBe(
      'dvd_rental.film_film_id_seq',
    );
  });

  test('a second run reuses every table and adds nothing', async () => {
    const before = await qualifiedSignature('schema_gen_target', 'dvd_rental');
    const prepared = await prepareTargetSchema(input());
    expect(prepared).toMatchObject({ created: [], reused: TARGET_TABLES, recreated: [] });
    const finished = await finishTargetSchema(input());
    expect(
      [...finished.keys, ...finished.indexes, ...finished.foreignKeys].filter((line) => !line.endsWith(': present')),
    ).toEqual([]);
    expect(await qualifiedSignature('schema_gen_target', 'dvd_rental')).toEqual(before);
  });

  test('finish moves each sequence past the largest key copied', async () => {
    await target.query(`insert into dvd_rental.country (country_id, country) values (7, 'Atlantis'), (500, 'Lemuria')`);
    const finished = await finishTargetSchema(input());
    expect(finished.sequences).toContain('dvd_rental.country_country_id_seq = 500');
    expect(await value(target, `insert into dvd_rental.country (country) values ('Mu') returning country_id`)).toBe(
      501,
    );
    expect(await value(target, `select nextval('dvd_rental.category_category_id_seq')::int`)).toBe(1);
  });

  test('a target table with extra columns is reused and keeps them', async () => {
    await target.query(
      `alter table dvd_rental.city add column longitude double precision, add column latitude double precision`,
    );
    const prepared = await prepareTargetSchema(input());
    expect(prepared.reused).toContain('dvd_rental.city');
    const columns = await target.query(
      `select column_name from information_schema.columns where table_schema = 'dvd_rental' and table_name = 'city' order by 1`,
    );
    expect(columns.rows.map((row) => row.column_name)).toEqual([
      'city',
      'city_id',
      'country_id',
      'last_update',
      'latitude',
      'longitude',
    ]);
  });

  test('an incompatible table is refused, naming table and column, and recreate rebuilds it', async () => {
    await target.query(`alter table dvd_rental.film alter column length type integer`);
    await target.query(`drop table dvd_rental.store cascade`);

    const refused = prepareTargetSchema(input());
    await expect(refused).rejects.toThrow(SchemaIncompatibleError);
    await expect(refused).rejects.toThrow(
      /dvd_rental\.film .*column length: source type smallint, target type integer/,
    );
    // One transaction: the refused run created nothing, not even the missing table.
    expect(await value(target, `select to_regclass('dvd_rental.store')`)).toBeNull();

    const prepared = await prepareTargetSchema({ ...input(), recreate: true });
    expect(prepared).toMatchObject({ created: ['dvd_rental.store'], recreated: ['dvd_rental.film'] });
    const finished = await finishTargetSchema(input());
    expect(finished.foreignKeys).toContain('dvd_rental.film_actor.film_actor_film_id_fkey: created');

    const withoutGeocoding = (await qualifiedSignature('schema_gen_target', 'dvd_rental')).filter(
      (line) => !/^column city\.(longitude|latitude) /.test(line),
    );
    expect(withoutGeocoding).toEqual(await sourceSignature());
  });

  test('notReplicated lists the functions, aggregate, triggers and views of public', async () => {
    const { notReplicated } = await prepareTargetSchema(input());
    expect(notReplicated).toEqual(
      expect.arrayContaining([
        'aggregate public.group_concat(text)',
        'function public.last_updated()',
        'function public.rewards_report(integer,numeric)',
        'trigger film_fulltext_trigger on public.film',
        'trigger last_updated on public.film',
        'view public.actor_info',
        'view public.staff_list',
      ]),
    );
    expect(notReplicated.filter((line) => line.startsWith('trigger last_updated '))).toHaveLength(14);
    expect(notReplicated.filter((line) => /^(table|sequence|type|domain) /.test(line))).toEqual([]);
  });

  test('a config table missing from the source is a config error', async () => {
    const tables = [{ name: 'films', schema_in: 'public', schema_out: 'dvd_rental', depends_on: [] }];
    await expect(prepareTargetSchema({ source, target, tables })).rejects.toThrow(MigrationConfigError);
  });
});

const HOSTILE_SOURCE = `
  create schema scratch;
  create type scratch."mo""od" as enum ('ok', 'sad');
  create domain scratch.positive as numeric(6,2) default 1 not null check (value > 0);
  create table scratch.outsider (id int primary key);
  create table scratch."we""ird; drop" (
    id integer generated by default as identity (start with 10 increment by 5) primary key,
    "na""me" text collate "C" not null unique,
    mood scratch."mo""od" default 'ok',
    moods scratch."mo""od"[],
    price scratch.positive,
    doubled numeric generated always as (price * 2) stored,
    serial_no serial,
    constraint "price; check" check (price < 1000)
  );
  create index "we""ird; idx" on scratch."we""ird; drop" (lower("na""me"), price);
  create table scratch.child (
    id int primary key,
    parent_id int references scratch."we""ird; drop" (id) on delete cascade,
    outsider_id int references scratch.outsider (id)
  );
  create function scratch."f; x"() returns int language sql as 'select 1';
  create function scratch.touch() returns trigger language plpgsql as 'begin return new; end';
  create trigger "t; x" before update on scratch.child for each row execute function scratch.touch();
  create view scratch."v""w" as select 1 as one;
  create materialized view scratch.mv as select 1 as one;
  create rule r as on insert to scratch.outsider do instead nothing;
  alter table scratch.child enable row level security;
  create policy p on scratch.child using (true);`;

describe('hostile names, identity, generated columns and collations', () => {
  const OUT = 'o"ut; x';
  const QUOTED_OUT = '"o""ut; x"';
  const WEIRD = `${QUOTED_OUT}."we""ird; drop"`;
  let source: pg.Pool;
  let target: pg.Pool;
  const tables: TableSpec[] = ['we"ird; drop', 'child'].map((name) => ({
    name,
    schema_in: 'scratch',
    schema_out: OUT,
    depends_on: [],
  }));
  const withoutOutsider = (lines: string[]) => lines.filter((line) => !line.includes('outsider'));

  beforeAll(async () => {
    source = await database('schema_hostile_source');
    await source.query(HOSTILE_SOURCE);
    target = await database('schema_hostile_target');
  });

  test('are quoted everywhere and come out the same as in the source', async () => {
    const prepared = await prepareTargetSchema({ source, target, tables });
    expect(prepared.created).toEqual([`${OUT}.we"ird; drop`, `${OUT}.child`]);
    expect([...prepared.notReplicated].sort()).toEqual(
      [
        'function scratch."f; x"()',
        'function scratch.touch()',
        'materialized view scratch.mv',
        'policy p on scratch.child',
        'rule r on scratch.outsider',
        'trigger "t; x" on scratch.child',
        'view scratch."v""w"',
      ].sort(),
    );

    const finished = await finishTargetSchema({ source, target, tables });
    expect(finished.indexes).toEqual([`${OUT}.we"ird; idx: created`]);
    expect(finished.foreignKeys).toEqual([
      `${OUT}.child.child_outsider_id_fkey: skipped (references scratch.outsider, which is not in the config)`,
      `${OUT}.child.child_parent_id_fkey: created`,
    ]);

    const expected = moved(
      withoutOutsider(await qualifiedSignature('schema_hostile_source', 'scratch')),
      'scratch',
      QUOTED_OUT,
    );
    expect(withoutOutsider(await qualifiedSignature('schema_hostile_target', OUT))).toEqual(expected);
    expect(
      expected.some((line) => line.includes(`nextval('${QUOTED_OUT}."we""ird; drop_serial_no_seq"'::regclass)`)),
    ).toBe(true);
  });

  test('identity, generated, default and collated columns behave as in the source', async () => {
    const { rows } = await target.query(
      `insert into ${WEIRD} ("na""me", price) values ('a', 2) returning id, doubled, mood, serial_no`,
    );
    expect(rows).toEqual([{ id: 10, doubled: '4.00', mood: 'ok', serial_no: 1 }]);
    expect(await value(target, `insert into ${WEIRD} ("na""me", price) values ('b', 3) returning id`)).toBe(15);
    await expect(target.query(`insert into ${WEIRD} ("na""me", price) values ('c', -1)`)).rejects.toThrow(
      /positive_check/,
    );
    await expect(target.query(`insert into ${WEIRD} ("na""me", price) values ('d', 1500)`)).rejects.toThrow(
      /price; check/,
    );
    const collation = await value(
      target,
      `select collation_name from information_schema.columns where table_schema = $1 and column_name = 'na"me'`,
      [OUT],
    );
    expect(collation).toBe('C');
    expect(await value(target, `select pg_get_serial_sequence($1, 'serial_no')`, [WEIRD])).toBe(
      `${QUOTED_OUT}."we""ird; drop_serial_no_seq"`,
    );
  });

  test('a rerun reuses both tables', async () => {
    const prepared = await prepareTargetSchema({ source, target, tables });
    expect(prepared).toMatchObject({ created: [], reused: [`${OUT}.we"ird; drop`, `${OUT}.child`] });
    const finished = await finishTargetSchema({ source, target, tables });
    expect(finished.sequences).toContain(`${QUOTED_OUT}."we""ird; drop_id_seq" = 15`);
  });
});

describe('target rows that break a foreign key', () => {
  test('fail the finish at once (not retried), naming the key, which stays NOT VALID', async () => {
    const source = await database('schema_fk_source');
    await source.query(`create schema fk;
      create table fk.parent (id int primary key);
      create table fk.child (id int primary key, parent_id int references fk.parent (id))`);
    const target = await database('schema_fk_target');
    const tables: TableSpec[] = [
      { name: 'parent', schema_in: 'fk', schema_out: 'fk', depends_on: [] },
      { name: 'child', schema_in: 'fk', schema_out: 'fk', depends_on: ['parent'] },
    ];
    await prepareTargetSchema({ source, target, tables });
    await target.query('insert into fk.child values (1, 42)');

    const finish = finishTargetSchema({ source, target, tables });
    await expect(finish).rejects.toThrow(TableDataError);
    await expect(finish).rejects.toThrow(/^fk\.child\.child_parent_id_fkey: .*violates foreign key constraint/);
    const validated = `select convalidated from pg_constraint where conname = 'child_parent_id_fkey'`;
    expect(await value(target, validated)).toBe(false);
  });
});

describe('target schema from the dvd_rental archive', () => {
  archiveTest('matches the archive, whose sequences are not owned by their columns', async () => {
    const source = await database('schema_archive_source');
    await loadArchive({
      archivePath,
      databaseUrl: adminUrl(testEnv(), 'schema_archive_source'),
      workDir: path.join(testEnv().STACK_DATA_DIR, 'archive'),
    });
    const target = await database('schema_archive_target');
    const input = { source, target, tables: DVD_RENTAL_CONFIG };

    const prepared = await prepareTargetSchema(input);
    expect(prepared.created).toEqual(TARGET_TABLES);
    expect(prepared.notReplicated).toEqual(
      expect.arrayContaining([
        'function public.last_updated()',
        'trigger last_updated on public.film',
        'view public.actor_info',
      ]),
    );
    await finishTargetSchema(input);

    const expected = moved(await qualifiedSignature('schema_archive_source', 'public'), 'public', 'dvd_rental');
    expect(await qualifiedSignature('schema_archive_target', 'dvd_rental')).toEqual(expected);
    expect(expected).toContain(
      `column film.film_id integer not null default nextval('dvd_rental.film_film_id_seq'::regclass)`,
    );
    expect(await value(source, `select pg_get_serial_sequence('public.film', 'film_id')`)).toBeNull();
    expect(await value(target, `select pg_get_serial_sequence('dvd_rental.film', 'film_id')`)).toBeNull();
  });
});
