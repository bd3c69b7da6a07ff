// The key comparison against the target's recorded key ranges: only the source's keys are read, in two
// halves at once, both in the source's one snapshot (real Postgres).
import type pg from 'pg';
import { diffKeys, type KeySide } from '../../../activities/migration/key-merge';
import { openSourceTwin } from '../../../activities/migration/source-twin';
import { freshDatabase } from '../../support/stack';

let pool: pg.Pool;

beforeAll(async () => {
  pool = await freshDatabase('key_ranges');
  await pool.query(`
    create table source (id int primary key);
    create table target (id int primary key);
    insert into source select g from generate_series(1, 100000) g;
    insert into target select id from source;`);
});

afterAll(() => pool.end());

/** Runs `work` with a client in a REPEATABLE READ transaction whose snapshot is already taken. */
async function inSnapshot<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('begin isolation level repeatable read, read only; select 1');
    return await work(db);
  } finally {
    await db.query('rollback');
    db.release();
  }
}

test("the source's halves read its snapshot, and find what differs from the recorded target", async () => {
  const recorded = await inSnapshot((db) => diffKeys({ db, table: 'source' }, { db, table: 'target' }, ['id']));
  expect(recorded).toMatchObject({ targetRead: true, sourceOnlyCount: 0, targetOnlyCount: 0 });
  await pool.query('delete from source where id in (500, 90000); insert into source values (100001)');

  let twins = 0;
  const difference = await inSnapshot(async (db) => {
    // committed after the snapshot: neither half may see it
    await pool.query('delete from source where id = 70000');
    const source: KeySide = { db, table: 'source', twin: () => (twins++, openSourceTwin(pool, db)) };
    return diffKeys(source, { db, table: 'target' }, ['id'], { knownTarget: recorded.sourceSummary });
  });

  expect(twins).toBe(1);
  expect(difference).toMatchObject({ targetRead: false, sourceOnly: [[100001]], targetOnly: [[500], [90000]] });
  expect(difference.ranges!.ranges).toHaveLength(3); // 70000's range is not among them
  expect(difference.sourceSummary).toMatchObject({ count: 99999 });
});
