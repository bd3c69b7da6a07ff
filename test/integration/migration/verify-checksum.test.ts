// The verify checksum (verify.ts) over tables that differ in the ways a faulty copy would: each
// difference changes it, the row order does not.
import pg from 'pg';
import { checksumSql, checksumTerms, verifyCopy } from '../../../activities/migration/verify';
import { keyLayout } from '../../../activities/migration/key-merge';
import { freshDatabase } from '../../support/stack';

const COLUMNS = ['id', 'a', 'b', 'note', 'at', 'flag', 'amount'];
const BASE = [
  `(1, 10, 20, 'x', timestamptz '2026-01-01 10:00+00', true, 1.50)`,
  `(2, 11, 21, 'y', timestamptz '2026-01-02 10:00+00', false, 2.00)`,
  `(3, 12, null, null, null, null, null)`,
];

let pool: pg.Pool;

beforeAll(async () => {
  pool = await freshDatabase('verify_checksum');
});
afterAll(() => pool.end());

async function tableOf(rows: string[], amount = 'numeric'): Promise<string> {
  const table = `t_${Math.random().toString(36).slice(2)}`;
  await pool.query(
    `create table ${table} (id int, a int, b int, note text, at timestamptz, flag bool, amount ${amount});
     insert into ${table} values ${rows.join(', ')}`,
  );
  return table;
}

const termsOf = (source: string, target: string) =>
  checksumTerms({ source: pool, target: pool }, { sourceTable: source, targetTable: target }, COLUMNS);

async function checksumOf(rows: string[], amount?: string): Promise<string> {
  const table = await tableOf(rows, amount);
  const { rows: result } = await pool.query<{ checksum: string }>(checksumSql(table, await termsOf(table, table)));
  return result[0]!.checksum;
}

test('row order does not change the checksum', async () => {
  expect(await checksumOf([BASE[2]!, BASE[0]!, BASE[1]!])).toBe(await checksumOf(BASE));
});

test.each([
  ['a value swapped between two rows', [BASE[0]!.replace('10,', '11,'), BASE[1]!.replace('11,', '10,'), BASE[2]!]],
  ['two values swapped between columns', [BASE[0]!.replace('10, 20', '20, 10'), BASE[1]!, BASE[2]!]],
  ['a NULL for a value', [BASE[0]!, BASE[1]!.replace("'y'", 'null'), BASE[2]!]],
  ['a value for a NULL', [BASE[0]!, BASE[1]!, BASE[2]!.replace('12, null', '12, 0')]],
  ['numeric scale (prints differently)', [BASE[0]!.replace('1.50', '1.5'), BASE[1]!, BASE[2]!]],
  ['a timestamp off by a microsecond', [BASE[0]!.replace('10:00+00', '10:00:00.000001+00'), BASE[1]!, BASE[2]!]],
  ['a row twice', [...BASE, BASE[0]!]],
])('%s changes the checksum', async (_difference, rows) => {
  expect(await checksumOf(rows)).not.toBe(await checksumOf(BASE));
});

describe('a numeric column with a declared scale', () => {
  test('is hashed as its value when both sides declare the same precision and scale, else as its text', async () => {
    const [fixed, same, wider] = await Promise.all([
      tableOf(BASE, 'numeric(5,2)'),
      tableOf(BASE, 'numeric(5,2)'),
      tableOf(BASE, 'numeric(6,2)'),
    ]);
    expect((await termsOf(fixed, same))[6]).toContain('hash_numeric_extended');
    expect((await termsOf(fixed, wider))[6]).toContain('hashtextextended');
    expect((await termsOf(fixed, await tableOf(BASE)))[6]).toContain('hashtextextended');
  });

  test('a value off by a cent changes the checksum; a value written with fewer digits is stored alike', async () => {
    const base = await checksumOf(BASE, 'numeric(5,2)');
    expect(await checksumOf([BASE[0]!.replace('1.50', '1.51'), BASE[1]!, BASE[2]!], 'numeric(5,2)')).not.toBe(base);
    expect(await checksumOf([BASE[0]!.replace('1.50', '1.5'), BASE[1]!, BASE[2]!], 'numeric(5,2)')).toBe(base);
  });
});

test('summed up by key range over a table with statistics, the checksum hashes its 1024 groups whatever the work_mem: no row sorted on disk', async () => {
  const table = `t_${Math.random().toString(36).slice(2)}`;
  await pool.query(
    `create table ${table} as select g as id, g % 97 as a, g % 89 as b, 'row ' || g as note,
            timestamptz '2026-01-01' + g * interval '1 second' as at, g % 2 = 0 as flag, (g % 1000) / 100.0 as amount
       from generate_series(1, 300000) g;
     analyze ${table}`,
  );
  const [source, target] = await Promise.all([pool.connect(), pool.connect()]);
  try {
    await target.query('begin');
    // a server's work_mem too small for the planner's estimate of groups (one per key): it would sort every row
    await target.query(`set local work_mem = '64kB'`);
    await target.query('set local temp_file_limit = 0'); // a sort spilled to disk fails the query
    const tables = { label: table, sourceTable: table, targetTable: table, columns: COLUMNS };
    const verified = await verifyCopy(
      { source, target },
      { ...tables, keyPrints: await keyLayout(target, table, ['id']) },
    );
    expect(verified.rows).toBe(300_000);
    expect(verified.keyPrints?.size).toBe(1024);
  } finally {
    await target.query('rollback');
    source.release();
    target.release();
  }
});
