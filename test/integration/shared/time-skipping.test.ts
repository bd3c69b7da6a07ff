import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { startTimeSkipping } from '../../support/time-skipping';
import { sleepingWorkflow } from '../../workflows/sleeping';

describe('time-skipping test environment', () => {
  let testEnvironment: TestWorkflowEnvironment;

  beforeAll(async () => {
    testEnvironment = await startTimeSkipping();
  });

  afterAll(() => testEnvironment?.teardown());

  test('a workflow that sleeps 30 days finishes in seconds of wall time', async () => {
    const worker = await Worker.create({
      connection: testEnvironment.nativeConnection,
      taskQueue: 'time-skipping',
      workflowsPath: path.join(__dirname, '..', '..', 'workflows', 'sleeping.ts'),
    });
    const started = Date.now();
    const result = await worker.runUntil(
      testEnvironment.client.workflow.execute(sleepingWorkflow, {
        taskQueue: 'time-skipping',
        workflowId: 'sleep-30-days',
        args: [{ days: 30 }],
      }),
    );
    const slept = Date.parse(result.wokeAt) - Date.parse(result.fellAsleepAt);
    expect(slept).toBeGreaterThanOrEqual(30 * 24 * 3600 * 1000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
