import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { generateDataset } from '../../../dataset/generator';
import { DVD_RENTAL_TABLES } from '../../../dataset/tables';
import { formatMigrationConfig, migrationConfigSchema, parseMigrationConfig } from '../../../workflows/migration/config';
import { readMigrationConfigFile } from '../../../activities/migration/config-file';
import { MigrationConfigError } from '../../../workflows/migration/errors';
import { generateConfig } from '../../../activities/migration/generate-config';
import { dependents, findCycles, planMigration, readyTables } from '../../../workflows/migration/plan';
import { adminUrl } from '../../../stack/postgres';
import { freshDatabase, testEnv } from '../../support/stack';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CONFIG_FILE = path.join(REPO, 'config', 'migration.json');
const CONFIG_TEXT = fs.readFileSync(CONFIG_FILE, 'utf8');
const DVD_RENTAL = parseMigrationConfig(JSON.parse(CONFIG_TEXT), CONFIG_FILE);

const table = (name: string, depends_on: string[] = [], schema_in = 'public', schema_out = 'dvd_rental') => ({
  name,
  schema_in,
  schema_out,
  depends_on,
});

function errorOf(fn: () => unknown): MigrationConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MigrationConfigError) return error;
    throw error;
  }
  throw new Error('expected a MigrationConfigError');
}

const problemsOf = (json: unknown, source?: string): string[] =>
  errorOf(() => parseMigrationConfig(json, source)).message.split('\n');

describe('migration config', () => {
  test('config/migration.json lists the 15 dvd_rental tables, public to dvd_rental', () => {
    expect(DVD_RENTAL.map((spec) => spec.name).sort()).toEqual([...DVD_RENTAL_TABLES].sort());
    expect(new Set(DVD_RENTAL.map((spec) => `${spec.schema_in}>${spec.schema_out}`))).toEqual(new Set(['public>dvd_rental']));
    expect(migrationConfigSchema.safeParse(JSON.parse(CONFIG_TEXT)).success).toBe(true);
  });

  test('depends_on may be left out and then is empty', () => {
    expect(parseMigrationConfig([{ name: 'actor', schema_in: 'public', schema_out: 'x' }])).toEqual([table('actor', [], 'public', 'x')]);
  });

  test('an unknown dependency names the entry and the missing table', () => {
    const config = [table('actor'), table('category'), table('language'), table('country'), table('film', ['lang'])];
    expect(problemsOf(config)).toEqual([
      '<config>: tables[4] "film": depends_on names "lang", which is not in the config',
    ]);
  });

  test('a dependency cycle is printed with the entry where it starts', () => {
    expect(problemsOf([table('a', ['b']), table('b', ['a'])])).toEqual([
      '<config>: tables[0] "a": dependency cycle: a -> b -> a',
    ]);
    expect(problemsOf([table('x'), table('c', ['a']), table('a', ['b']), table('b', ['c', 'x'])])).toEqual([
      '<config>: tables[1] "c": dependency cycle: c -> a -> b -> c',
    ]);
  });

  test('a self-dependency is a cycle', () => {
    expect(problemsOf([table('film', ['film'])])).toEqual(['<config>: tables[0] "film": dependency cycle: film -> film']);
  });

  test('duplicate tables name both entries and what they share', () => {
    const sameSource = problemsOf([table('film'), table('actor'), table('film', [], 'public', 'other')]);
    expect(sameSource).toEqual(['<config>: tables[2] "film": duplicate of tables[0] "film": both read public.film']);
    const sameTarget = problemsOf([table('film'), table('film', [], 'archive')]);
    expect(sameTarget).toEqual(['<config>: tables[1] "film": duplicate of tables[0] "film": both write dvd_rental.film']);
    const sameName = problemsOf([table('film'), table('film', [], 'archive', 'other')]);
    expect(sameName[0]).toMatch(/tables\[1\] "film": duplicate of tables\[0\] "film": names must be unique/);
  });

  test('a dependency listed twice is reported', () => {
    expect(problemsOf([table('language'), table('film', ['language', 'language'])])).toEqual([
      '<config>: tables[1] "film": depends_on lists "language" more than once',
    ]);
  });

  test.each([
    ['film"; drop table x; --'],
    ['film"'],
    ["o'brien"],
    ['film;'],
    ['my film'],
    ['1film'],
    ['film-actor'],
    ['fïlm'],
    [''],
  ])('the hostile or odd name %j is rejected in every field', (bad) => {
    const problems = problemsOf([table(bad, [], bad, bad), table('actor', [bad])]);
    const shown = JSON.stringify(bad);
    const label = `tables[0] ${shown}`;
    expect(problems).toEqual(
      expect.arrayContaining([
        `<config>: ${label}: name: ${shown} is not a plain identifier: only letters, digits and _, not starting with a digit (quotes, spaces or SQL have no place in a name)`,
        expect.stringContaining(`${label}: schema_in: ${shown} is not a plain identifier`),
        expect.stringContaining(`${label}: schema_out: ${shown} is not a plain identifier`),
        expect.stringContaining(`tables[1] "actor": depends_on[0]: ${shown} is not a plain identifier`),
      ]),
    );
  });

  test('names over 63 bytes are rejected with the reason, 63 are fine', () => {
    const long = 'a'.repeat(64);
    expect(problemsOf([table(long)])).toEqual([
      `<config>: tables[0] "${long}": name: "${long}" is 64 bytes long, over PostgreSQL's limit of 63: it would be truncated to another name`,
    ]);
    expect(problemsOf([table('film', [], 'b'.repeat(200))])[0]).toContain('is 200 bytes long');
    expect(parseMigrationConfig([table('a'.repeat(63))])).toHaveLength(1);
  });

  test('an empty config or one that is not an array is an error', () => {
    expect(problemsOf([], 'x.json')).toEqual(['x.json: holds no tables: list at least one']);
    expect(problemsOf({ tables: [] })).toEqual(['<config>: must be a JSON array of tables, not object']);
    expect(problemsOf(null)).toEqual(['<config>: must be a JSON array of tables, not null']);
  });

  test('missing fields, wrong types and unknown keys name the entry and the field', () => {
    const problems = problemsOf([
      { name: 'film', schema_in: 'public', depends_on: ['language'], dependson: [] },
      'actor',
      { name: 'language', schema_in: 'public', schema_out: 'dvd_rental', depends_on: 'film' },
    ]);
    expect(problems).toEqual([
      '<config>: tables[0] "film": schema_out: Invalid input: expected string, received undefined',
      '<config>: tables[0] "film": Unrecognized key: "dependson"',
      '<config>: tables[1]: Invalid input: expected object, received string',
      '<config>: tables[2] "language": depends_on: Invalid input: expected array, received string',
    ]);
  });

  test('every problem is reported, one per line, each naming the source', () => {
    const problems = problemsOf(
      [table('a', ['b']), table('b', ['a']), table('c', ['nope']), table('c'), table('d e'), table('f', ['f'])],
      'cfg.json',
    );
    expect(problems).toEqual([
      'cfg.json: tables[4] "d e": name: "d e" is not a plain identifier: only letters, digits and _, not starting with a digit (quotes, spaces or SQL have no place in a name)',
      'cfg.json: tables[3] "c": duplicate of tables[2] "c": both read public.c and write dvd_rental.c',
      'cfg.json: tables[2] "c": depends_on names "nope", which is not in the config',
      'cfg.json: tables[0] "a": dependency cycle: a -> b -> a',
      'cfg.json: tables[5] "f": dependency cycle: f -> f',
    ]);
  });
});

describe('migration config files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const fileError = async (file: string) => {
    const error = await readMigrationConfigFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationConfigError);
    return (error as Error).message;
  };

  test('reads config/migration.json', async () => {
    expect(await readMigrationConfigFile(CONFIG_FILE)).toEqual(DVD_RENTAL);
  });

  test('invalid JSON names the file and the line and column', async () => {
    const trailingComma = write('comma.json', '[\n  { "name": "a", "schema_in": "p", "schema_out": "q" },\n]\n');
    expect(await fileError(trailingComma)).toMatch(new RegExp(`^${trailingComma}: not valid JSON at line 3, column 1: `));
    const missingValue = write('value.json', '[\n  { "name": "a",\n    "schema_in": }\n]');
    expect(await fileError(missingValue)).toContain(`${missingValue}: not valid JSON at line 3, column 18`);
    const missingComma = write('missing.json', '[\n  { "name": "a" "schema_in": "p" }\n]');
    expect(await fileError(missingComma)).toContain(`${missingComma}: not valid JSON at line 2, column 17`);
    const truncated = write('truncated.json', '[\n  { "name": "a"');
    expect(await fileError(truncated)).toContain(`${truncated}: not valid JSON at line 2, column 16`);
  });

  test('config problems in a file name the file on every line', async () => {
    const file = write('bad.json', JSON.stringify([table('film', ['lang']), table('film')]));
    const lines = (await fileError(file)).split('\n');
    expect(lines).toEqual([
      `${file}: tables[1] "film": duplicate of tables[0] "film": both read public.film and write dvd_rental.film`,
      `${file}: tables[0] "film": depends_on names "lang", which is not in the config`,
    ]);
  });

  test('a missing file is named', async () => {
    const missing = path.join(dir, 'nope.json');
    expect(await fileError(missing)).toMatch(new RegExp(`^${missing}: cannot read the migration config: .*ENOENT`));
  });
});

describe('migration plan', () => {
  const dependenciesOf = (name: string) => DVD_RENTAL.find((spec) => spec.name === name)!.depends_on;

  test('the dvd_rental order puts every table after its dependencies, level by level', () => {
    const { order, levels } = planMigration(DVD_RENTAL);
    expect([...order].sort()).toEqual([...DVD_RENTAL_TABLES].sort());
    for (const name of order) {
      for (const dep of dependenciesOf(name)) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(name));
    }
    expect(levels).toEqual([
      ['actor', 'category', 'country', 'language'],
      ['city', 'film'],
      ['address', 'film_actor', 'film_category', 'inventory'],
      ['customer', 'staff'],
      ['rental', 'store'],
      ['payment'],
    ]);
    expect(order).toEqual(levels.flat());
  });

  test('the plan does not depend on the order of the config', () => {
    const reversed = [...DVD_RENTAL].reverse();
    expect(planMigration(reversed)).toEqual(planMigration(DVD_RENTAL));
  });

  test('a cycle stops the plan and is printed', () => {
    expect(errorOf(() => planMigration([table('a', ['b']), table('b', ['a']), table('c')])).message).toBe(
      'dependency cycle: a -> b -> a',
    );
  });

  test('findCycles finds each cycle', () => {
    const tables = [table('a', ['b']), table('b', ['a']), table('c', ['d']), table('d', ['e']), table('e', ['c']), table('f', ['a'])];
    expect(findCycles(tables)).toEqual([['a', 'b', 'a'], ['c', 'd', 'e', 'c']]);
    expect(findCycles(DVD_RENTAL)).toEqual([]);
  });

  test('readyTables starts the tables whose dependencies are done, within the parallelism', () => {
    const ready = (done: string[], running: string[], parallelism: number, excluded?: string[]) =>
      readyTables({ tables: DVD_RENTAL, done, running, parallelism, excluded });
    expect(ready([], [], 2)).toEqual(['actor', 'category']);
    expect(ready([], [], 8)).toEqual(['actor', 'category', 'country', 'language']);
    expect(ready([], ['actor'], 2)).toEqual(['category']);
    expect(ready([], ['actor', 'category'], 2)).toEqual([]);
    expect(ready(['actor', 'category', 'language'], ['country'], 8)).toEqual(['film']);
    const beforeRental = ['actor', 'category', 'country', 'language', 'city', 'film', 'address', 'film_actor', 'film_category', 'inventory', 'customer'];
    expect(ready(beforeRental, [], 8)).toEqual(['staff']);
    expect(ready([...beforeRental, 'staff'], [], 8)).toEqual(['rental', 'store']);
    expect(ready([...beforeRental, 'staff'], [], 8, ['rental'])).toEqual(['store']);
  });

  test('readyTables counts a dependency outside the run as done', () => {
    const only = DVD_RENTAL.filter((spec) => ['rental', 'payment'].includes(spec.name));
    expect(readyTables({ tables: only, done: [], running: [], parallelism: 4 })).toEqual(['rental']);
    expect(readyTables({ tables: only, done: ['rental'], running: [], parallelism: 4 })).toEqual(['payment']);
  });

  test('readyTables lets free tables (no foreign key in the target yet) start before their dependencies, in plan order', () => {
    const free = ['rental', 'payment'];
    const ready = (done: string[], running: string[], parallelism: number) =>
      readyTables({ tables: DVD_RENTAL, done, running, parallelism, free });
    expect(ready([], [], 4)).toEqual(['actor', 'category', 'country', 'language']);
    expect(ready([], [], 8)).toEqual(['actor', 'category', 'country', 'language', 'rental', 'payment']);
    expect(ready(['actor', 'category', 'country', 'language'], ['city'], 8)).toEqual(['film', 'rental', 'payment']);
  });

  test('readyTables rejects a parallelism below 1', () => {
    expect(() => readyTables({ tables: DVD_RENTAL, done: [], running: [], parallelism: 0 })).toThrow(MigrationConfigError);
    expect(() => readyTables({ tables: DVD_RENTAL, done: [], running: [], parallelism: 1.5 })).toThrow('parallelism');
  });

  // Unbounded, this finishing order never has more than 5 tables ready at once.
  test.each([
    [1, 1],
    [3, 3],
    [20, 5],
  ])('a whole run scheduled with readyTables at parallelism %i runs up to %i at once', (parallelism, widest) => {
    const done: string[] = [];
    let running: string[] = [];
    let mostAtOnce = 0;
    for (let step = 0; done.length < DVD_RENTAL.length; step++) {
      const starting = readyTables({ tables: DVD_RENTAL, done, running, parallelism });
      for (const name of starting) expect(dependenciesOf(name).every((dep) => done.includes(dep))).toBe(true);
      running = [...running, ...starting];
      mostAtOnce = Math.max(mostAtOnce, running.length);
      expect(running.length).toBeLessThanOrEqual(parallelism);
      expect(running.length).toBeGreaterThan(0);
      // The longest-running table finishes last: finish the first started one.
      done.push(running.shift()!);
      expect(step).toBeLessThan(DVD_RENTAL.length);
    }
    expect([...done].sort()).toEqual([...DVD_RENTAL_TABLES].sort());
    expect(mostAtOnce).toBe(widest);
  });

  test('dependents are transitive and sorted', () => {
    expect(dependents(DVD_RENTAL, 'address')).toEqual(['customer', 'payment', 'rental', 'staff', 'store']);
    expect(dependents(DVD_RENTAL, 'film')).toEqual(['film_actor', 'film_category', 'inventory', 'payment', 'rental']);
    expect(dependents(DVD_RENTAL, 'country')).toEqual(['address', 'city', 'customer', 'payment', 'rental', 'staff', 'store']);
    expect(dependents(DVD_RENTAL, 'payment')).toEqual([]);
  });
});

describe('generateConfig on a real database', () => {
  const DATABASE = 'migration_config_gen';
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = await freshDatabase(DATABASE);
    await generateDataset({ pool, scale: 0.01, seed: 1 });
  });
  afterAll(() => pool.end());

  test('dvd_rental yields exactly config/migration.json', async () => {
    const generated = await generateConfig({ db: pool, schemaIn: 'public', schemaOut: 'dvd_rental' });
    expect(generated.warnings).toEqual([]);
    expect(generated.tables).toEqual(JSON.parse(CONFIG_TEXT));
    expect(formatMigrationConfig(generated.tables)).toBe(CONFIG_TEXT);
  });

  test('the CLI prints the same config', async () => {
    const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
    const { stdout } = await promisify(execFile)(
      tsx,
      ['activities/migration/generate-config-cli.ts', '--schema-in', 'public', '--schema-out', 'dvd_rental'],
      { cwd: REPO, env: { ...process.env, SOURCE_DATABASE_URL: adminUrl(testEnv(), DATABASE) } },
    );
    expect(stdout).toBe(CONFIG_TEXT);
  });

  test('a subset keeps the foreign keys inside it and warns about the others', async () => {
    const generated = await generateConfig({ db: pool, schemaIn: 'public', schemaOut: 'x', tables: ['payment', 'rental'] });
    expect(generated.tables).toEqual([table('rental', [], 'public', 'x'), table('payment', ['rental'], 'public', 'x')]);
    expect(generated.warnings).toEqual([
      'payment.payment_customer_id_fkey references public.customer, which is not in the config: it must already be in the target',
      'payment.payment_staff_id_fkey references public.staff, which is not in the config: it must already be in the target',
      'rental.rental_customer_id_fkey references public.customer, which is not in the config: it must already be in the target',
      'rental.rental_inventory_id_fkey references public.inventory, which is not in the config: it must already be in the target',
      'rental.rental_staff_id_key references public.staff, which is not in the config: it must already be in the target',
    ]);
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
