// dailyPipelineWorkflow's step logic on the time-skipping server: its children are the real migration and
// golden-record workflows on the same worker, their activities stubbed.
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { REPO_ROOT } from '../../../common/env';
import { dailyPipelineWorkflow } from '../../../workflows';
import type { DailyPipelineInput, DailyPipelineResult } from '../../../workflows/daily/types';
import { DVD_RENTAL } from '../../support/migration-config';
import { dailyActivityStubs, goldenRecordStubs, migrationStubs, startedTables } from '../../support/stub-activities';
import { startTimeSkipping, withWorkflowWorker } from '../../support/time-skipping';

const readConfig = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'config', `${name}.json`), 'utf8'));
const VIEWS = readConfig('golden-record');
const ACTIVITY = readConfig('daily-activity');

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
  goldenRecord: { views: VIEWS, batchSize: 100 },
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
    const activities = { ...activity.activities, ...migration.activities, ...golden.activities };
    const ended: { result?: DailyPipelineResult; error?: unknown } = await withWorkflowWorker(
      environment,
      activities,
      (taskQueue) =>
        environment.client.workflow.execute(dailyPipelineWorkflow, { taskQueue, workflowId, args: [pipeline] }).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        ),
    );
    return { ...ended, activity, migration, golden };
  };

  test('runs the daily activity, migration, then golden record, each a child workflow', async () => {
    const { result, activity, migration, golden } = await run('daily-all', input());
    expect(result && states(result)).toEqual({ 'daily-activity': 'done', migration: 'done', 'golden-record': 'done' });
    expect(result!.steps.map((step) => step.step)).toEqual(['daily-activity', 'migration', 'golden-record']);
    expect(activity.days).toEqual(['2026-11-26']);
    const first = await environment.client.workflow.getHandle('daily-all-daily-activity').describe();
    expect(first.type).toBe('dailyActivityWorkflow');
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
      'golden-record': 'done',
    });
    expect(result!.steps[0]!.note).toContain('the run\'s input has no "dailyActivity"');
    expect(activity.days).toEqual([]);
  });

  test('fromStep golden-record: migration is skipped and its child never started; golden record runs', async () => {
    const { result, migration, golden } = await run('daily-from-golden', input('golden-record'));
    expect(result && states(result)).toEqual({
      'daily-activity': 'skipped',
      migration: 'skipped',
      'golden-record': 'done',
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
      'golden-record': 'not_run',
    });
    expect(golden.calls).toEqual([]);
    await expect(
      environment.client.workflow.getHandle('daily-migration-fails-golden-record').describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});
