// Fault 6 of issue 14: the target database unreachable when the run starts (its port refuses connections):
// the activity retries with backoff, the pending activity's last failure (what the Web UI shows, read here
// with the client's describe) says why, and the run completes once the database is reachable again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { connectClient } from '../../../common/temporal-client';
import type { WorkerProcess } from '../../../stack/worker-process';
import { faultRecorder } from '../../support/fault-results';
import { freePort, PortGate, withPort } from '../../support/own-servers';
import {
  endState,
  faultStack,
  resultOf,
  startMigration,
  startWorker,
  type FaultStack,
} from '../../support/worker-faults';

const ROWS = 100_000;

interface FailingActivity {
  type: string;
  attempt: number;
  message: string;
  /** The wait before the next attempt: the backoff. */
  backoffMs: number;
}

async function failingActivity(handle: WorkflowHandle): Promise<FailingActivity | undefined> {
  const { raw } = await handle.describe();
  const pending = raw.pendingActivities?.find((activity) => activity.lastFailure?.message);
  if (!pending) return undefined;
  return {
    type: pending.activityType?.name ?? '',
    attempt: pending.attempt ?? 0,
    message: pending.lastFailure?.message ?? '',
    backoffMs:
      (optionalTsToMs(pending.nextAttemptScheduleTime) ?? 0) - (optionalTsToMs(pending.lastAttemptCompleteTime) ?? 0),
  };
}

async function waitForFailure(handle: WorkflowHandle, minAttempt: number): Promise<FailingActivity> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const failing = await failingActivity(handle);
    if (failing && failing.attempt >= minAttempt) return failing;
    await sleep(200);
  }
  throw new Error(`no activity reached attempt ${minAttempt} with a failure`);
}

describe('target database unreachable at start', () => {
  const recorder = faultRecorder('6 target database unreachable at start');
  let stack: FaultStack;
  let client: Client;
  let worker: WorkerProcess;
  let gate: PortGate;

  beforeAll(async () => {
    stack = await faultStack('target_unreachable', { rows: ROWS });
    client = await connectClient(stack.env);
    gate = new PortGate(await freePort(), { host: stack.env.STACK_HOST, port: stack.env.STACK_PG_PORT });
    const targetUrl = withPort(stack.workerEnv.TARGET_DATABASE_URL!, gate.port);
    worker = await startWorker({ ...stack, workerEnv: { ...stack.workerEnv, TARGET_DATABASE_URL: targetUrl } });
  }, 180_000);

  afterAll(async () => {
    recorder.write();
    await worker?.stop();
    await gate?.close();
    await client?.connection.close();
    await Promise.all([stack?.source.end(), stack?.target.end()]);
  });

  test('retried with backoff, the reason in the pending activity, completes once the database is back', async () => {
    await recorder.trial(async () => {
      const handle = await startMigration(stack, client, 'target-unreachable');
      const second = await waitForFailure(handle, 2);
      const third = await waitForFailure(handle, 3);
      expect(third.type).toBe(second.type);
      expect(third.message).toMatch(/ECONNREFUSED/);
      // which database, and where: the address that refused; never the password
      expect(third.message).toMatch(new RegExp(`^target database target_unreachable_target at [^ ]+:${gate.port}: `));
      const password = new URL(stack.workerEnv.TARGET_DATABASE_URL!).password;
      expect(password).not.toBe('');
      expect(third.message).not.toContain(password);
      expect(third.backoffMs).toBeGreaterThan(second.backoffMs); // backoff grows (1 s, 2 s, 4 s, ...)
      console.log(
        `target unreachable: ${third.type} attempt ${third.attempt}, "${third.message}", next in ${third.backoffMs} ms`,
      );

      const openedAt = Date.now();
      await gate.open();
      const result = await resultOf(handle);
      const recovery = Date.now() - openedAt;
      expect(result.status).toBe('succeeded');
      const { source, target } = await endState(stack);
      expect(source.rows).toBe(ROWS);
      expect(target).toEqual(source);
      return { rowsChecked: target.rows, recoveryMs: recovery };
    });
  }, 180_000);
});
