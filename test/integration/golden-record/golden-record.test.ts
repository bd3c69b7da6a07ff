import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { GOLDEN_RECORD_COLLECTION } from '../../../activities/golden-record/collections';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../../activities/golden-record/views-config-file';
import { goldenRecordStatusQuery, goldenRecordWorkflow } from '../../../workflows';
import { jsonOf, runCli } from '../../support/cli';
import { freshMigratedPair } from '../../support/migrated';
import { withWorker } from '../../support/stack';
import { createStuckView, STUCK_VIEW } from '../../support/stuck-view';

describe('golden record workflow', () => {
  test('waits for a rerun after a failed refresh, never upserting stale views; the CLI shows its stage and sends the rerun', async () => {
    const env = {
      ...(await freshMigratedPair({ source: 'golden_source', target: 'golden_target' })),
      MONGODB_DATABASE: 'golden_workflow_test',
    };
    const mongo = await new MongoClient(env.MONGODB_URI).connect();
    const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 1 });
    try {
      await mongo.db(env.MONGODB_DATABASE).dropDatabase();
      await createStuckView(target, 'constant');
      const views = [...(await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG)), STUCK_VIEW];
      const customers = Number((await target.query('select count(*) as n from dvd_rental.customer')).rows[0].n);
      const documents = () => mongo.db(env.MONGODB_DATABASE).collection(GOLDEN_RECORD_COLLECTION).countDocuments();

      const result = await withWorker(async ({ client, taskQueue }) => {
        const handle = await client.workflow.start(goldenRecordWorkflow, {
          taskQueue,
          workflowId: `golden-record-test-${Date.now()}`,
          args: [{ views, batchSize: 200, refresh: { attempts: 2, retryInterval: '1 second' } }],
        });
        let status = await handle.query(goldenRecordStatusQuery);
        for (let i = 0; i < 120 && status.stage !== 'waiting_for_rerun'; i++) {
          await sleep(500);
          status = await handle.query(goldenRecordStatusQuery);
        }
        expect(status).toMatchObject({ stage: 'waiting_for_rerun', refreshRuns: 1 });
        expect(status.lastRefreshError).toContain('v_stuck.stuck_mv');
        expect(await documents()).toBe(0);

        const shown = await runCli(['--json', 'golden', 'status', handle.workflowId]);
        expect(jsonOf<{ stage: { stage: string } }>(shown).stage.stage).toBe('waiting_for_rerun');
        await createStuckView(target, 'now');
        const rerun = await runCli(['golden', 'rerun', handle.workflowId]);
        expect(rerun).toMatchObject({
          code: 0,
          stdout: expect.stringContaining(`sent rerunRefresh to ${handle.workflowId}`),
        });
        const result = await handle.result();
        const again = await runCli(['golden', 'rerun', handle.workflowId]);
        expect(again.code).toBe(2);
        expect(again.stderr).toContain('is done, not waiting for a rerun');
        return result;
      }, env);

      expect(result.views.every((view) => view.refreshed)).toBe(true);
      expect(result.upsert.read).toBe(customers);
      expect(result.upsert.inserted + result.upsert.quarantined).toBe(customers);
      expect(await documents()).toBe(result.upsert.inserted);
    } finally {
      await target.end();
      await mongo.close();
    }
  });
});
