// Fault 2 of issue 14: two workers on one task queue, the one running the copy SIGKILLed mid-run;
// the other finishes the run alone, with every row copied once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { connectClient } from '../../../common/temporal-client';
import type { WorkerProcess } from '../../../stack/worker-process';
import { faultRecorder } from '../../support/fault-results';
import {
  BIG_TABLE_ROWS,
  copyAttempt,
  endState,
  faultStack,
  RECOVERY_GOAL_MS,
  recoveryMs,
  resultOf,
  startMigration,
  startWorker,
  waitForCopy,
  type FaultStack,
} from '../../support/worker-faults';

/** The pid of the worker that ran the copy activity's last attempt, from the run's history. */
async function copyWorkerPid(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const copies = new Set(
    events
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'migrationCopyTable')
      .map((event) => String(event.eventId)),
  );
  const started = events.filter((event) =>
    copies.has(String(event.activityTaskStartedEventAttributes?.scheduledEventId)),
  );
  return Number(started.at(-1)?.activityTaskStartedEventAttributes?.identity?.split('@')[0]);
}

describe('two workers, the one copying SIGKILLed', () => {
  const recorder = faultRecorder('2 two workers, the copying one SIGKILLed');
  let stack: FaultStack;
  let client: Client;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    stack = await faultStack('two_workers');
    client = await connectClient(stack.env);
    workers = await Promise.all([startWorker(stack), startWorker(stack)]);
  }, 180_000);

  afterAll(async () => {
    recorder.write();
    await Promise.all(workers.map((worker) => worker.stop()));
    await client?.connection.close();
    await Promise.all([stack?.source.end(), stack?.target.end()]);
  });

  test('the other worker finishes the run: target equal to the source, no row lost or doubled', async () => {
    await recorder.trial(async () => {
      const handle = await startMigration(stack, client, 'two-workers');
      // Killed a second after the copy started, not at a row count: heartbeats reach the server at most every
      // 2 s, so a fast copy could end before any count was seen (the copy of 1M rows takes about 4 s here).
      await waitForCopy(handle, (copy) => Boolean(copy?.workerPid));
      await sleep(1_000);
      const copying = (await copyAttempt(handle))!;
      const victim = workers.find((worker) => worker.pid === copying.workerPid)!;
      const survivor = workers.find((worker) => worker !== victim)!;
      expect(victim).toBeDefined();

      const killedAt = Date.now();
      await victim.kill();
      workers = [survivor];
      const recovery = await recoveryMs(handle, killedAt, copying.attempt);
      const result = await resultOf(handle);
      // the copy's last attempt (its started event is written when the attempt ends) ran on the survivor
      expect(await copyWorkerPid(handle)).toBe(survivor.pid);
      console.log(`two workers: the copying one killed, the other's retry made progress ${recovery} ms later`);

      expect(result.status).toBe('succeeded');
      expect(result.tables).toEqual([expect.objectContaining({ table: 'big', state: 'copied', rows: BIG_TABLE_ROWS })]);
      const { source, target } = await endState(stack);
      expect(target).toEqual(source);
      const { rows } = await stack.target.query<{ keys: string }>(
        'select count(distinct id) as keys from dvd_rental.big',
      );
      expect(Number(rows[0]!.keys)).toBe(BIG_TABLE_ROWS);
      expect(recovery).toBeLessThan(RECOVERY_GOAL_MS);
      return { rowsChecked: target.rows, recoveryMs: recovery };
    });
  }, 240_000);
});
