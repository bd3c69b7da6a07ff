// The daily activity as the daily pipeline's first step (real worker, Temporal, Postgres and FerretDB): after
// activity + migration sync + golden record, exactly the customers the day touched have changed documents.
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../../common/env';
import { GOLDEN_RECORD_COLLECTION } from '../../../activities/golden-record/collections';
import { documentHash } from '../../../activities/golden-record/document-hash';
import { dailyPipelineInput } from '../../../pipelines';
import { dailyPipelineWorkflow } from '../../../workflows';
import { DAILY_STEPS } from '../../../workflows/daily/types';
import fs from 'node:fs';
import path from 'node:path';
import { loadSource } from '../../../dataset/load-source';
import { baselineOf, BUSY_CONFIG, type Baseline } from '../../support/daily-activity';
import { envWithDatabases } from '../../support/dvdrental';
import { freshDatabase } from '../../support/stack';
import { withWorker } from '../../support/stack';

const MONGO_DB = 'activity_daily_test';
const YEAR = 2100 + Math.floor(Math.random() * 800);
const DAYS = [`${YEAR}-05-01`, `${YEAR}-05-02`];
// the views compute durations of open rentals to the refresh's now(): that field moves with the wall clock
const WALL_CLOCK_FIELDS = ['average_rental_duration', 'sources', 'last_consolidation_date'];
// categorize's fields: a day's data may retrain its model, and a new model version is written into every document
const CATEGORIZE_FIELDS = ['category', 'category_model_version'];
const IGNORED_FIELDS = [...WALL_CLOCK_FIELDS, ...CATEGORIZE_FIELDS];

let env: Env;
let config: string;
let base: Baseline;
let source: pg.Pool;
let mongo: MongoClient;
const snapshots: Array<Map<number, string>> = [];
const stepsOfRuns: string[][] = [];

async function documentHashes(db: Db): Promise<Map<number, string>> {
  const documents = await db.collection(GOLDEN_RECORD_COLLECTION).find({}).toArray();
  return new Map(
    documents.map((document) => {
      const data = Object.fromEntries(Object.entries(document).filter(([key]) => !IGNORED_FIELDS.includes(key)));
      return [Number(document._id), documentHash(data)];
    }),
  );
}

/**
 * Customers whose rows the simulated day wrote (ids past the source's, since the synthetic source has returns of
 * its own on those days): rentals, returns (each paid at once), new and deactivated customers.
 */
async function customersTouchedOn(businessDate: string): Promise<number[]> {
  const { rows } = await source.query<{ id: number }>(
    `with day as (select simulated_date as d from _activity.day where business_date = $1)
     select distinct id from (
       select customer_id as id from rental, day where rental_id > $2 and rental_date::date = d
       union select customer_id from payment, day where payment_id > $3 and payment_date::date = d
       union select customer_id from customer, day where create_date = d
       union select customer_id from _activity.deactivation, day where simulated_date = d
     ) touched order by id`,
    [businessDate, base.rental, base.payment],
  );
  return rows.map((row) => row.id);
}

beforeAll(async () => {
  // a small source keeps the two golden-record runs short (FerretDB upserts about 1,000 documents a second)
  const databases = { source: 'activity_daily_source', target: 'activity_daily_target' };
  for (const name of Object.values(databases)) await (await freshDatabase(name)).end();
  env = { ...envWithDatabases(databases), MONGODB_DATABASE: MONGO_DB };
  await loadSource(env, { kind: 'synthetic', scale: 0.25, seed: 3 });
  config = path.join(env.STACK_DATA_DIR, 'activity-daily-test.json');
  fs.writeFileSync(config, JSON.stringify({ ...BUSY_CONFIG, rentalsPerDay: 40 }));
  source = new pg.Pool({ connectionString: env.SOURCE_DATABASE_URL, max: 2 });
  base = await baselineOf(source);
  mongo = await new MongoClient(env.MONGODB_URI).connect();
  await mongo.db(MONGO_DB).dropDatabase();
  await withWorker(async ({ client, taskQueue }) => {
    for (const businessDate of DAYS) {
      const result = await client.workflow.execute(dailyPipelineWorkflow, {
        taskQueue,
        workflowId: `activity-daily-test-${businessDate}`,
        args: [await dailyPipelineInput({ businessDate, configFiles: { 'daily-activity': config } })],
      });
      stepsOfRuns.push(result.steps.map((step) => `${step.step} ${step.state}`));
      snapshots.push(await documentHashes(mongo.db(MONGO_DB)));
    }
  }, env);
});
afterAll(async () => {
  await Promise.all([source?.end(), mongo?.close()]);
});

test('the daily activity runs first, then every other daily step', () => {
  expect(DAILY_STEPS[0]).toBe('daily-activity');
  const steps = DAILY_STEPS.map((step) => `${step} done`);
  expect(stepsOfRuns).toEqual([steps, steps]);
});

test("exactly the customers the second day touched have changed documents; the others' are unchanged", async () => {
  const [before, after] = snapshots as [Map<number, string>, Map<number, string>];
  const changed = [...after.keys()].filter((id) => before.get(id) !== after.get(id)).sort((a, b) => a - b);
  const touched = await customersTouchedOn(DAYS[1]!);
  expect(touched.length).toBeGreaterThan(20);
  expect(changed).toEqual(touched);
  expect(after.size - changed.length).toBeGreaterThan(0);
  const customers = await source.query('select count(*)::int as n from customer');
  expect(after.size).toBe(customers.rows[0].n);
});
