// Cheap unchanged reruns: the compact state decides which customers changed, before any document leaves
// Postgres; a state that disagrees with the store is detected and replaced by a full pass.
import type { Db } from 'mongodb';
import { GOLDEN_RECORD_COLLECTION, QUARANTINE_COLLECTION } from '../../../activities/golden-record/collections';
import type { StoredGoldenRecord } from '../../../activities/golden-record/document';
import { STATE_SAMPLE_SIZE } from '../../../activities/golden-record/state-check';
import { STATE_META_ID } from '../../../activities/golden-record/collections';
import { GOLDEN_RECORD_META_COLLECTION } from '../../../activities/golden-record/collections';
import { STATE_META_TABLE, STATE_TABLE } from '../../../activities/golden-record/state';
import { storageFingerprint } from '../../support/ferretdb-storage';
import { openGoldenStore, type GoldenStore } from '../../support/golden-store';

const FIRST_RUN = new Date('2026-04-01T06:00:00Z');
const RERUN = new Date('2026-04-02T06:00:00Z');

let store: GoldenStore;
let customers: number;

const records = (mongo: Db) => mongo.collection<StoredGoldenRecord>(GOLDEN_RECORD_COLLECTION);

/** Everything a run leaves that is not a per-run time: documents' data and currency, quarantine, state. */
async function contents(mongo: Db) {
  const docs = await records(mongo)
    .find({}, { projection: { data_hash: 1, is_current: 1 } })
    .toArray();
  const quarantine = await mongo
    .collection(QUARANTINE_COLLECTION)
    .find({}, { projection: { data_hash: 1 } })
    .toArray();
  const { rows: state } = await store.target.query(
    `select customer_id as _id, h, d, q from ${STATE_TABLE} where store = $1 order by customer_id`,
    [mongo.databaseName],
  );
  const byId = <T extends { _id: unknown }>(rows: T[]) => rows.sort((a, b) => Number(a._id) - Number(b._id));
  return { docs: byId(docs), quarantine: byId(quarantine), state: byId(state) };
}

beforeAll(async () => {
  store = await openGoldenStore('golden_state', FIRST_RUN);
  // Unreturned rentals count days up to the refresh time: returned ones keep every refresh's data equal.
  await store.target.query(
    `update dvd_rental.rental set return_date = rental_date + interval '3 days' where return_date is null`,
  );
  await store.refreshViews();
  customers = Number(await store.sqlValue<string>('select count(*) as value from v_dvd_rental.customers_mv'));
});

afterAll(() => store?.close());

describe('golden-record reruns with the compact state', () => {
  let mongo: Db;

  beforeAll(async () => {
    mongo = await store.freshMongo('incremental');
    await store.upsert(mongo);
  });

  test('an unchanged rerun after a refresh leaves nothing but the sample the database, builds and writes nothing', async () => {
    const refreshedBefore = await store.sqlValue<Date>(
      'select max(last_refresh_date) as value from v_dvd_rental.customers_mv',
    );
    const before = await records(mongo).find({}).sort({ _id: 1 }).toArray();
    // A source column no view reads, and last_refresh_date (moved by the refresh): no document is built from them.
    await store.target.query(`update dvd_rental.customer set last_update = now() where customer_id = 42`);
    await store.refreshViews();
    expect(
      await store.sqlValue<Date>('select max(last_refresh_date) as value from v_dvd_rental.customers_mv'),
    ).not.toEqual(refreshedBefore);
    const stored = [GOLDEN_RECORD_COLLECTION, QUARANTINE_COLLECTION];
    const storageBefore = await storageFingerprint(store.env, mongo.databaseName, stored);

    const summary = await store.upsert(mongo, { consolidationDate: RERUN });

    expect(summary).toEqual({
      pass: 'incremental',
      read: customers,
      built: 0,
      stateRead: 0,
      documentsRead: STATE_SAMPLE_SIZE,
      inserted: 0,
      updated: 0,
      unchanged: customers,
      quarantined: 0,
      markedMissing: 0,
      lastCustomerId: 599,
    });
    expect(await records(mongo).find({}).sort({ _id: 1 }).toArray()).toEqual(before);
    // The server's side: not one row version of the documents' or quarantine's storage is new.
    expect(await storageFingerprint(store.env, mongo.databaseName, stored)).toEqual(storageBefore);
    expect(storageBefore[GOLDEN_RECORD_COLLECTION]).toHaveLength(customers);
  });

  test('one changed rental changes exactly its customer document', async () => {
    const before = await contents(mongo);
    const rentalId = await store.sqlValue<number>(
      `select rental_id as value from dvd_rental.rental where customer_id = 42 order by rental_date desc, rental_id desc limit 1`,
    );
    await store.target.query(
      `update dvd_rental.rental set return_date = return_date + interval '1 day' where rental_id = $1`,
      [rentalId],
    );
    await store.refreshViews();

    const summary = await store.upsert(mongo, { consolidationDate: RERUN });

    expect(summary).toMatchObject({
      pass: 'incremental',
      built: 1,
      stateRead: 1,
      updated: 1,
      inserted: 0,
      unchanged: customers - 1,
    });
    const after = await contents(mongo);
    const changed = after.docs.filter((doc, i) => doc.data_hash !== before.docs[i]!.data_hash).map((doc) => doc._id);
    expect(changed).toEqual([42]);
    const doc = (await records(mongo).findOne({ _id: 42 }))!;
    expect(doc.last_ten_rentals.find((r) => r._id === rentalId)).toBeDefined();
    expect(doc.last_consolidation_date).toEqual(RERUN);
    expect((await records(mongo).findOne({ _id: 43 }))?.last_consolidation_date).toEqual(FIRST_RUN);
  });
});

describe('a state that disagrees with the store', () => {
  let clean: Awaited<ReturnType<typeof contents>>;

  beforeAll(async () => {
    const reference = await store.freshMongo('clean');
    await store.upsert(reference, { consolidationDate: RERUN });
    clean = await contents(reference);
  });

  const brokenThenRerun = async (name: string, breakIt: (mongo: Db) => Promise<unknown>) => {
    const mongo = await store.freshMongo(name);
    await store.upsert(mongo);
    await breakIt(mongo);
    const summary = await store.upsert(mongo, { consolidationDate: RERUN });
    return { mongo, summary };
  };

  const clearState = (db: Db) => store.target.query(`delete from ${STATE_TABLE} where store = $1`, [db.databaseName]);

  test('deleted: detected, a full pass, and the store ends as after a clean run', async () => {
    const { mongo, summary } = await brokenThenRerun('deleted', clearState);

    expect(summary).toMatchObject({
      pass: 'full',
      fullPassReason: `state holds 0 entries, the last complete run left ${customers}`,
      built: customers,
      inserted: 0,
    });
    expect(await contents(mongo)).toEqual(clean);
  });

  test('deleted with its meta row: no state recorded, a full pass, ends clean', async () => {
    const { mongo, summary } = await brokenThenRerun('no_meta', async (db) => {
      await clearState(db);
      await store.target.query(`delete from ${STATE_META_TABLE} where store = $1`, [db.databaseName]);
    });

    expect(summary).toMatchObject({
      pass: 'full',
      fullPassReason: 'no state recorded (first run, or the state was removed)',
      built: customers,
      inserted: 0,
      updated: customers, // the run's consolidation date, into every document
    });
    expect(await contents(mongo)).toEqual(clean);
  });

  test('the store replaced behind the state (its token gone, as after a restore): a full pass, ends clean', async () => {
    const { mongo, summary } = await brokenThenRerun('replaced', async (db) => {
      await db.collection(GOLDEN_RECORD_META_COLLECTION).deleteOne({ _id: STATE_META_ID as never });
      await records(db).deleteMany({ _id: { $lte: 10 } });
    });

    expect(summary.pass).toBe('full');
    expect(summary.fullPassReason).toMatch(/^the store is not the one the state was written for/);
    expect(summary).toMatchObject({ built: customers, inserted: 10 });
    expect(await contents(mongo)).toEqual(clean);
  });

  test('corrupted (entries that no longer match the documents): detected by the sample, a full pass, ends clean', async () => {
    const { mongo, summary } = await brokenThenRerun('corrupted', (db) =>
      store.target.query(`update ${STATE_TABLE} set d = 'not the stored hash' where store = $1`, [db.databaseName]),
    );

    expect(summary.pass).toBe('full');
    expect(summary.fullPassReason).toMatch(/^customer \d+: the state says unchanged, but the stored document is not/);
    expect(summary).toMatchObject({ built: customers, inserted: 0, markedMissing: 0 });
    expect(await contents(mongo)).toEqual(clean);
  });

  test('documents edited by hand behind the state: detected, rewritten by the full pass', async () => {
    const { mongo, summary } = await brokenThenRerun('edited', (db) =>
      records(db).updateMany({}, { $set: { first_name: 'edited', data_hash: 'edited' } }),
    );

    expect(summary.pass).toBe('full');
    expect(summary).toMatchObject({ built: customers, updated: customers });
    expect(await contents(mongo)).toEqual(clean);
  });

  test('a crash between the store write and the state write of a batch: the next run rewrites the same documents', async () => {
    const mongo = await store.freshMongo('crash_window');
    await store.upsert(mongo);
    // The store has the new documents, the state the old hashes: what a worker lost between the two writes leaves.
    await store.target.query(`update ${STATE_TABLE} set h = 'before the crash' where store = $1 and customer_id <= 5`, [
      mongo.databaseName,
    ]);
    const summary = await store.upsert(mongo, { consolidationDate: RERUN });

    expect(summary).toMatchObject({ pass: 'incremental', built: 5, updated: 0, unchanged: customers });
    const rerun = await store.upsert(mongo, { consolidationDate: RERUN });
    expect(rerun).toMatchObject({ pass: 'incremental', built: 0, stateRead: 0 });
  });
});
