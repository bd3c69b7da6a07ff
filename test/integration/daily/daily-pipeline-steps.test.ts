// dailyPipelineWorkflow's step logic on the time-skipping server: its children are the real migration,
// geocoding, golden-record and categorize workflows on the same worker, their activities stubbed.
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { REPO_ROOT } from '../../../common/env';
import { dailyPipelineWorkflow } from '../../../workflows';
import type { DailyPipelineInput, DailyPipelineResult } from '../../../workflows/daily/types';
import { DVD_RENTAL } from '../../support/migration-config';
import {
  categorizeStubs,
  dailyActivityStubs,
  geocodingStubs,
  goldenRecordStubs,
  migrationStubs,
  startedTables,
} from '../../support/stub-activities';
import { startTimeSkipping, withWorkflowWorker } from '../../support/time-skipping';

const readConfig = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'config', `${name}.json`), 'utf8'));
const VIEWS = readConfig('golden-record');
const ACTIVITY = readConfig('daily-activity');
const GEOCODING = readConfig('geocoding');
const CATEGORIZE = readConfig('categorize');

const input = (fromStep?: DailyPipelineInput['fromStep']): DailyPipelineInput => ({
  configName: 'dvd_rental',
  businessDate: '2026-11-26',
  fromStep,
  dailyActivity: ACTIVITY,
  migration: {
    configName: 'migration',
    tables: DVD_RENTAL,
    options: { mode: 'sync', deletes: 'delete', parallelism: 2, recreate: false },
  },
  geocoding: GEOCODING,
  goldenRecord: { views: VIEWS, batchSize: 100 },
  categorize: { configName: 'categorize', config: CATEGORIZE },
});

const states = (result: DailyPipelineResult) => Object.fromEntries(result.steps.map((step) => [step.step, step.state]));

describe('daily pipeline with stubbed activities (time-skipping)', () => {
  let environment: TestWorkflowEnvironment;
  beforeAll(async () => {
    environment = await startTimeSkipping();
  });
  afterAll(() => environment?.teardown());

  const run = async (workflowId: string, pipeline: DailyPipelineInput, failing?: string) => {
    const migration = migrationStubs({ failing, copyMs: 1 });
    const golden = goldenRecordStubs();
    const activity = dailyActivityStubs();
    const geocoding = geocodingStubs();
    const categorize = categorizeStubs();
    const activities = {
      ...activity.activities,
      ...migration.activities,
      ...geocoding.activities,
      ...golden.activities,
      ...categorize.activities,
    };
    const ended: { result?: DailyPipelineResult; error?: unknown } = await withWorkflowWorker(
      environment,
      activities,
      (taskQueue) =>
        environment.client.workflow.execute(dailyPipelineWorkflow, { taskQueue, workflowId, args: [pipeline] }).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        ),
    );
    return { ...ended, activity, migration, geocoding, golden, categorize };
  };

  test('runs the daily activity, migration, geocoding, golden record, then categorize, each a child', async () => {
    const { result, activity, migration, geocoding, golden, categorize } = await run('daily-all', input());
    expect(result!.steps.map((step) => [step.step, step.state])).toEqual([
      ['daily-activity', 'done'],
      ['migration', 'done'],
      ['geocoding', 'done'],
      ['golden-record', 'done'],
      ['categorize', 'done'],
    ]);
    expect(activity.days).toEqual(['2026-11-26']);
    expect(geocoding.calls).toEqual([
      'geocodingPrepareSchema',
      'geocodingSelectCities',
      'geocodingOffline',
      'geocodingSave',
    ]);
    expect(categorize.calls).toEqual([
      'categorizeEnsureRegistry',
      'categorizeEvaluate',
      'categorizeTrain',
      'categorizeAssign',
    ]);
    for (const [step, type] of [
      ['daily-activity', 'dailyActivityWorkflow'],
      ['geocoding', 'geocodingWorkflow'],
      ['categorize', 'categorizeWorkflow'],
    ]) {
      const child = await environment.client.workflow.getHandle(`daily-all-${step}`).describe();
      expect(child.type).toBe(type);
    }
    expect(startedTables(migration.log)).toHaveLength(DVD_RENTAL.length);
    expect(golden.calls).toEqual(['goldenEnsureViews', 'goldenRefreshViews', 'goldenUpsertRecords']);
    const child = await environment.client.workflow.getHandle('daily-all-golden-record').describe();
    expect(child.type).toBe('goldenRecordWorkflow');
  });

  test('an input made before the daily activity step (no dailyActivity key): the step is skipped, saying why', async () => {
    const older = input();
    delete older.dailyActivity;
    const { result, activity } = await run('daily-older-input', older);
    expect(result && states(result)).toEqual({
      'daily-activity': 'skipped',
      migration: 'done',
      geocoding: 'done',
      'golden-record': 'done',
      categorize: 'done',
    });
    expect(result!.steps[0]!.note).toContain('the run\'s input has no "dailyActivity"');
    expect(activity.days).toEqual([]);
  });

  test('fromStep golden-record: migration is skipped and its child never started; golden record runs', async () => {
    const { result, migration, golden } = await run('daily-from-golden', input('golden-record'));
    expect(result && states(result)).toEqual({
      'daily-activity': 'skipped',
      migration: 'skipped',
      geocoding: 'skipped',
      'golden-record': 'done',
      categorize: 'done',
    });
    expect(migration.log.events).toEqual([]);
    await expect(
      environment.client.workflow.getHandle('daily-from-golden-migration').describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(golden.calls).toEqual(['goldenEnsureViews', 'goldenRefreshViews', 'goldenUpsertRecords']);
    const child = await environment.client.workflow.getHandle('daily-from-golden-golden-record').describe();
    expect(child.status.name).toBe('COMPLETED');
  });

  test('a failing step stops the pipeline: it is failed, the steps after it not_run and never started', async () => {
    const { error, golden } = await run('daily-migration-fails', input(), 'rental');
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as { type?: string; message: string; details?: unknown[] };
    expect(cause.type).toBe('DailyStepFailed');
    expect(cause.message).toContain('step migration failed');
    expect(states(cause.details![0] as DailyPipelineResult)).toEqual({
      'daily-activity': 'done',
      migration: 'failed',
      geocoding: 'not_run',
      'golden-record': 'not_run',
      categorize: 'not_run',
    });
    expect(golden.calls).toEqual([]);
    await expect(
      environment.client.workflow.getHandle('daily-migration-fails-golden-record').describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('an input made before the geocoding step (no geocoding key): the step is skipped, saying why', async () => {
    const older = { ...input(), geocoding: undefined };
    const { result, geocoding } = await run('daily-without-geocoding', older);
    const step = result?.steps.find((status) => status.step === 'geocoding');
    expect(step).toMatchObject({ state: 'skipped', note: expect.stringContaining('no "geocoding"') });
    expect(geocoding.calls).toEqual([]);
    expect(result && states(result)['golden-record']).toBe('done');
  });

  test('an input made before the categorize step (no "categorize" key) reports it skipped, with why', async () => {
    const older = { ...input(), categorize: undefined };
    const { result, categorize } = await run('daily-without-categorize', older);
    const step = result?.steps.find((status) => status.step === 'categorize');
    expect(step).toMatchObject({ state: 'skipped', note: expect.stringContaining('no "categorize"') });
    expect(categorize.calls).toEqual([]);
  });
});
