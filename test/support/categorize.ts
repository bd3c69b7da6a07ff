// Shared setup of the categorize integration tests: golden records of dvd_rental, runs of the real workflow.
import { randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../common/env';
import { CATEGORIZE_CONFIG, readCategorizeConfigFile } from '../../activities/categorize/config-file';
import { GOLDEN_RECORD_COLLECTION } from '../../activities/golden-record/collections';
import type { CategorizeConfig } from '../../workflows/categorize/config';
import type { CategorizeResult } from '../../workflows/categorize/types';
import { categorizeWorkflow } from '../../workflows';
import { freshGoldenRecords } from './golden-records';
import type { WorkerHarness } from './stack';

export interface CategorizeFixture {
  env: Env;
  config: CategorizeConfig;
  target: pg.Pool;
  mongo: Db;
  close(): Promise<void>;
}

/** Fresh dvd_rental golden records under `name` (databases of its own), with connections to read them. */
export async function categorizeFixture(name: string): Promise<CategorizeFixture> {
  const env = await freshGoldenRecords(name);
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  const mongoClient = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  await mongoClient.connect();
  return {
    env,
    config: await readCategorizeConfigFile(CATEGORIZE_CONFIG),
    target,
    mongo: mongoClient.db(name),
    async close() {
      await Promise.allSettled([target.end(), mongoClient.close()]);
    },
  };
}

/** Runs the categorize workflow to its end on the harness's worker. */
export function runCategorize(
  { client, taskQueue }: WorkerHarness,
  config: CategorizeConfig,
  workflowId = `categorize-test-${randomUUID()}`,
): Promise<CategorizeResult> {
  return client.workflow.execute(categorizeWorkflow, {
    taskQueue,
    workflowId,
    args: [{ configName: 'categorize', config, batchSize: 100 }],
  });
}

export interface StoredCategory {
  _id: number;
  is_current?: boolean;
  lifetime_value: number;
  category?: { name: string; description: string };
  category_model_version?: number;
}

/** Every golden record's category and model version, by _id. */
export async function categoriesById(mongo: Db): Promise<Map<number, StoredCategory>> {
  const docs = await mongo
    .collection<StoredCategory>(GOLDEN_RECORD_COLLECTION)
    .find({}, { projection: { is_current: 1, lifetime_value: 1, category: 1, category_model_version: 1 } })
    .toArray();
  return new Map(docs.map((doc) => [doc._id, doc]));
}

export async function modelCount(target: pg.Pool): Promise<number> {
  const { rows } = await target.query<{ count: string }>('select count(*) from categorize.model');
  return Number(rows[0]!.count);
}
