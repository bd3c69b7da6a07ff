// Fault 4 of issue 14 (the views refresh): pg_terminate_backend on the session refreshing a golden-record
// view. Placed deterministically: a SHARE lock on the view (an index built in a transaction left open: LOCK TABLE
// refuses materialized views), taken by the test before the run starts, lets ensureViews through (its
// `create unique index if not exists` takes SHARE too) but makes the refresh (EXCLUSIVE) wait; the test
// sees it waiting in pg_stat_activity, terminates it, then releases the lock. The attempt fails, the refresh
// is retried, and the golden documents equal a clean run's.
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../../activities/golden-record/views-config-file';
import type { Env } from '../../../common/env';
import { goldenRecordWorkflow } from '../../../workflows';
import { faultRecorder } from '../../support/fault-results';
import { cleanGoldenDocs, sortedGoldenDocs } from '../../support/golden-records';
import { holdLock, killWaiter } from '../../support/locks';
import { populatedViews, type PopulatedViews } from '../../support/populated-views';
import { withWorker } from '../../support/stack';

const KILLED_VIEW = 'v_dvd_rental.customer_aggr_mv';
/** A lock timeout longer than the wait for the kill: the attempt fails by the kill, not by the timeout. */
const REFRESH = { attempts: 3, retryInterval: '2 seconds', lockTimeout: '60 seconds' };

describe('the views refresh’s session terminated mid-refresh', () => {
  const recorder = faultRecorder('4 pg session killed: views refresh');
  let env: Env;
  let target: pg.Pool;
  let mongo: MongoClient;

  let views: PopulatedViews | undefined;

  beforeAll(async () => {
    views = await populatedViews({
      source: 'pg_kill_views_source',
      target: 'pg_kill_views_target',
      mongoDatabase: 'killed_views',
    });
    ({ env, target, mongo } = views);
  });

  afterAll(async () => {
    recorder.write();
    await views?.close();
  });

  test('the refresh is retried and completes; the golden documents equal a clean run’s', async () => {
    await recorder.trial(async () => {
      const views = await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG);
      const lock = await holdLock(target, `create index pg_kill_views_share_lock on ${KILLED_VIEW} (customer_id)`);
      try {
        return await withWorker(async ({ client, taskQueue }) => {
          const handle = await client.workflow.start(goldenRecordWorkflow, {
            taskQueue,
            workflowId: `pg-kill-views-${randomUUID()}`,
            args: [{ views, batchSize: 200, refresh: REFRESH }],
          });
          const refresh = client.workflow.getHandle(`${handle.workflowId}-refresh-1`);
          // the statement names the view quoted ("v_dvd_rental"."customer_aggr_mv")
          const { killedAt, waiter } = await killWaiter(target, lock, '%refresh materialized view%customer_aggr_mv%');
          console.log(`views refresh: terminating session ${waiter.pid} waiting on: ${waiter.query}`);
          expect(waiter.query).toMatch(/^refresh materialized view concurrently/);
          await refresh.result();
          const recovery = Date.now() - killedAt;
          const result = await handle.result();
          console.log(`views refresh: session ${waiter.pid} terminated; refreshed by the retry ${recovery} ms later`);
          expect(result.views.every((view) => view.refreshed)).toBe(true);
          const events = (await refresh.fetchHistory()).events ?? [];
          const attempts = events.filter(
            (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'goldenRefreshViews',
          );
          expect(attempts).toHaveLength(2); // the killed one, then its retry
          const failure = events.find((event) => event.activityTaskFailedEventAttributes)
            ?.activityTaskFailedEventAttributes?.failure?.message;
          expect(failure).toContain(`Not all views refreshed: ${KILLED_VIEW}`);
          expect(failure).toContain('terminating connection due to administrator command');
          const written = await sortedGoldenDocs(mongo.db(env.MONGODB_DATABASE));
          const consolidated = written[0]!.last_consolidation_date as Date;
          expect(written).toEqual(await cleanGoldenDocs(env, mongo.db('killed_views_clean'), consolidated));
          return { rowsChecked: written.length, recoveryMs: recovery };
        }, env);
      } finally {
        await lock.release().catch(() => {}); // released already after the kill
      }
    });
  }, 120_000);
});
