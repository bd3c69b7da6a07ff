import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from './env';

/** The connections that activities receive; one set per worker process. */
export interface Resources {
  sourcePg: pg.Pool;
  targetPg: pg.Pool;
  /** The daily activity's writes to the source: sourcePg itself unless ACTIVITY_DATABASE_URL names another role. */
  activityPg: pg.Pool;
  mongo: Db;
  close(): Promise<void>;
}

export async function openResources(env: Env): Promise<Resources> {
  const sourcePg = new pg.Pool({
    connectionString: env.SOURCE_DATABASE_URL,
    max: 10,
    application_name: 'dvd-rental-worker',
  });
  const targetPg = new pg.Pool({
    connectionString: env.TARGET_DATABASE_URL,
    max: 10,
    application_name: 'dvd-rental-worker',
  });
  const activityPg = env.ACTIVITY_DATABASE_URL
    ? new pg.Pool({ connectionString: env.ACTIVITY_DATABASE_URL, max: 2, application_name: 'dvd-rental-worker' })
    : sourcePg;
  const pools = [...new Set([sourcePg, targetPg, activityPg])];
  // An idle client killed by the server (restart, idle timeout) is dropped by the pool; without a
  // listener its 'error' event would crash the worker.
  for (const pool of pools) pool.on('error', () => undefined);
  const mongoClient = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  await mongoClient.connect();
  return {
    sourcePg,
    targetPg,
    activityPg,
    mongo: mongoClient.db(env.MONGODB_DATABASE),
    async close() {
      await Promise.allSettled([...pools.map((pool) => pool.end()), mongoClient.close()]);
    },
  };
}
