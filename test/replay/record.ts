// Records the event histories that test/unit/shared/replay.test.ts replays: every workflow of workflows/
// run by a real worker (real activities) against a real stack, on a small synthetic dvd_rental.
//
//   npx tsx test/replay/record.ts [out-dir]      (default: test/replay/histories)
//
// It uses the stack the environment points at (the test stack by default, see test/support/test-env.ts);
// record from committed code in a worktree with a stack of its own, e.g. STACK_DATA_DIR=/work/rec/.data
// STACK_PG_PORT=56432 STACK_TEMPORAL_PORT=7255 STACK_TEMPORAL_UI_PORT=8255 STACK_FERRETDB_PORT=27039.
// Databases replay_source / replay_target and MongoDB database replay_record are replaced.
import '../support/test-env';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Workflow, WorkflowHandle } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { dailyPipelineInput } from '../../pipelines';
import { CATEGORIZE_CONFIG, readCategorizeConfigFile } from '../../activities/categorize/config-file';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../activities/golden-record/views-config-file';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../activities/migration/config-file';
import { readGeocodingConfig } from '../../activities/geocoding/config-file';
import { DAILY_ACTIVITY_CONFIG, readDailyActivityConfigFile } from '../../activities/daily-activity/config-file';
import { loadSource } from '../../dataset/load-source';
import { DEFAULT_REFRESH } from '../../workflows/golden-record/types';
import { DEFAULT_MIGRATION_OPTIONS } from '../../workflows/migration/types';
import {
  categorizeWorkflow,
  dailyActivityBackfillWorkflow,
  dailyActivityWorkflow,
  dailyPipelineWorkflow,
  geocodingWorkflow,
  goldenRecordStatusQuery,
  goldenRecordWorkflow,
  healthCheckWorkflow,
  migrationWorkflow,
  refreshViewsWorkflow,
  rerunRefreshSignal,
  upsertGoldenRecordsWorkflow,
} from '../../workflows';
import { envWithDatabases } from '../support/dvdrental';
import { HISTORY_DIR, historyText, recordedWorkflowId } from '../support/histories';
import { freshDatabase, withWorker, type WorkerHarness } from '../support/stack';
import { createStuckView, STUCK_VIEW } from '../support/stuck-view';

const OUT_DIR = path.resolve(process.argv[2] ?? HISTORY_DIR);
const DATABASES = { source: 'replay_source', target: 'replay_target' };

/** Waits for the run to end (failing runs too) and saves its history as `<name>.json`. */
async function save(name: string, handle: WorkflowHandle, expected: 'succeeded' | 'failed'): Promise<void> {
  const outcome = await handle.result().then(
    () => 'succeeded',
    (error: unknown) => `failed (${(error as Error).message}: ${(error as { cause?: Error }).cause?.message})`,
  );
  if (!outcome.startsWith(expected)) throw new Error(`${name}: expected the run to have ${expected}, it ${outcome}`);
  const history = await handle.fetchHistory();
  fs.writeFileSync(path.join(OUT_DIR, `${name}.json`), historyText(history));
  console.log(`${name}: ${outcome}, ${history.events?.length} events`);
}

/** A rental the target refuses while its target-only constraint is there: the next sync fails. */
async function breakNextSync(source: pg.Pool, target: pg.Pool): Promise<void> {
  await target.query(
    `alter table dvd_rental.rental add constraint no_far_returns check (return_date < '2100-01-01') not valid`,
  );
  await source.query(
    `insert into rental (rental_date, inventory_id, customer_id, return_date, staff_id)
     select now(), min(inventory_id), (select min(customer_id) from customer), '2101-01-01', (select min(staff_id) from staff) from inventory`,
  );
}

async function record(harness: WorkerHarness, source: pg.Pool, target: pg.Pool): Promise<void> {
  const { client, taskQueue } = harness;
  // Each run is named after its file: its workflow id is the one the replay test gives it.
  const start = <T extends Workflow>(workflow: T, name: string, args: Parameters<T>) =>
    client.workflow.start(workflow as Workflow, { taskQueue, workflowId: recordedWorkflowId(name), args });
  const run = async <T extends Workflow>(
    workflow: T,
    name: string,
    args: Parameters<T>,
    expected: 'succeeded' | 'failed' = 'succeeded',
  ) => save(name, await start(workflow, name, args), expected);
  const tables = await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG);
  const views = await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG);
  const migrationInput = { configName: 'migration', tables, options: DEFAULT_MIGRATION_OPTIONS };

  await run(healthCheckWorkflow, 'healthCheckWorkflow', [{ requestedBy: 'replay-recorder' }]);
  await run(migrationWorkflow, 'migrationWorkflow-full', [migrationInput]);
  await run(geocodingWorkflow, 'geocodingWorkflow', [await readGeocodingConfig()]);
  // An incremental sync with an insert and a delete: most delete steps skipped (its patch marker recorded).
  await source.query(`insert into actor (first_name, last_name) values ('REPLAY', 'ACTOR')`);
  await source.query('delete from payment where payment_id = (select max(payment_id) from payment)');
  await run(migrationWorkflow, 'migrationWorkflow-incremental', [migrationInput]);
  await run(refreshViewsWorkflow, 'refreshViewsWorkflow', [{ views, ...DEFAULT_REFRESH }]);
  await run(upsertGoldenRecordsWorkflow, 'upsertGoldenRecordsWorkflow', [
    { batchSize: 100, consolidationDate: new Date().toISOString() },
  ]);
  await run(goldenRecordWorkflow, 'goldenRecordWorkflow', [{ views, batchSize: 100 }]);
  // the threshold is -1 so that the small synthetic source's score never fails the recording
  const categorize = { ...(await readCategorizeConfigFile(CATEGORIZE_CONFIG)), threshold: -1 };
  await run(categorizeWorkflow, 'categorizeWorkflow', [
    { configName: 'categorize', config: categorize, batchSize: 100 },
  ]);

  // A refresh that fails for good: the parent waits for rerunRefresh, gets it once the view is fixed, upserts.
  await createStuckView(target, 'constant');
  const stuck = { views: [...views, STUCK_VIEW], batchSize: 100, refresh: { attempts: 2, retryInterval: '1 second' } };
  const waiting = await start(goldenRecordWorkflow, 'goldenRecordWorkflow-rerun-signal', [stuck]);
  for (let i = 0; (await waiting.query(goldenRecordStatusQuery)).stage !== 'waiting_for_rerun'; i++) {
    if (i > 120) throw new Error('the golden record never waited for a rerun');
    await sleep(500);
  }
  await createStuckView(target, 'now');
  await waiting.signal(rerunRefreshSignal);
  await save('goldenRecordWorkflow-rerun-signal', waiting, 'succeeded');
  await target.query('drop schema v_stuck cascade');

  // Two days by the backfill, the next one alone; the daily runs below take the day after (2000-01-01).
  const activity = await readDailyActivityConfigFile(DAILY_ACTIVITY_CONFIG);
  await run(dailyActivityBackfillWorkflow, 'dailyActivityBackfillWorkflow', [
    { config: activity, from: '1999-12-29', to: '1999-12-30', configName: 'dvd_rental' },
  ]);
  await run(dailyActivityWorkflow, 'dailyActivityWorkflow', [{ ...activity, businessDate: '1999-12-31' }]);

  const daily = (options: Parameters<typeof dailyPipelineInput>[0]) =>
    dailyPipelineInput({ businessDate: '2000-01-01', ...options });
  await run(dailyPipelineWorkflow, 'dailyPipelineWorkflow', [await daily({})]);
  // the daily activity as the first step (patched in: the histories above were recorded before it)
  await run(dailyPipelineWorkflow, 'dailyPipelineWorkflow-daily-activity', [
    await daily({ businessDate: '2000-01-02' }),
  ]);
  await run(dailyPipelineWorkflow, 'dailyPipelineWorkflow-from-golden-record', [
    await daily({ fromStep: 'golden-record' }),
  ]);

  await breakNextSync(source, target);
  const sync = { ...migrationInput, options: { ...DEFAULT_MIGRATION_OPTIONS, mode: 'sync' as const } };
  await run(migrationWorkflow, 'migrationWorkflow-failed', [sync], 'failed');
  await run(dailyPipelineWorkflow, 'dailyPipelineWorkflow-failed', [await daily({})], 'failed');

  // CDC: rental and payment by the log (a slot on the source); the run after their baseline logs and applies a change.
  await target.query('alter table dvd_rental.rental drop constraint no_far_returns');
  const byLog = (name: string) => ['rental', 'payment'].includes(name);
  const cdcTables = tables.map((t) => (byLog(t.name) ? { ...t, sync: { cdc: true as const } } : t));
  const cdc = { ...migrationInput, configName: 'replay-cdc', tables: cdcTables };
  await (await start(migrationWorkflow, 'migrationWorkflow-cdc-baseline', [cdc])).result();
  await source.query('update payment set amount = amount + 1 where payment_id = (select min(payment_id) from payment)');
  await run(migrationWorkflow, 'migrationWorkflow-cdc', [cdc]);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (const name of [DATABASES.source, DATABASES.target]) await (await freshDatabase(name)).end();
  const env = { ...envWithDatabases(DATABASES), MONGODB_DATABASE: 'replay_record' };
  await loadSource(env, { kind: 'synthetic', scale: 0.1, seed: 7 });
  const mongo = await new MongoClient(env.MONGODB_URI).connect();
  await mongo.db(env.MONGODB_DATABASE).dropDatabase();
  await mongo.close();
  const source = new pg.Pool({ connectionString: env.SOURCE_DATABASE_URL, max: 2 });
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  try {
    await withWorker((harness) => record(harness, source, target), env);
  } finally {
    await Promise.all([source.end(), target.end()]);
  }
  console.log(`histories in ${OUT_DIR}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
