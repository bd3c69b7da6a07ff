import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type pg from 'pg';
import { createActivities } from '../../../activities';
import type { Env } from '../../../common/env';
import { openResources, type Resources } from '../../../common/resources';
import { DEFAULT_REFRESH } from '../../../workflows/golden-record/types';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../../activities/golden-record/views-config-file';
import type { ViewConfig } from '../../../workflows/golden-record/views-config';
import { refreshViewsWorkflow } from '../../../workflows';
import { freshMigratedPair } from '../../support/migrated';
import { createStuckView, STUCK_VIEW } from '../../support/stuck-view';
import { startTimeSkipping, withWorkflowWorker } from '../../support/time-skipping';

const seconds = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(time?.seconds ?? 0) + (time?.nanos ?? 0) / 1e9;

describe('views refresh with retries (time-skipping)', () => {
  let testEnvironment: TestWorkflowEnvironment;
  let env: Env;
  let resources: Resources;
  let target: pg.Pool;
  let views: ViewConfig[];

  beforeAll(async () => {
    env = await freshMigratedPair({ source: 'refresh_source', target: 'refresh_target' });
    resources = await openResources(env);
    target = resources.targetPg;
    views = [...(await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG)), STUCK_VIEW];
    testEnvironment = await startTimeSkipping();
  });
  afterAll(async () => {
    await resources?.close();
    await testEnvironment?.teardown();
  });

  async function runRefresh(workflowId: string) {
    return withWorkflowWorker(testEnvironment, createActivities(resources), async (taskQueue) => {
      const handle = await testEnvironment.client.workflow.start(refreshViewsWorkflow, {
        taskQueue,
        workflowId,
        args: [{ views, ...DEFAULT_REFRESH }],
      });
      const outcome = await handle.result().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      return { handle, outcome };
    });
  }

  test('a view that cannot refresh: 4 attempts, 120 s apart, then NotAllViewsRefreshed naming it', async () => {
    await createStuckView(target, 'constant');
    const { handle, outcome } = await runRefresh('refresh-stuck');

    expect('error' in outcome).toBe(true);
    const failure = (outcome as { error: WorkflowFailedError }).error;
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure.cause as { type?: string }).type).toBe('NotAllViewsRefreshed');
    expect(failure.cause?.message).toContain('v_stuck.stuck_mv');
    expect(failure.cause?.message).not.toContain('customers_mv');

    const { events } = await handle.fetchHistory();
    const attempts = (events ?? []).filter(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'goldenRefreshViews',
    );
    expect(attempts).toHaveLength(4);
    const gaps = attempts.slice(1).map((event, i) => seconds(event.eventTime) - seconds(attempts[i]!.eventTime));
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(120);
      expect(gap).toBeLessThan(150);
    }
  });

  test('once the fault is gone, a rerun refreshes every view', async () => {
    await createStuckView(target, 'now');
    const { outcome } = await runRefresh('refresh-fixed');
    expect('value' in outcome).toBe(true);
    const refreshed = (outcome as { value: Array<{ view: string; refreshed: boolean }> }).value;
    expect(refreshed.map((view) => [view.view, view.refreshed])).toEqual([
      ['v_dvd_rental.customers_mv', true],
      ['v_dvd_rental.customer_aggr_mv', true],
      ['v_dvd_rental.last_rentals_mv', true],
      ['v_stuck.stuck_mv', true],
    ]);
  });
});
