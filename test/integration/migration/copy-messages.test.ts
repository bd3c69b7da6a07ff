// streamCopy passes the source's CopyData messages to the target as they are (copy-frames.ts): rows of
// any size and format arrive whole, progress counts rows, and an error on either side ends the copy
// with that side's message and leaves both connections usable.
import pg from 'pg';
import { streamCopy, type CopyCounts } from '../../../activities/migration/copy-stream';
import type { CopyFormat } from '../../../activities/migration/copy-format';
import { freshDatabase } from '../../support/stack';

const ROWS = 20_000;
const BIG_ROW = 5_000; // carries a 3 MB value: one message over many socket reads
const BIG_BYTES = 3 * 1024 * 1024;

let pool: pg.Pool;
let source: pg.PoolClient;
let target: pg.PoolClient;

beforeAll(async () => {
  pool = await freshDatabase('copy_messages');
  await pool.query(`
    create table origin (id int primary key, note text, blob bytea, at timestamptz);
    insert into origin
    select n,
           case when n % 7 = 0 then null else 'line ' || n || E'\\nwith a tab\\tand ä' end,
           case when n = ${BIG_ROW} then decode(repeat('ab', ${BIG_BYTES}), 'hex') else int4send(n) end,
           timestamptz '2026-01-01 00:00:00+00' + n * interval '1 minute'
      from generate_series(1, ${ROWS}) n;
    create table copied (id int primary key check (id <> ${ROWS + 1}), note text, blob bytea, at timestamptz);`);
  source = await pool.connect();
  target = await pool.connect();
});

afterAll(async () => {
  source.release();
  target.release();
  await pool.end();
});

beforeEach(() => target.query('truncate copied'));

const withOptions = (format: CopyFormat) => (format === 'binary' ? ' with (format binary)' : '');

async function copy(format: CopyFormat, select = 'select * from origin') {
  const progress: CopyCounts[] = [];
  const counts = await streamCopy({
    source,
    copyOut: `copy (${select}) to stdout${withOptions(format)}`,
    target,
    copyIn: `copy copied from stdin${withOptions(format)}`,
    format,
    onChunk: (at) => progress.push(at),
  });
  return { counts, progress };
}

const fingerprint = async (table: string) =>
  (
    await pool.query<{ rows: number; sum: string }>(
      `select count(*)::int as rows, sum(hash_record_extended(row(t.*), 0))::text as sum from ${table} t`,
    )
  ).rows[0];

describe.each<CopyFormat>(['binary', 'text'])('streamCopy, %s', (format) => {
  test('every row arrives whole, the large one too, and progress counts the rows', async () => {
    const { counts, progress } = await copy(format);
    expect(counts.rows).toBe(ROWS);
    expect(await fingerprint('copied')).toEqual(await fingerprint('origin'));
    const last = progress.at(-1)!;
    expect(last.rows).toBe(ROWS);
    expect(last.bytes).toBe(counts.bytes);
    expect(counts.bytes).toBeGreaterThan(BIG_BYTES);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.map((at) => at.rows)).toEqual([...progress.map((at) => at.rows)].sort((a, b) => a - b));
  });

  test('a source error mid-copy fails it with the source message; both connections stay usable', async () => {
    await target.query('begin');
    await expect(
      copy(format, `select id, note, blob, at + interval '1 day' * (1 / (id - 12000)) from origin`),
    ).rejects.toThrow('division by zero');
    await target.query('rollback');
    expect((await source.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect((await target.query('select count(*)::int as n from copied')).rows).toEqual([{ n: 0 }]);
  });

  test('a target error mid-copy fails it with the target message', async () => {
    const client = await pool.connect(); // the source side is left mid-COPY: not reused
    try {
      const failing = streamCopy({
        source: client,
        copyOut: `copy (select n as id, null, null, null from generate_series(1, ${ROWS * 2}) n) to stdout${withOptions(format)}`,
        target,
        copyIn: `copy copied from stdin${withOptions(format)}`,
        format,
      });
      await expect(failing).rejects.toThrow('violates check constraint "copied_id_check"');
      expect((await target.query('select count(*)::int as n from copied')).rows).toEqual([{ n: 0 }]);
    } finally {
      client.release(true);
    }
  });
});
