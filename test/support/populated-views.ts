// A migrated pair for the golden views' fault tests: views created and populated, so that every refresh is
// CONCURRENTLY (as in a daily run after the first), and an empty MongoDB database of the test's own.
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { ensureViews, GOLDEN_RECORD_VIEWS } from '../../activities/golden-record/views';
import type { Env } from '../../common/env';
import { freshMigratedPair } from './migrated';

export interface PopulatedViews {
  env: Env;
  target: pg.Pool;
  mongo: MongoClient;
  /** Drops the clean run's database (`<mongoDatabase>_clean`), closes both clients. */
  close(): Promise<void>;
}

export async function populatedViews(names: {
  source: string;
  target: string;
  mongoDatabase: string;
}): Promise<PopulatedViews> {
  const env: Env = { ...(await freshMigratedPair({ source: names.source, target: names.target })) };
  env.MONGODB_DATABASE = names.mongoDatabase;
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  await ensureViews({ target });
  for (const view of GOLDEN_RECORD_VIEWS) await target.query(`refresh materialized view v_dvd_rental.${view}`);
  const mongo = await new MongoClient(env.MONGODB_URI).connect();
  await mongo.db(env.MONGODB_DATABASE).dropDatabase();
  return {
    env,
    target,
    mongo,
    close: async () => {
      await mongo.db(`${names.mongoDatabase}_clean`).dropDatabase();
      await mongo.close();
      await target.end();
    },
  };
}
