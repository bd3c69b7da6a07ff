import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../common/env';
import { ensureViews, GOLDEN_RECORD_VIEWS } from '../../activities/golden-record/views';
import { upsertGoldenRecords, type UpsertGoldenRecordsOptions } from '../../activities/golden-record/upsert';
import { freshMigratedPair } from './migrated';

/** dvd_rental migrated into fresh databases, the golden-record views over it, and MongoDB databases to fill. */
export interface GoldenStore {
  env: Env;
  target: pg.Pool;
  /** An emptied MongoDB database, dropped again by close(). */
  freshMongo(name: string): Promise<Db>;
  refreshViews(): Promise<void>;
  upsert(mongo: Db, options?: Partial<UpsertGoldenRecordsOptions>): ReturnType<typeof upsertGoldenRecords>;
  sqlValue<T>(sql: string, params?: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function openGoldenStore(prefix: string, consolidationDate: Date): Promise<GoldenStore> {
  const env = await freshMigratedPair({ source: `${prefix}_source`, target: `${prefix}_target` });
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 4 });
  const client = await new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 5000 }).connect();
  const databases: Db[] = [];
  const store: GoldenStore = {
    env,
    target,
    async freshMongo(name) {
      const db = client.db(`${prefix}_${name}`);
      await db.dropDatabase();
      databases.push(db);
      return db;
    },
    async refreshViews() {
      for (const view of GOLDEN_RECORD_VIEWS) await target.query(`refresh materialized view v_dvd_rental.${view}`);
    },
    upsert: (mongo, options = {}) =>
      upsertGoldenRecords({ target, mongo, targetUrl: env.TARGET_DATABASE_URL, consolidationDate, ...options }),
    async sqlValue<T>(sql: string, params: unknown[] = []) {
      const { rows } = await target.query<{ value: T }>(sql, params);
      return rows[0]!.value;
    },
    async close() {
      for (const db of databases) await db.dropDatabase().catch(() => undefined);
      await client.close();
      await target.end();
    },
  };
  await ensureViews({ target });
  await store.refreshViews();
  return store;
}
