import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../../common/env';
import { GOLDEN_RECORD_COLLECTION } from '../../../activities/golden-record/collections';
import type { LineageGraph } from '../../../activities/golden-record/lineage';
import { dailyPipelineInput } from '../../../pipelines';
import { BUSINESS_DATE, PIPELINE } from '../../../workflows/shared/search-attributes';
import type { DailyPipelineResult } from '../../../workflows/daily/types';
import type { RunOutcome } from '../../../cli/runs';
import { dailyPipelineWorkflow } from '../../../workflows';
import { jsonOf, runCli } from '../../support/cli';
import { freshDvdRentalPair, HAVE_ARCHIVE } from '../../support/dvdrental';
import { withWorker, type WorkerHarness } from '../../support/stack';

const MONGO_DB = 'daily_pipeline_test';
// Workflow ids carry the business date and the test stack may be reused: each test run takes a year of its own.
const YEAR = 2100 + Math.floor(Math.random() * 800);
const day = (n: number) => `${YEAR}-01-0${n}`;
const idFor = (date: string) => `daily-pipeline-test-${date}`;

/** A rental the target refuses while the target-only constraint `no_far_returns` is there. */
async function breakNextSync(source: pg.Pool, target: pg.Pool): Promise<void> {
  await target.query('alter table dvd_rental.rental drop constraint if exists no_far_returns');
  await target.query(
    `alter table dvd_rental.rental add constraint no_far_returns check (return_date < '2100-01-01') not valid`,
  );
  await source.query(
    `insert into rental (rental_date, inventory_id, customer_id, return_date, staff_id) values (now(), 1, 1, '2101-01-01', 1)`,
  );
}
const fixTarget = (target: pg.Pool) => target.query('alter table dvd_rental.rental drop constraint no_far_returns');

/** Resets a failed run to its first workflow task, as the Web UI's Reset does; returns the new run. */
async function resetToStart(
  client: Client,
  handle: WorkflowHandle,
): Promise<WorkflowHandle<typeof dailyPipelineWorkflow>> {
  const { events } = await handle.fetchHistory();
  const firstTask = events!.find((event) => event.workflowTaskCompletedEventAttributes)!;
  const { runId } = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId: handle.workflowId },
    workflowTaskFinishEventId: firstTask.eventId,
    requestId: randomUUID(),
    reason: 'test: the target constraint was fixed',
  });
  return client.workflow.getHandle(handle.workflowId, runId!);
}

async function findByAttributes(client: Client, date: string): Promise<string[]> {
  const query = `${PIPELINE.name} = "daily-pipeline" AND ${BUSINESS_DATE.name} = "${date}"`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const ids: string[] = [];
    for await (const run of client.workflow.list({ query })) ids.push(run.workflowId);
    if (ids.length) return ids;
    await sleep(250);
  }
  return [];
}

describe('daily pipeline', () => {
  let env: Env;
  let source: pg.Pool;
  let target: pg.Pool;
  let mongo: MongoClient;
  const rentalsOfCustomer1 = async () =>
    (
      await mongo
        .db(MONGO_DB)
        .collection(GOLDEN_RECORD_COLLECTION)
        .findOne({ _id: 1 as never })
    )?.total_rental_count as number;
  const sourceRentalsOfCustomer1 = async () =>
    Number((await source.query('select count(*) from rental where customer_id = 1')).rows[0].count);

  beforeAll(async () => {
    env = {
      ...(await freshDvdRentalPair({ source: 'daily_source', target: 'daily_target' })),
      MONGODB_DATABASE: MONGO_DB,
    };
    source = new pg.Pool({ connectionString: env.SOURCE_DATABASE_URL, max: 2 });
    target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
    mongo = await new MongoClient(env.MONGODB_URI).connect();
    await mongo.db(MONGO_DB).dropDatabase();
  });
  afterAll(async () => {
    await Promise.all([source?.end(), target?.end(), mongo?.close()]);
  });

  const cliEnv = ({ taskQueue }: WorkerHarness) => ({
    SOURCE_DATABASE_URL: env.SOURCE_DATABASE_URL,
    TARGET_DATABASE_URL: env.TARGET_DATABASE_URL,
    MONGODB_DATABASE: MONGO_DB,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });

  test('runs daily activity, migration then golden record as children, labelled for the Web UI, ending with golden records', async () => {
    const date = day(1);
    await withWorker(async ({ client, taskQueue }) => {
      const handle = await client.workflow.start(dailyPipelineWorkflow, {
        taskQueue,
        workflowId: idFor(date),
        args: [await dailyPipelineInput({ businessDate: date })],
      });
      const result = await handle.result();
      expect(result).toMatchObject({ businessDate: date, status: 'succeeded' });
      expect(result.steps.map((step) => [step.step, step.state])).toEqual([
        ['daily-activity', 'done'],
        ['migration', 'done'],
        ['geocoding', 'done'],
        ['golden-record', 'done'],
        ['categorize', 'done'],
      ]);

      const [, migration, , golden] = await Promise.all(
        result.steps.map((step) => client.workflow.getHandle(step.workflowId!).describe()),
      );
      expect(migration!.closeTime!.getTime()).toBeLessThanOrEqual(golden!.startTime.getTime());
      expect(golden!.typedSearchAttributes.get(PIPELINE)).toBe('golden-record');
      expect((await handle.describe()).typedSearchAttributes.get(BUSINESS_DATE)).toBe(date);
      expect(await findByAttributes(client, date)).toEqual([idFor(date)]);
    }, env);

    const customers = Number((await source.query('select count(*) from customer')).rows[0].count);
    expect(await mongo.db(MONGO_DB).collection(GOLDEN_RECORD_COLLECTION).countDocuments()).toBe(customers);
    // geocoding ran before the golden record: the documents carry the cities' coordinates
    const located = await mongo
      .db(MONGO_DB)
      .collection(GOLDEN_RECORD_COLLECTION)
      .countDocuments({ latitude: { $ne: null }, longitude: { $ne: null } });
    const { rows } = await target.query<{ count: string }>(
      `select count(*) from dvd_rental.customer cu
         join dvd_rental.address a using (address_id) join dvd_rental.city c using (city_id)
        where c.latitude is not null and c.longitude is not null`,
    );
    expect(located).toBe(Number(rows[0]!.count));
    // (the synthetic generator's made-up city names are not on any map)
    if (HAVE_ARCHIVE) expect(located).toBeGreaterThan(customers * 0.9);

    // every asset of the lineage now has a time: tables copied, views refreshed, collection consolidated
    const lineage = await runCli(['--json', 'lineage'], {
      SOURCE_DATABASE_URL: env.SOURCE_DATABASE_URL,
      TARGET_DATABASE_URL: env.TARGET_DATABASE_URL,
      MONGODB_DATABASE: MONGO_DB,
    });
    const { nodes } = jsonOf<LineageGraph>(lineage);
    expect(nodes.filter((node) => node.at === null).map((node) => node.name)).toEqual([]);
    expect(new Set(nodes.map((node) => node.kind))).toEqual(new Set(['table', 'view', 'collection']));
  });

  test('a failed step stops the later ones; a Web UI style reset finishes the run', async () => {
    const before = await rentalsOfCustomer1();
    await breakNextSync(source, target);
    await withWorker(async (harness) => {
      const failed = await runCli(['--json', 'daily', 'start', '--date', day(2)], cliEnv(harness));
      expect(failed.code).toBe(1);
      const outcome = jsonOf<RunOutcome<DailyPipelineResult>>(failed);
      expect(outcome.error).toMatch(/^step migration failed: table dvd_rental\.rental failed: .*no_far_returns/);
      const steps = (outcome.details as DailyPipelineResult).steps;
      expect(steps.map((step) => step.state)).toEqual(['done', 'failed', 'not_run', 'not_run', 'not_run']);
      await expect(
        harness.client.workflow.getHandle(`${outcome.workflowId}-golden-record`).describe(),
      ).rejects.toThrow();

      await fixTarget(target);
      const reset = await resetToStart(harness.client, harness.client.workflow.getHandle(outcome.workflowId));
      expect((await reset.result()).steps.map((step) => step.state)).toEqual(Array(5).fill('done'));
    }, env);
    expect(await rentalsOfCustomer1()).toBeGreaterThanOrEqual(before + 1);
    expect(await rentalsOfCustomer1()).toBe(await sourceRentalsOfCustomer1());
  });

  test('`daily rerun` runs a failed run again under its id, from the failed step', async () => {
    const before = await rentalsOfCustomer1();
    await breakNextSync(source, target);
    await withWorker(async (harness) => {
      const failed = await runCli(['daily', 'start', '--date', day(3)], cliEnv(harness));
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/migration +failed/);
      expect(failed.stdout).toMatch(/golden-record +not_run/);

      await fixTarget(target);
      const rerun = await runCli(['daily', 'rerun', `daily-pipeline-${day(3)}`, '--json'], cliEnv(harness));
      expect(rerun.code).toBe(0);
      const outcome = jsonOf<RunOutcome<DailyPipelineResult>>(rerun);
      expect(outcome).toMatchObject({ ok: true, workflowId: `daily-pipeline-${day(3)}` });
      expect(outcome.result!.steps.map((step) => step.state)).toEqual(['skipped', 'done', 'done', 'done', 'done']);

      const again = await runCli(['daily', 'rerun', `daily-pipeline-${day(3)}`], cliEnv(harness));
      expect(again.code).toBe(2);
      expect(again.stderr).toContain(`error: daily-pipeline-${day(3)} succeeded: there is nothing to rerun`);
    }, env);
    expect(await rentalsOfCustomer1()).toBeGreaterThanOrEqual(before + 1);
    expect(await rentalsOfCustomer1()).toBe(await sourceRentalsOfCustomer1());
  });
});
