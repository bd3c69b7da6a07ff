// The local MongoDB-wire server is FerretDB 1.24.2 built with stack/ferretdb/ferretdb-1.24.2.patch. These
// are the three defects the patch fixes, seen from the driver: on real MongoDB they hold as well.
import { MongoClient, type Collection, type Db } from 'mongodb';
import { GOLDEN_RECORD_INDEXES } from '../../../activities/golden-record/golden-collections';
import { testEnv } from '../../support/stack';

type Doc = { _id: number; first_name: string; last_name: string; email: string; phone: string; touched?: number };

const UPSERTS = 500;
const ROUNDS = 4;
const SMALL = 2_000;
const LARGE = 20_000;

let client: MongoClient;
let db: Db;

const doc = (id: number): Doc => ({
  _id: id,
  first_name: `first ${id % 977}`,
  last_name: `last ${id}`,
  email: `customer${id}@example.org`,
  phone: String(100_000_000 + id),
});

async function fill(collection: Collection<Doc>, from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, to - start + 1) }, (_, i) => start + i);
    await collection.insertMany(ids.map(doc), { ordered: false });
  }
}

/** Spread over the whole collection: the first, the last and evenly in between. */
const spreadIds = (size: number) =>
  Array.from({ length: UPSERTS }, (_, i) => 1 + Math.floor((i * (size - 1)) / (UPSERTS - 1)));

/** One unordered bulk of $set upserts by _id spread over the collection, every one matching a document. */
async function upsertSeconds(collection: Collection<Doc>, size: number, round: number): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await collection.bulkWrite(
    spreadIds(size).map((_id) => ({
      updateOne: { filter: { _id }, update: { $set: { touched: round } }, upsert: true },
    })),
    { ordered: false },
  );
  expect(result).toMatchObject({ matchedCount: UPSERTS, modifiedCount: UPSERTS, upsertedCount: 0 });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function indexedCollection(name: string, size: number): Promise<Collection<Doc>> {
  const collection = db.collection<Doc>(name);
  await collection.createIndexes(GOLDEN_RECORD_INDEXES.map(({ key, name }) => ({ key: { ...key }, name })));
  await fill(collection, 1, size);
  return collection;
}

beforeAll(async () => {
  client = await new MongoClient(testEnv().MONGODB_URI, { serverSelectionTimeoutMS: 5000 }).connect();
  db = client.db('ferretdb_patch');
  await db.dropDatabase();
});

afterAll(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await client?.close();
});

describe('the patched FerretDB', () => {
  test('an upsert by _id costs about the same in a 2k and a 20k collection (ratio under 2x)', async () => {
    const small = await indexedCollection('upsert_small', SMALL);
    const large = await indexedCollection('upsert_large', LARGE);
    // Alternating rounds, the best of each size: a busy machine slows both alike.
    const best = { small: Infinity, large: Infinity };
    for (let round = 1; round <= ROUNDS; round++) {
      best.small = Math.min(best.small, await upsertSeconds(small, SMALL, round));
      best.large = Math.min(best.large, await upsertSeconds(large, LARGE, round));
    }

    const ratio = best.large / best.small;
    console.log(
      `${UPSERTS} upserts by _id: ${best.small.toFixed(3)} s at ${SMALL} documents, ${best.large.toFixed(3)} s at ${LARGE} (ratio ${ratio.toFixed(2)})`,
    );
    expect(ratio).toBeLessThan(2);
    expect(await large.countDocuments({ touched: ROUNDS })).toBe(UPSERTS);
  });

  test('a bulk of more than 50 updates matching existing documents completes (no pool exhaustion)', async () => {
    const collection = db.collection<Doc>('many_matching');
    await fill(collection, 1, 500);
    const result = await collection.bulkWrite(
      Array.from({ length: 500 }, (_, i) => ({
        updateOne: { filter: { _id: i + 1 }, update: { $set: { touched: 1 } }, upsert: true },
      })),
      { ordered: false },
    );
    expect(result).toMatchObject({ matchedCount: 500, modifiedCount: 500, upsertedCount: 0 });
  });

  test('createIndexes of several indexes that all exist is a no-op, not a dropped connection', async () => {
    const collection = db.collection<Doc>('indexes');
    const specs = GOLDEN_RECORD_INDEXES.map(({ key, name }) => ({ key: { ...key }, name }));
    await collection.createIndexes(specs);
    await expect(collection.createIndexes(specs)).resolves.toEqual(specs.map(({ name }) => name));
    await expect(collection.createIndexes([...specs, { key: { last_name: 1 }, name: 'last_name_1' }])).resolves.toEqual(
      [...specs.map(({ name }) => name), 'last_name_1'],
    );
    expect((await collection.indexes()).map(({ name }) => name).sort()).toEqual(
      ['_id_', 'last_name_1', ...specs.map(({ name }) => name)].sort(),
    );
  });

  test('_id equality still matches by value across number types, and strings by exact value', async () => {
    const collection = db.collection<{ _id: number | string; v: string }>('id_types');
    await collection.insertMany([
      { _id: 7, v: 'int' },
      { _id: '7', v: 'string' },
      { _id: 8.5, v: 'double' },
    ]);
    expect((await collection.findOne({ _id: 7.0 }))?.v).toBe('int');
    expect((await collection.findOne({ _id: '7' }))?.v).toBe('string');
    expect((await collection.findOne({ _id: { $eq: 8.5 } }))?.v).toBe('double');
    expect(await collection.findOne({ _id: 9 })).toBeNull();
  });
});
