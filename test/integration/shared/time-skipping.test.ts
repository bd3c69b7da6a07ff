import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { testEnv } from '../../support/stack';
import { toolPath } from '../../../stack/tools';
import { sleepingWorkflow } from '../../workflows/sleeping';

describe('time-skipping test environment', () => {
  let testEnvironment: TestWorkflowEnvironment;

  beforeAll(async () => {
    // The pinned server from scripts/install-tools.sh: the SDK must never download one.
    testEnvironment = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: toolPath(testEnv(), 'temporal-test-server') } },
    });
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
