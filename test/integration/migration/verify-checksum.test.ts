// The verify checksum (verify.ts) over tables that differ in the ways a faulty copy would: each
// difference changes it, the row order does not.
import pg from 'pg';
import { checksumSql, checksumTerms } from '../../../activities/migration/verify';
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

async function checksumOf(rows: string[]): Promise<string> {
  const table = `t_${Math.random().toString(36).slice(2)}`;
  await pool.query(
    `create table ${table} (id int, a int, b int, note text, at timestamptz, flag bool, amount numeric);
     insert into ${table} values ${rows.join(', ')}`,
  );
  const terms = await checksumTerms(
    { source: pool, target: pool },
    { sourceTable: table, targetTable: table },
    COLUMNS,
  );
  const { rows: result } = await pool.query<{ checksum: string }>(checksumSql(table, terms));
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
