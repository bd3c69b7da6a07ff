import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../common/env';
import { GOLDEN_RECORD_COLLECTION } from '../../activities/golden-record/collections';
import { upsertGoldenRecords } from '../../activities/golden-record/upsert';
import { ensureViews, GOLDEN_RECORD_VIEWS } from '../../activities/golden-record/views';
import { freshMigratedPair } from './migrated';

/** The golden-record views refreshed and the documents upserted, by the golden record's own functions. */
export async function buildGoldenRecords(env: Env, consolidationDate = new Date()): Promise<void> {
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  const mongoClient = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  try {
    await ensureViews({ target });
    for (const view of GOLDEN_RECORD_VIEWS) await target.query(`refresh materialized view v_dvd_rental.${view}`);
    await mongoClient.connect();
    await upsertGoldenRecords({
      target,
      mongo: mongoClient.db(env.MONGODB_DATABASE),
      targetUrl: env.TARGET_DATABASE_URL,
      consolidationDate,
    });
  } finally {
    await mongoClient.close();
    await target.end();
  }
}

/**
 * Fresh source and target databases (`<name>_source`, `<name>_target`) with dvd_rental migrated, and a fresh
 * MongoDB database `<name>` holding its golden records: built by the real migration and golden-record code.
 */
export async function freshGoldenRecords(name: string): Promise<Env> {
  const migrated = await freshMigratedPair({ source: `${name}_source`, target: `${name}_target` });
  const env = { ...migrated, MONGODB_DATABASE: name };
  const mongoClient = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  try {
    await mongoClient.connect();
    await mongoClient.db(name).dropDatabase();
  } finally {
    await mongoClient.close();
  }
  await buildGoldenRecords(env);
  return env;
}

/** Every golden record, by _id: what a run's end state is compared by. */
export const sortedGoldenDocs = (db: Db) => db.collection(GOLDEN_RECORD_COLLECTION).find({}).sort({ _id: 1 }).toArray();

/**
 * The golden records a clean upsert writes from the target's views as they are now, with the consolidation
 * date of the run compared with, into `db` (emptied first).
 */
export async function cleanGoldenDocs(env: Env, db: Db, consolidationDate: Date, batchSize?: number) {
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  try {
    await db.dropDatabase();
    await upsertGoldenRecords({ target, mongo: db, targetUrl: env.TARGET_DATABASE_URL, consolidationDate, batchSize });
    return await sortedGoldenDocs(db);
  } finally {
    await target.end();
  }
}
