// Fault 4 of issue 14 (the copy): pg_terminate_backend on the copy's source session and, separately, its
// target session, mid-copy (after a set number of rows, seen in pg_stat_progress_copy): the attempt's
// transaction is rolled back, the activity retried, and the table ends equal to the source.
import type { Client } from '@temporalio/client';
import { connectClient } from '../../../common/temporal-client';
import type { WorkerProcess } from '../../../stack/worker-process';
import { faultRecorder, faultTrials } from '../../support/fault-results';
import {
  copySession,
  endState,
  faultStack,
  maxAttempt,
  recoveryMs,
  resultOf,
  startMigration,
  startWorker,
  terminateBackend,
  type CopySide,
  type FaultStack,
} from '../../support/worker-faults';

const TRIALS = faultTrials(1, 5);

/** Enough for a copy of a few seconds; the kill is placed by rows, not by time. */
const ROWS = 300_000;

describe('the copy’s source or target session terminated mid-copy', () => {
  const recorders = {
    source: faultRecorder('4 pg session killed: copy source'),
    target: faultRecorder('4 pg session killed: copy target'),
  };
  let stack: FaultStack;
  let client: Client;
  let worker: WorkerProcess;

  beforeAll(async () => {
    stack = await faultStack('pg_kill_copy', { rows: ROWS });
    client = await connectClient(stack.env);
    worker = await startWorker(stack);
  }, 180_000);

  afterAll(async () => {
    Object.values(recorders).forEach((recorder) => recorder.write());
    await worker?.stop();
    await client?.connection.close();
    await Promise.all([stack?.source.end(), stack?.target.end()]);
  });

  test.each<CopySide>(['source', 'target'])(
    '%s: rolled back, retried, target equal to the source',
    async (side) => {
      for (let trial = 0; trial < TRIALS; trial++) {
        await recorders[side].trial(async () => {
          const handle = await startMigration(stack, client, `pg-kill-${side}-${trial}`);
          // a different point of the copy each trial: 10% to 50% of the rows
          const pid = await copySession(stack, side, Math.round(ROWS * (0.1 + (0.4 * trial) / TRIALS)));
          const killedAt = Date.now();
          await terminateBackend(side === 'source' ? stack.source : stack.target, pid);
          const recovery = await recoveryMs(handle, killedAt, 1);
          const result = await resultOf(handle);
          expect(result.status).toBe('succeeded');
          expect(await maxAttempt(handle)).toBeGreaterThanOrEqual(2);
          const { source, target } = await endState(stack);
          expect(target).toEqual(source);
          expect(source.rows).toBe(ROWS);
          return { rowsChecked: target.rows, recoveryMs: recovery };
        });
      }
    },
    TRIALS * 120_000,
  );
});
