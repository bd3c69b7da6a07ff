import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DVD_RENTAL_TABLES } from '../../../dataset/tables';
import { migrationConfigSchema, parseMigrationConfig } from '../../../workflows/migration/config';
import { readMigrationConfigFile } from '../../../activities/migration/config-file';
import { MigrationConfigError } from '../../../workflows/migration/errors';
import { CONFIG_FILE, CONFIG_TEXT, DVD_RENTAL, errorOf, table } from '../../support/migration-config';

const problemsOf = (json: unknown, source?: string): string[] =>
  errorOf(() => parseMigrationConfig(json, source)).message.split('\n');

describe('migration config', () => {
  test('config/migration.json lists the 15 dvd_rental tables, public to dvd_rental', () => {
    expect(DVD_RENTAL.map((spec) => spec.name).sort()).toEqual([...DVD_RENTAL_TABLES].sort());
    expect(new Set(DVD_RENTAL.map((spec) => `${spec.schema_in}>${spec.schema_out}`))).toEqual(
      new Set(['public>dvd_rental']),
    );
    expect(migrationConfigSchema.safeParse(JSON.parse(CONFIG_TEXT)).success).toBe(true);
  });

  test('config/migration.json syncs every table by last_update but payment, by its key', () => {
    const syncs = Object.fromEntries(DVD_RENTAL.map((spec) => [spec.name, spec.sync]));
    expect(syncs.payment).toEqual({ key: 'payment_id' });
    for (const [name, sync] of Object.entries(syncs).filter(([name]) => name !== 'payment'))
      expect([name, sync]).toEqual([name, { cursor: 'last_update' }]);
  });

  test.each([
    [{ cursor: 'last_update', key: 'payment_id' }, 'sync: give exactly one of "cursor"'],
    [{}, 'sync: give exactly one of "cursor"'],
    [{ key: 'payment_id', overlap_seconds: 5 }, 'sync.overlap_seconds: applies to a "cursor" only'],
    [{ key: 'payment_id', time_zone: 'UTC' }, 'sync.time_zone: applies to a "cursor" only'],
    [{ cursor: 'last update' }, 'sync.cursor: "last update" is not a plain identifier'],
    [{ cursor: 'last_update', overlap_seconds: -1 }, 'sync.overlap_seconds: Too small'],
    [{ cursor: 'last_update', time_zone: "UTC'; drop" }, 'sync.time_zone: must be a time zone name'],
    [{ cursor: 'last_update', lag: 3 }, 'sync: Unrecognized key: "lag"'],
    ['wal', 'sync: Invalid input: expected object'],
    [{ cdc: true, cursor: 'last_update' }, 'sync: give exactly one of "cursor"'],
    [{ cdc: false }, 'sync.cdc: Invalid input: expected true'],
    [{ cdc: true, overlap_seconds: 5 }, 'sync.overlap_seconds: applies to a "cursor" only'],
  ])('sync %j is refused: %s', (sync, message) => {
    const problems = problemsOf([{ ...table('payment'), sync }]);
    expect(problems).toEqual([expect.stringContaining(`<config>: tables[0] "payment": ${message}`)]);
  });

  test('"sync": "cdc" reads as { cdc: true }', () => {
    expect(parseMigrationConfig([{ ...table('payment'), sync: 'cdc' }])).toEqual([
      { ...table('payment'), sync: { cdc: true } },
    ]);
    expect(parseMigrationConfig([{ ...table('payment'), sync: { cdc: true } }])[0]!.sync).toEqual({ cdc: true });
  });

  test('a valid sync is kept as given', () => {
    const sync = { cursor: 'updated_at', overlap_seconds: 60, time_zone: 'Europe/Paris' };
    expect(parseMigrationConfig([{ ...table('film'), sync }])).toEqual([{ ...table('film'), sync }]);
  });

  test('depends_on may be left out and then is empty', () => {
    expect(parseMigrationConfig([{ name: 'actor', schema_in: 'public', schema_out: 'x' }])).toEqual([
      table('actor', [], 'public', 'x'),
    ]);
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
    expect(problemsOf([table('film', ['film'])])).toEqual([
      '<config>: tables[0] "film": dependency cycle: film -> film',
    ]);
  });

  test('duplicate tables name both entries and what they share', () => {
    const sameSource = problemsOf([table('film'), table('actor'), table('film', [], 'public', 'other')]);
    expect(sameSource).toEqual(['<config>: tables[2] "film": duplicate of tables[0] "film": both read public.film']);
    const sameTarget = problemsOf([table('film'), table('film', [], 'archive')]);
    expect(sameTarget).toEqual([
      '<config>: tables[1] "film": duplicate of tables[0] "film": both write dvd_rental.film',
    ]);
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
    expect(await fileError(trailingComma)).toMatch(
      new RegExp(`^${trailingComma}: not valid JSON at line 3, column 1: `),
    );
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
