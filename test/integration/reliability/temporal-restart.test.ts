// Fault 3 of issue 14: the Temporal server restarted mid-run (mid-copy, seen in pg_stat_progress_copy). The dev
// server persists to its SQLite file; this test has a server of its own (free ports, own file) so that the
// other test files keep theirs. The run completes, the target equal to the source.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { connectClient } from '../../../common/temporal-client';
import type { WorkerProcess } from '../../../stack/worker-process';
import { faultRecorder, faultTrials } from '../../support/fault-results';
import { ownTemporal, type OwnTemporal } from '../../support/own-servers';
import { testEnv } from '../../support/stack';
import {
  copySession,
  endState,
  faultStack,
  resultOf,
  startMigration,
  startWorker,
  type FaultStack,
} from '../../support/worker-faults';

const ROWS = 300_000;
const TRIALS = faultTrials(1, 3);
/** How long the server stays down: several heartbeats and a retried completion fall into it. */
const DOWN_MS = 5_000;

describe('Temporal server restarted mid-run', () => {
  const recorder = faultRecorder('3 Temporal server restarted');
  let temporal: OwnTemporal;
  let stack: FaultStack;
  let client: Client;
  let worker: WorkerProcess;

  beforeAll(async () => {
    temporal = await ownTemporal(testEnv(), 'temporal_restart');
    stack = await faultStack('temporal_restart', { env: temporal.env, rows: ROWS });
    client = await connectClient(temporal.env);
    worker = await startWorker(stack);
  }, 180_000);

  afterAll(async () => {
    recorder.write();
    await worker?.stop();
    await client?.connection.close();
    await temporal?.service.stop();
    await Promise.all([stack?.source.end(), stack?.target.end()]);
  });

  test(
    `${TRIALS} restart(s) during a copy: the run completes, target equal to the source`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        await recorder.trial(async () => {
          const handle = await startMigration(stack, client, `temporal-restart-${trial}`);
          await copySession(stack, 'target', Math.round(ROWS * 0.2));
          const stoppedAt = Date.now();
          expect(await temporal.service.stop()).toBe(true);
          await sleep(DOWN_MS);
          await temporal.service.start();
          const result = await resultOf(handle);
          const recovery = Date.now() - stoppedAt;
          expect(result.status).toBe('succeeded');
          const { source, target } = await endState(stack);
          expect(source.rows).toBe(ROWS);
          expect(target).toEqual(source);
          return { rowsChecked: target.rows, recoveryMs: recovery };
        });
      }
    },
    TRIALS * 180_000,
  );
});
