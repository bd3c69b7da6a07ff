import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../../common/env';
import { upsertGoldenRecords } from '../../../activities/golden-record/upsert';
import { ensureViews } from '../../../activities/golden-record/views';
import { GOLDEN_RECORD_COLLECTION } from '../../../activities/golden-record/collections';
import { upsertGoldenRecordsWorkflow } from '../../../workflows';
import { freshMigratedPair } from '../../support/migrated';
import { freePort, OwnFerretDb } from '../../support/own-servers';
import { freshDatabase, withWorker } from '../../support/stack';

const CONSOLIDATED = '2026-03-01T06:00:00.000Z';
const OUTAGE_MS = 6000;
const RUN_LIMIT_MS = 90_000;
/** Small batches: the run lasts long enough (a few seconds) to be cut after its first one. */
const BATCH_SIZE = 25;

async function firstWrite(uri: string, database: string): Promise<number> {
  const client = await new MongoClient(uri).connect();
  try {
    const records = client.db(database).collection(GOLDEN_RECORD_COLLECTION);
    for (;;) {
      const written = await records.estimatedDocumentCount();
      if (written > 0) return written;
      await sleep(20);
    }
  } finally {
    await client.close();
  }
}

const sortedDocs = (db: Db) => db.collection(GOLDEN_RECORD_COLLECTION).find({}).sort({ _id: 1 }).toArray();

describe('golden-record upsert while the MongoDB-wire server goes down', () => {
  let env: Env;
  let target: pg.Pool;
  let ferret: OwnFerretDb;
  let customers: number;
  let maxCustomerId: number;

  beforeAll(async () => {
    env = await freshMigratedPair({ source: 'golden_outage_source', target: 'golden_outage_target' });
    target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
    await ensureViews({ target });
    for (const view of ['customers_mv', 'customer_aggr_mv', 'last_rentals_mv'])
      await target.query(`refresh materialized view v_dvd_rental.${view}`);
    const {
      rows: [counts],
    } = await target.query('select count(*)::int as n, max(customer_id) as max from dvd_rental.customer');
    [customers, maxCustomerId] = [counts.n, counts.max];
    await (await freshDatabase('golden_outage_ferretdb', env)).end();
    ferret = new OwnFerretDb(env, 'golden_outage_ferretdb', await freePort());
    await ferret.start();
  });

  afterAll(async () => {
    await ferret?.dispose();
    await target?.end();
  });

  test('the activity retries, the run completes once the server is back, nothing lost or doubled', async () => {
    // The driver gives up on the server after 2 s instead of 30, so the outage fails the attempt and Temporal
    // retries the activity (with the default, the driver may ride out the whole outage inside one attempt).
    const outageEnv: Env = {
      ...env,
      MONGODB_URI: `${ferret.uri}?serverSelectionTimeoutMS=2000`,
      MONGODB_DATABASE: 'golden_outage',
    };
    const { result, writtenAtKill, attempts } = await withWorker(async ({ client, taskQueue }) => {
      const handle = await client.workflow.start(upsertGoldenRecordsWorkflow, {
        taskQueue,
        workflowId: `golden-outage-${Date.now()}`,
        args: [{ batchSize: BATCH_SIZE, consolidationDate: CONSOLIDATED }],
      });
      try {
        const written = await firstWrite(ferret.uri, outageEnv.MONGODB_DATABASE);
        await ferret.kill();
        await sleep(OUTAGE_MS);
        await ferret.start();
        const summary = await Promise.race([
          handle.result(),
          sleep(RUN_LIMIT_MS, undefined, { ref: false }).then(() =>
            Promise.reject(new Error('run did not complete in time')),
          ),
        ]);
        const history = await handle.fetchHistory();
        const started = history.events?.map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0) ?? [];
        return { result: summary, writtenAtKill: written, attempts: Math.max(...started) };
      } finally {
        await handle.terminate().catch(() => undefined); // a no-op once completed; stops a stuck run
      }
    }, outageEnv);

    expect(writtenAtKill).toBeLessThan(customers);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(result).toMatchObject({ updated: 0, quarantined: 0, markedMissing: 0, lastCustomerId: maxCustomerId });

    const outageClient = await new MongoClient(ferret.uri).connect();
    const cleanClient = await new MongoClient(env.MONGODB_URI).connect();
    try {
      const afterOutage = outageClient.db(outageEnv.MONGODB_DATABASE);
      const clean = cleanClient.db('golden_outage_clean');
      await clean.dropDatabase();
      await upsertGoldenRecords({
        target,
        mongo: clean,
        targetUrl: env.TARGET_DATABASE_URL,
        consolidationDate: new Date(CONSOLIDATED),
        batchSize: BATCH_SIZE,
      });

      const ids = await afterOutage.collection(GOLDEN_RECORD_COLLECTION).distinct('_id');
      expect(ids).toHaveLength(customers);
      expect(await afterOutage.collection(GOLDEN_RECORD_COLLECTION).countDocuments()).toBe(customers);
      expect(await sortedDocs(afterOutage)).toEqual(await sortedDocs(clean));
      await clean.dropDatabase();
    } finally {
      await outageClient.close();
      await cleanClient.close();
    }
  }, 150_000);
});
