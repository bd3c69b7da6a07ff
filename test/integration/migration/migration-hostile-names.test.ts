// Hostile identifiers. A config may name only plain identifiers (quotes, ;, --, unicode and names over 63 bytes
// are refused, naming the field: test/unit/shared/config-properties.test.ts), but every name the migration reads
// from the source's catalog (columns, types, enum labels, constraints, indexes, sequences, defaults) is the
// source's to choose: one interpolated unquoted would run `drop table y` here, and y would be gone.
import pg from 'pg';
import { tableChecksums } from '../../../dataset/checksum';
import type { TableSpec } from '../../../workflows/migration/types';
import { envWithDatabases } from '../../support/dvdrental';
import { failureOf, migrate } from '../../support/migration-run';
import { freshDatabase, withWorker } from '../../support/stack';

const EVIL = 'x"; drop table y; --';
const q = pg.escapeIdentifier;
const LONG = `c${'_long'.repeat(12)}`.slice(0, 63); // exactly 63 bytes: kept whole
const UNICODE = 'ünïcödé 表 ; -- name';

const SOURCE_SQL = `
  create table y (id int primary key);
  create type ${q(EVIL)} as enum ('b''; drop table y; --', ${pg.escapeLiteral(EVIL)});
  create sequence ${q(`${EVIL} seq`)};
  create table evil (
    id int primary key,
    ${q(EVIL)} text,
    ${q(UNICODE)} text not null default 'a;b -- '' c',
    ${q(LONG)} int default nextval(${pg.escapeLiteral(`public.${q(`${EVIL} seq`)}`)}),
    kind ${q(EVIL)},
    last_update timestamptz not null default now(),
    constraint ${q(`${EVIL} check`)} check (${q(EVIL)} is distinct from 'boom'),
    constraint ${q(`${EVIL} unique`)} unique (${q(UNICODE)}, id)
  );
  create index ${q(`${EVIL} index`)} on evil (${q(EVIL)}, ${q(UNICODE)});
  create table ${q('child')} (id int primary key, evil_id int constraint ${q(`${EVIL} fk`)} references evil);
  insert into evil (id, ${q(EVIL)}, ${q(UNICODE)}, kind)
    select g, 'v''; drop table y; -- ' || g, 'ü ' || g, case when g % 2 = 0 then 'b''; drop table y; --' end::text::${q(EVIL)}
    from generate_series(1, 200) g;
  update evil set kind = ${pg.escapeLiteral(EVIL)} where id % 3 = 0;
  insert into child select g, g from generate_series(1, 50) g;`;

const TABLES: TableSpec[] = [
  { name: 'evil', schema_in: 'public', schema_out: 'dvd_rental', depends_on: [], sync: { cursor: 'last_update' } },
  { name: 'child', schema_in: 'public', schema_out: 'dvd_rental', depends_on: ['evil'], sync: { key: 'id' } },
];

const pools: pg.Pool[] = [];
let source: pg.Pool;
let target: pg.Pool;
const env = envWithDatabases({ source: 'hostile_source', target: 'hostile_target' });

beforeAll(async () => {
  source = await freshDatabase('hostile_source');
  target = await freshDatabase('hostile_target');
  pools.push(source, target);
  await source.query(SOURCE_SQL);
  await target.query('create table y (id int primary key)');
});
afterAll(() => Promise.all(pools.map((pool) => pool.end())));

const yExists = async (pool: pg.Pool) => (await pool.query(`select to_regclass('public.y') as y`)).rows[0].y !== null;
const checksums = (pool: pg.Pool, schema: string) => tableChecksums(pool, schema, ['evil', 'child']);

test('names with quotes, ;, --, unicode and 63 bytes from the source catalog are copied, synced and verified; y survives', async () => {
  await withWorker(async (harness) => {
    const first = await migrate(harness, 'hostile-names-full', { tables: TABLES });
    expect(first.tables.map((t) => [t.table, t.state, t.error])).toEqual([
      ['evil', 'copied', undefined],
      ['child', 'copied', undefined],
    ]);
    expect(await checksums(target, 'dvd_rental')).toEqual(await checksums(source, 'public'));

    // An incremental sync: its cursor, key ranges and comparisons name every column too.
    await source.query(`update evil set ${q(EVIL)} = 'changed; --' where id <= 10`);
    await source.query(`delete from child where id = 7`);
    await source.query(`insert into child values (51, 1)`);
    const second = await migrate(harness, 'hostile-names-sync', { tables: TABLES });
    expect(second.tables.map((t) => [t.table, t.state, t.mode])).toEqual([
      ['evil', 'copied', 'sync'],
      ['child', 'copied', 'sync'],
    ]);
    expect(await checksums(target, 'dvd_rental')).toEqual(await checksums(source, 'public'));
  }, env);

  expect([await yExists(source), await yExists(target)]).toEqual([true, true]);
  const { rows } = await target.query<{ name: string }>(
    `select attname as name from pg_attribute where attrelid = 'dvd_rental.evil'::regclass and attnum > 0 order by attnum`,
  );
  expect(rows.map((row) => row.name)).toEqual(['id', EVIL, UNICODE, LONG, 'kind', 'last_update']);
  const { rows: objects } = await target.query<{ name: string }>(
    `select conname as name from pg_constraint where connamespace = 'dvd_rental'::regnamespace
     union all select relname from pg_class where relnamespace = 'dvd_rental'::regnamespace and relkind in ('i', 'S')
     union all select typname from pg_type where typnamespace = 'dvd_rental'::regnamespace and typtype = 'e'`,
  );
  expect(objects.map((row) => row.name)).toEqual(
    expect.arrayContaining([`${EVIL} check`, `${EVIL} unique`, `${EVIL} fk`, `${EVIL} index`, `${EVIL} seq`, EVIL]),
  );
});

test('a config naming a hostile or 64-byte table is refused before anything runs, naming the field', async () => {
  const named = (name: string): TableSpec[] => [{ ...TABLES[0]!, name }];
  await withWorker(async (harness) => {
    const injected = await failureOf(migrate(harness, 'hostile-names-config', { tables: named(EVIL) }));
    expect(String(injected.cause?.message)).toMatch(
      /tables\[0\] .*: name: "x\\"; drop table y; --" is not a plain identifier/,
    );
    const long = await failureOf(migrate(harness, 'hostile-names-long', { tables: named('t'.repeat(64)) }));
    expect(String(long.cause?.message)).toMatch(
      /tables\[0\] "t{64}": name: "t{64}" is 64 bytes long, over PostgreSQL's limit of 63/,
    );
  }, env);
  expect(await yExists(target)).toBe(true);
  expect((await target.query(`select to_regclass('dvd_rental.${'t'.repeat(63)}') as t`)).rows[0].t).toBeNull();
});
