// Fault 5 of issue 14: the MongoDB-wire server (a FerretDB of this test's own) killed during the golden-record
// upsert and, separately, during categorize's write-back, then started again: the activity retries, the run
// completes, and every document equals a clean run's: none missing, none doubled.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { MongoClient, type Filter } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../../common/env';
import { readCategorizeConfigFile, CATEGORIZE_CONFIG } from '../../../activities/categorize/config-file';
import { CATEGORY_FIELD } from '../../../activities/categorize/features';
import { ensureViews } from '../../../activities/golden-record/views';
import { GOLDEN_RECORD_COLLECTION } from '../../../activities/golden-record/collections';
import { categorizeWorkflow, upsertGoldenRecordsWorkflow } from '../../../workflows';
import { categoriesById } from '../../support/categorize';
import { faultRecorder } from '../../support/fault-results';
import { cleanGoldenDocs, sortedGoldenDocs } from '../../support/golden-records';
import { freshMigratedPair } from '../../support/migrated';
import { freePort, OwnFerretDb } from '../../support/own-servers';
import { freshDatabase, withWorker, type WorkerHarness } from '../../support/stack';

const CONSOLIDATED = '2026-03-01T06:00:00.000Z';
const OUTAGE_MS = 6000;
const RUN_LIMIT_MS = 90_000;
/** Small batches: the run lasts long enough (a few seconds) to be cut after its first one. */
const BATCH_SIZE = 25;
const [OUTAGE_DB, CLEAN_DB] = ['mongo_outage', 'mongo_outage_clean'];

/** Polls until a document matching `filter` is written; how many there are then. */
async function firstWrite(uri: string, filter: Filter<{ _id: number }> = {}): Promise<number> {
  const client = await new MongoClient(uri).connect();
  try {
    const records = client.db(OUTAGE_DB).collection<{ _id: number }>(GOLDEN_RECORD_COLLECTION);
    for (;;) {
      const written = await records.countDocuments(filter);
      if (written > 0) return written;
      await sleep(20);
    }
  } finally {
    await client.close();
  }
}

describe('MongoDB-wire server down during the golden upsert, then during categorize’s write-back', () => {
  const recorders = {
    upsert: faultRecorder('5 MongoDB-wire server down: golden upsert'),
    categorize: faultRecorder('5 MongoDB-wire server down: categorize write-back'),
  };
  let env: Env;
  /** The worker's settings: the own FerretDB, whose driver gives up after 2 s instead of 30, so the outage
   * fails the attempt and Temporal retries the activity (with the default, the driver may ride it out). */
  let outageEnv: Env;
  let target: pg.Pool;
  let ferret: OwnFerretDb;
  let outageClient: MongoClient;
  let cleanClient: MongoClient;
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
    outageEnv = { ...env, MONGODB_URI: `${ferret.uri}?serverSelectionTimeoutMS=2000`, MONGODB_DATABASE: OUTAGE_DB };
    cleanClient = await new MongoClient(env.MONGODB_URI).connect();
    await cleanClient.db(CLEAN_DB).dropDatabase();
  });

  afterAll(async () => {
    Object.values(recorders).forEach((recorder) => recorder.write());
    await cleanClient?.db(CLEAN_DB).dropDatabase();
    await Promise.allSettled([outageClient?.close(), cleanClient?.close()]);
    await ferret?.dispose();
    await target?.end();
  });

  /** Starts a run, kills the server at its first write (matching `written`), restarts it after OUTAGE_MS. */
  function throughOutage<R>(
    start: (harness: WorkerHarness) => Promise<WorkflowHandle>,
    written?: Filter<{ _id: number }>,
  ) {
    return withWorker(async (harness) => {
      const handle = await start(harness);
      try {
        const writtenAtKill = await firstWrite(ferret.uri, written);
        const killedAt = Date.now();
        await ferret.kill();
        await sleep(OUTAGE_MS);
        await ferret.start();
        const result = (await Promise.race([
          handle.result(),
          sleep(RUN_LIMIT_MS, undefined, { ref: false }).then(() =>
            Promise.reject(new Error('run did not complete in time')),
          ),
        ])) as R;
        const history = await handle.fetchHistory();
        const started = history.events?.map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0) ?? [];
        return { result, writtenAtKill, attempts: Math.max(...started), recoveryMs: Date.now() - killedAt - OUTAGE_MS };
      } finally {
        await handle.terminate().catch(() => undefined); // a no-op once completed; stops a stuck run
      }
    }, outageEnv);
  }

  test('golden upsert: the activity retries, completes once the server is back, nothing lost or doubled', async () => {
    await recorders.upsert.trial(async () => {
      const { result, writtenAtKill, attempts, recoveryMs } = await throughOutage(({ client, taskQueue }) =>
        client.workflow.start(upsertGoldenRecordsWorkflow, {
          taskQueue,
          workflowId: `golden-outage-${Date.now()}`,
          args: [{ batchSize: BATCH_SIZE, consolidationDate: CONSOLIDATED }],
        }),
      );
      expect(writtenAtKill).toBeLessThan(customers);
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(result).toMatchObject({ updated: 0, quarantined: 0, markedMissing: 0, lastCustomerId: maxCustomerId });

      outageClient = await new MongoClient(ferret.uri).connect();
      const afterOutage = outageClient.db(OUTAGE_DB);
      const clean = await cleanGoldenDocs(env, cleanClient.db(CLEAN_DB), new Date(CONSOLIDATED), BATCH_SIZE);
      const ids = await afterOutage.collection(GOLDEN_RECORD_COLLECTION).distinct('_id');
      expect(ids).toHaveLength(customers);
      expect(await afterOutage.collection(GOLDEN_RECORD_COLLECTION).countDocuments()).toBe(customers);
      expect(await sortedGoldenDocs(afterOutage)).toEqual(clean);
      return { rowsChecked: customers, recoveryMs };
    });
  }, 300_000);

  // On the golden records the test above left (equal to the clean ones): a clean categorize run on the clean
  // copy trains the model; the run through the outage reuses it (same data, same score) and writes it back.
  test('categorize write-back: retried, completes once the server is back, every category as a clean run’s', async () => {
    await recorders.categorize.trial(async () => {
      const config = await readCategorizeConfigFile(CATEGORIZE_CONFIG);
      const input = { configName: 'categorize', config, batchSize: 10 };
      await withWorker(
        ({ client, taskQueue }) =>
          client.workflow.execute(categorizeWorkflow, {
            taskQueue,
            workflowId: `categorize-clean-${Date.now()}`,
            args: [input],
          }),
        { ...env, MONGODB_DATABASE: CLEAN_DB },
      );
      const { writtenAtKill, attempts, recoveryMs } = await throughOutage(
        ({ client, taskQueue }) =>
          client.workflow.start(categorizeWorkflow, {
            taskQueue,
            workflowId: `categorize-outage-${Date.now()}`,
            args: [input],
          }),
        { [CATEGORY_FIELD]: { $exists: true } },
      );
      expect(writtenAtKill).toBeLessThan(customers);
      expect(attempts).toBeGreaterThanOrEqual(2);

      outageClient ??= await new MongoClient(ferret.uri).connect();
      const afterOutage = outageClient.db(OUTAGE_DB);
      const categorized = await categoriesById(afterOutage);
      expect(categorized.size).toBe(customers);
      expect(await afterOutage.collection(GOLDEN_RECORD_COLLECTION).countDocuments()).toBe(customers);
      expect([...categorized.values()].every((doc) => doc.category?.name)).toBe(true);
      expect(categorized).toEqual(await categoriesById(cleanClient.db(CLEAN_DB)));
      return { rowsChecked: customers, recoveryMs };
    });
  }, 360_000);
});
