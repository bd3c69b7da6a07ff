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
  for (const pool of pools) survivesKilledSessions(pool);
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

/**
 * A session killed by the server (pg_terminate_backend, a restart, an idle timeout) emits 'error' on its client:
 * an idle one through the pool, a checked-out one on the client itself. Without a listener either would crash
 * the worker; the query that was running fails anyway, its activity is retried, and the pool drops the client.
 */
export function survivesKilledSessions(pool: pg.Pool): void {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
}
