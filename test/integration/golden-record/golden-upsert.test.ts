import type { Db } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../../common/env';
import { GOLDEN_RECORD_VIEWS } from '../../../activities/golden-record/views';
import { planBatch } from '../../../activities/golden-record/batch-plan';
import { writeBatch } from '../../../activities/golden-record/batch-writer';
import { goldenCollections, readFreshness } from '../../../activities/golden-record/golden-collections';
import type { UpsertGoldenRecordsOptions, UpsertProgress } from '../../../activities/golden-record/upsert';
import { GOLDEN_RECORD_COLLECTION, QUARANTINE_COLLECTION } from '../../../activities/golden-record/collections';
import {
  goldenRecordSchema,
  type GoldenRecord,
  type StoredGoldenRecord,
} from '../../../activities/golden-record/document';
import { documentHash } from '../../../activities/golden-record/document-hash';
import { openGoldenStore, type GoldenStore } from '../../support/golden-store';

const VIEWS = [...GOLDEN_RECORD_VIEWS];
const FIRST_RUN = new Date('2026-03-01T06:00:00Z');
const SECOND_RUN = new Date('2026-03-02T06:00:00Z');

let store: GoldenStore;
let env: Env;
let target: pg.Pool;
let customerCount: number;

const freshMongo = (name: string) => store.freshMongo(name);
const refreshViews = () => store.refreshViews();
const upsert = (mongo: Db, options: Partial<UpsertGoldenRecordsOptions> = {}) => store.upsert(mongo, options);
const sqlValue = <T>(sql: string, params: unknown[] = []) => store.sqlValue<T>(sql, params);

const records = (mongo: Db) => mongo.collection<StoredGoldenRecord>(GOLDEN_RECORD_COLLECTION);

async function hashesById(mongo: Db): Promise<Map<number, string>> {
  const docs = await records(mongo)
    .find({}, { projection: { data_hash: 1 } })
    .toArray();
  return new Map(docs.map((doc) => [doc._id, doc.data_hash]));
}

/** Runs fn with pg's global parsers broken: the upsert must read through parsers of its own queries. */
async function withGlobalParsersBroken<T>(fn: () => Promise<T>): Promise<T> {
  const oids = [1114, 1700, 20];
  const saved = oids.map((oid) => pg.types.getTypeParser(oid, 'text'));
  for (const oid of oids) pg.types.setTypeParser(oid, () => 'global parser');
  try {
    return await fn();
  } finally {
    oids.forEach((oid, i) => pg.types.setTypeParser(oid, saved[i]!));
  }
}

beforeAll(async () => {
  store = await openGoldenStore('golden_upsert', FIRST_RUN);
  ({ env, target } = store);
  customerCount = Number(await sqlValue<string>('select count(*) as value from dvd_rental.customer'));
});

afterAll(() => store?.close());

describe('golden-record upsert on dvd_rental', () => {
  test('writes one valid document per customer, as dvd_rental says, with lineage and UTC dates', async () => {
    const mongo = await freshMongo('first');
    const started = Date.now();
    const summary = await withGlobalParsersBroken(() => upsert(mongo));
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `golden-record upsert: ${summary.read} documents in ${seconds.toFixed(2)} s (${Math.round(summary.read / seconds)} docs/s)`,
    );

    expect(summary).toEqual({
      pass: 'full',
      fullPassReason: 'no state recorded (first run, or the state was removed)',
      read: customerCount,
      built: customerCount,
      stateRead: 0,
      documentsRead: 0,
      inserted: customerCount,
      updated: 0,
      unchanged: 0,
      quarantined: 0,
      markedMissing: 0,
      lastCustomerId: 599,
    });
    expect(customerCount).toBe(599);
    const docs = await records(mongo).find({}).toArray();
    expect(docs).toHaveLength(customerCount);
    for (const doc of docs) {
      expect(goldenRecordSchema.safeParse(doc).success).toBe(true);
      expect(doc.data_hash).toBe(documentHash(doc));
      expect(doc.is_current).toBe(true);
    }
    for (const id of [1, 5, 148, 318, 599]) await expectLikeDvdRental(docs.find((doc) => doc._id === id)!);
  });

  test('a second run with no source change writes nothing; the run is recorded as freshness', async () => {
    const mongo = await freshMongo('rerun');
    await upsert(mongo);
    const before = await records(mongo).find({}).sort({ _id: 1 }).toArray();

    const summary = await upsert(mongo, { consolidationDate: SECOND_RUN });

    expect(summary).toMatchObject({
      read: customerCount,
      inserted: 0,
      updated: 0,
      unchanged: customerCount,
      quarantined: 0,
      markedMissing: 0,
    });
    expect(await records(mongo).find({}).sort({ _id: 1 }).toArray()).toEqual(before);
    const freshness = await readFreshness(mongo);
    expect(freshness?.last_consolidation_date).toEqual(SECOND_RUN);
    expect(Object.keys(freshness?.views ?? {})).toEqual(VIEWS);
    expect(freshness?.views.customers_mv?.last_refresh_date).toBeInstanceOf(Date);
    const indexes = (await records(mongo).indexes()).map((index) => index.key);
    expect(indexes).toEqual(expect.arrayContaining([{ first_name: 1, last_name: 1 }, { email: 1 }, { phone: 1 }]));
    expect(indexes).toHaveLength(4);
  });

  test('batches of 50: onBatch once per batch, never more than 50 rows read in between', async () => {
    const mongo = await freshMongo('batches');
    const progress: UpsertProgress[] = [];
    const summary = await upsert(mongo, { batchSize: 50, onBatch: (p) => progress.push(p) });

    expect(progress).toHaveLength(Math.ceil(customerCount / 50));
    const steps = progress.map((p, i) => p.read - (progress[i - 1]?.read ?? 0));
    expect(Math.max(...steps)).toBeLessThanOrEqual(50);
    expect(steps.slice(0, -1).every((step) => step === 50)).toBe(true);
    expect(progress.at(-1)).toEqual({
      pass: 'full',
      fullPassReason: 'no state recorded (first run, or the state was removed)',
      intoEmpty: true,
      stateEntries: customerCount,
      lastCustomerId: 599,
      read: customerCount,
      written: customerCount,
      unchanged: 0,
      quarantined: 0,
    });
    expect(progress.map((p) => p.lastCustomerId)).toEqual(
      [...progress.map((p) => p.lastCustomerId)].sort((a, b) => a - b),
    );
    expect(summary.read).toBe(customerCount);
  });

  test('resumeAfterCustomerId skips the first customers; an interrupted run resumed ends like a whole one', async () => {
    const skipped = await freshMongo('resume_skip');
    const resumed = await upsert(skipped, { batchSize: 100, resumeAfterCustomerId: 100 });
    expect(resumed).toMatchObject({ read: customerCount - 100, inserted: customerCount - 100, lastCustomerId: 599 });
    expect(await records(skipped).countDocuments({ _id: { $lte: 100 } })).toBe(0);

    const reference = await freshMongo('resume_reference');
    await upsert(reference);
    const crashed = await freshMongo('resume_crash');
    let heartbeat = 0;
    const crash = (p: UpsertProgress) => {
      if (p.lastCustomerId > 100) throw new Error('worker lost'); // batch 101..200 written, not heartbeated
      heartbeat = p.lastCustomerId;
    };
    await expect(upsert(crashed, { batchSize: 100, onBatch: crash })).rejects.toThrow('worker lost');
    const retry = await upsert(crashed, { batchSize: 100, resumeAfterCustomerId: heartbeat });

    expect(heartbeat).toBe(100);
    expect(retry).toMatchObject({
      read: customerCount - 100,
      inserted: customerCount - 200,
      unchanged: 100,
      updated: 0,
    });
    expect(await records(crashed).countDocuments()).toBe(customerCount);
    expect(await hashesById(crashed)).toEqual(await hashesById(reference));
  });

  test('an insert whose _id exists after all (written after the plan read the collection) falls back to the upsert', async () => {
    const reference = await freshMongo('late_reference');
    await upsert(reference);
    const byId = async (id: number) => (await records(reference).findOne({ _id: id }))!;
    const hashed = async (id: number) => {
      const stored = await byId(id);
      const record = Object.fromEntries(
        Object.entries(stored).filter(([key]) => key !== 'data_hash' && key !== 'is_current'),
      );
      return { record: record as GoldenRecord, hash: stored.data_hash };
    };
    const raced = await freshMongo('late_writer');
    await records(raced).insertMany([
      { ...(await byId(150)), first_name: 'stale', data_hash: 'stale' },
      await byId(160),
    ]);
    const plan = { ...planBatch([], [], []), inserts: await Promise.all([150, 160, 170].map(hashed)) };

    const outcome = await writeBatch(goldenCollections(raced), plan, FIRST_RUN);

    expect(outcome).toEqual({ inserted: 1, updated: 1, unchanged: 1, markedMissing: 0 });
    for (const id of [150, 160, 170]) expect(await records(raced).findOne({ _id: id })).toEqual(await byId(id));
    expect(await records(raced).countDocuments()).toBe(3);
  });
});

describe('golden-record upsert after source changes', () => {
  // Customer 33 sits inside the first batch; 599, once deleted, falls in the open range after the last one.
  const BATCH = 200;
  let mongo: Db;

  beforeAll(async () => {
    // Unreturned rentals count days up to the refresh time: returned ones keep every refresh's data equal.
    await target.query(
      `update dvd_rental.rental set return_date = rental_date + interval '3 days' where return_date is null`,
    );
    await refreshViews();
    mongo = await freshMongo('changes');
    await upsert(mongo, { batchSize: BATCH });
  });

  const rerun = async () => {
    await refreshViews();
    return upsert(mongo, { batchSize: BATCH, consolidationDate: SECOND_RUN });
  };

  test('a changed payment changes exactly its customer document', async () => {
    const rentalId = await sqlValue<number>(
      `select rental_id as value from dvd_rental.rental r where customer_id = 11
          and exists (select from dvd_rental.payment p where p.rental_id = r.rental_id)
        order by rental_date desc, rental_id desc limit 1`,
    );
    const hashes = await hashesById(mongo);
    const before = (await records(mongo).findOne({ _id: 11 }))!;
    await target.query(
      'update dvd_rental.payment set amount = amount + 1 where payment_id = (select min(payment_id) from dvd_rental.payment where rental_id = $1)',
      [rentalId],
    );

    const summary = await rerun();

    expect(summary).toMatchObject({ inserted: 0, updated: 1, unchanged: customerCount - 1, quarantined: 0 });
    const after = await hashesById(mongo);
    expect([...after].filter(([id, hash]) => hashes.get(id) !== hash).map(([id]) => id)).toEqual([11]);
    const doc = (await records(mongo).findOne({ _id: 11 }))!;
    const rental = doc.last_ten_rentals.find((r) => r._id === rentalId)!;
    expect(rental.amount).toBeCloseTo(before.last_ten_rentals.find((r) => r._id === rentalId)!.amount + 1, 2);
    expect(doc.lifetime_value).toBeCloseTo(before.lifetime_value + 1, 2);
    expect(doc.last_consolidation_date).toEqual(SECOND_RUN);
    expect((await records(mongo).findOne({ _id: 12 }))?.last_consolidation_date).toEqual(FIRST_RUN);
  });

  test('a document that breaks the schema is quarantined with its reason, counted, and released once fixed', async () => {
    const quarantine = mongo.collection(QUARANTINE_COLLECTION);
    const goodEmail = await sqlValue<string>('select email as value from dvd_rental.customer where customer_id = 22');
    await target.query(`update dvd_rental.customer set email = 'not-an-email' where customer_id = 22`);

    const summary = await rerun();
    expect(summary).toMatchObject({ quarantined: 1, updated: 0, inserted: 0, unchanged: customerCount - 1 });
    const entry = await quarantine.findOne({ _id: 22 as never });
    expect(entry?.reasons).toEqual([{ path: 'email', message: expect.stringMatching(/email/i) }]);
    expect(entry?.document).toMatchObject({ _id: 22, email: 'not-an-email' });
    expect((await records(mongo).findOne({ _id: 22 }))?.email).toBe(goodEmail);
    expect(await quarantine.countDocuments()).toBe(1);
    expect(await rerun()).toMatchObject({ quarantined: 1, updated: 0 });

    await target.query('update dvd_rental.customer set email = $1 where customer_id = 22', [goodEmail]);
    expect(await rerun()).toMatchObject({ quarantined: 0, updated: 0, unchanged: customerCount });
    expect(await quarantine.countDocuments()).toBe(0);
  });

  test('customers deleted from dvd_rental are marked not current, not deleted, and restored when back', async () => {
    const {
      rows: [customer33],
    } = await target.query('select * from dvd_rental.customer where customer_id = 33');
    for (const id of [33, 599]) {
      await target.query(
        'delete from dvd_rental.payment where customer_id = $1 or rental_id in (select rental_id from dvd_rental.rental where customer_id = $1)',
        [id],
      );
      await target.query('delete from dvd_rental.rental where customer_id = $1', [id]);
      await target.query('delete from dvd_rental.customer where customer_id = $1', [id]);
    }

    const summary = await rerun();
    expect(summary).toMatchObject({
      read: customerCount - 2,
      markedMissing: 2,
      updated: 0,
      unchanged: customerCount - 2,
    });
    expect(await records(mongo).countDocuments()).toBe(customerCount);
    const gone = await records(mongo).find({ is_current: false }).toArray();
    expect(gone.map((doc) => [doc._id, doc.missing_since])).toEqual([
      [33, SECOND_RUN],
      [599, SECOND_RUN],
    ]);
    expect(await rerun()).toMatchObject({ markedMissing: 0, updated: 0 });

    const columns = Object.keys(customer33).map((c) => pg.escapeIdentifier(c));
    await target.query(
      `insert into dvd_rental.customer (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(customer33),
    );
    expect(await rerun()).toMatchObject({ updated: 1, markedMissing: 0 });
    const back = (await records(mongo).findOne({ _id: 33 }))!;
    expect(back).toMatchObject({
      is_current: true,
      total_rental_count: 0,
      lifetime_value: 0,
      overdue_score: null,
      last_payment: null,
      last_ten_rentals: [],
    });
    expect(back).not.toHaveProperty('missing_since');
  });
});

/** Checks one document against dvd_rental itself (not the views), field by field. */
async function expectLikeDvdRental(doc: StoredGoldenRecord): Promise<void> {
  const {
    rows: [customer],
  } = await target.query(
    `select c.first_name, c.last_name, c.email, c.activebool, st.first_name || ' ' || st.last_name as manager
       from dvd_rental.customer c join dvd_rental.store s on s.store_id = c.store_id
       join dvd_rental.staff st on st.staff_id = s.manager_staff_id where c.customer_id = $1`,
    [doc._id],
  );
  expect(doc).toMatchObject({
    first_name: customer.first_name,
    last_name: customer.last_name,
    email: customer.email,
    is_active: customer.activebool,
    assistant_name: customer.manager,
  });
  expect(doc).not.toHaveProperty('assistant_last_name');

  const { rows: rentals } = await target.query(
    `select rental_id, (extract(epoch from rental_date) * 1000)::float8 as ms from dvd_rental.rental
      where customer_id = $1 order by rental_date desc, rental_id desc limit 10`,
    [doc._id],
  );
  expect(doc.last_ten_rentals.map((r) => r._id)).toEqual(rentals.map((r) => r.rental_id));
  expect(doc.last_ten_rentals.map((r) => r.rental_date.getTime())).toEqual(rentals.map((r) => r.ms));
  for (const rental of doc.last_ten_rentals) {
    expect(rental).not.toHaveProperty('customer_id');
    expect(rental).not.toHaveProperty('last_refresh_date');
    expect(typeof rental.amount).toBe('number');
  }

  const lifetime = await sqlValue<string>(
    `select sum(coalesce((select sum(p.amount) from dvd_rental.payment p where p.rental_id = r.rental_id), f.rental_rate)) as value
       from dvd_rental.rental r join dvd_rental.inventory i on i.inventory_id = r.inventory_id
       join dvd_rental.film f on f.film_id = i.film_id where r.customer_id = $1`,
    [doc._id],
  );
  expect(doc.lifetime_value).toBeCloseTo(Number(lifetime), 2);
  expect(doc.total_rental_count).toBe(
    Number(await sqlValue<string>('select count(*) as value from dvd_rental.rental where customer_id = $1', [doc._id])),
  );
  expect(doc.last_rental_date).toBeInstanceOf(Date);
  expect(doc.last_consolidation_date).toEqual(FIRST_RUN);

  const url = new URL(env.TARGET_DATABASE_URL);
  expect(doc.sources.map((s) => s.path)).toEqual(
    VIEWS.map((view) => `postgres://${url.host}${url.pathname}/v_dvd_rental/${view}`),
  );
  expect(JSON.stringify(doc.sources)).not.toContain(`${url.username}:${url.password}@`);
  for (const [i, source] of doc.sources.entries()) {
    const refreshedMs = await sqlValue<number>(
      `select (extract(epoch from max(last_refresh_date)) * 1000)::float8 as value from v_dvd_rental.${VIEWS[i]}`,
    );
    expect(source.last_refresh_date?.getTime()).toBe(Math.floor(refreshedMs));
  }
}
