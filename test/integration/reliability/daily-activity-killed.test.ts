// Fault 8 of issue 14: the worker SIGKILLed during the day's transaction of the daily activity (held at a
// lock on payment, after the day's first writes): the day is not written at all, the retry on a new worker
// writes it once, equal to the same day on an exact copy of the source, and a rerun writes nothing.
import type { Client } from '@temporalio/client';
import { writeDay } from '../../../activities/daily-activity/write-day';
import { connectClient } from '../../../common/temporal-client';
import type { WorkerProcess } from '../../../stack/worker-process';
import { dailyActivityWorkflow } from '../../../workflows';
import type { DayResult } from '../../../workflows/daily-activity/types';
import {
  baselineOf,
  BUSY_CONFIG,
  cloneSource,
  contentChecksum,
  loadedSource,
  poolOf,
  ruleViolations,
  SEQUENCE_IDS,
} from '../../support/daily-activity';
import { faultRecorder } from '../../support/fault-results';
import { backendGone, holdLock, lockWaiter } from '../../support/locks';
import { faultStack, startWorker, type FaultStack } from '../../support/worker-faults';

const [SOURCE, CLEAN] = ['fault_day_source', 'fault_day_clean'];
const DAY = '2026-12-01';

/** The day's ledger entries (none when the ledger itself was never committed). */
async function ledgerRows(stack: FaultStack): Promise<number> {
  const { rows } = await stack.source.query<{ ledger: string | null }>(`select to_regclass('_activity.day') as ledger`);
  if (!rows[0]?.ledger) return 0;
  const entries = await stack.source.query('select 1 from _activity.day where business_date = $1', [DAY]);
  return entries.rowCount ?? 0;
}

const writtenRows = (day: DayResult) =>
  Object.values(day.rows).reduce((sum, table) => sum + table.inserted + table.updated, 0);

describe('daily activity: the worker killed mid-day', () => {
  const recorder = faultRecorder('8 daily activity killed mid-day');
  let stack: FaultStack;
  let client: Client;
  let worker: WorkerProcess;
  let cleanDay: DayResult;
  let cleanContent: Record<string, string>;

  beforeAll(async () => {
    await loadedSource(SOURCE);
    await cloneSource(SOURCE, CLEAN);
    const clean = poolOf(CLEAN);
    try {
      cleanDay = await writeDay({ source: clean, config: BUSY_CONFIG, businessDate: DAY });
      cleanContent = await contentChecksum(clean, SEQUENCE_IDS);
    } finally {
      await clean.end();
    }
    stack = await faultStack('fault_day', { sourceDatabase: SOURCE });
    client = await connectClient(stack.env);
    worker = await startWorker(stack);
  }, 240_000);

  afterAll(async () => {
    recorder.write();
    await worker?.stop();
    await client?.connection.close();
    await Promise.all([stack?.source.end(), stack?.target.end()]);
  });

  test('nothing of the day after the kill; the retry writes it once, as a clean run; a rerun writes nothing', async () => {
    await recorder.trial(async () => {
      const before = await contentChecksum(stack.source);
      const baseline = await baselineOf(stack.source);
      const lock = await holdLock(stack.source, 'lock table payment in exclusive mode');
      const handle = await client.workflow.start(dailyActivityWorkflow, {
        taskQueue: stack.taskQueue,
        workflowId: `fault-day-${DAY}-${Date.now()}`,
        args: [{ ...BUSY_CONFIG, businessDate: DAY }],
      });
      const waiter = await lockWaiter(stack.source, '%payment%');
      expect(waiter.hasWritten).toBe(true); // mid-transaction: the day's first rows are written, not committed
      const killedAt = Date.now();
      await worker.kill();
      await lock.release();
      await backendGone(stack.source, waiter.pid);
      expect(await contentChecksum(stack.source)).toEqual(before);
      expect(await ledgerRows(stack)).toBe(0);

      worker = await startWorker(stack);
      const result = await handle.result();
      const recovery = Date.now() - killedAt;
      // The same rows as the day on a clean copy, but for the ids: the killed attempt used up sequence values.
      expect(result).toMatchObject({ alreadyRun: false, rows: cleanDay.rows });
      expect(await contentChecksum(stack.source, SEQUENCE_IDS)).toEqual(cleanContent);
      expect(await ledgerRows(stack)).toBe(1);
      const violations = await ruleViolations(stack.source, baseline);
      expect(Object.entries(violations).filter(([, count]) => count !== 0)).toEqual([]); // names the rule broken
      const after = await contentChecksum(stack.source);

      const rerun = await client.workflow.execute(dailyActivityWorkflow, {
        taskQueue: stack.taskQueue,
        workflowId: `fault-day-${DAY}-rerun-${Date.now()}`,
        args: [{ ...BUSY_CONFIG, businessDate: DAY }],
      });
      expect(rerun).toMatchObject({ alreadyRun: true, checksum: result.checksum });
      expect(await contentChecksum(stack.source)).toEqual(after);
      expect(await ledgerRows(stack)).toBe(1);
      return { rowsChecked: writtenRows(cleanDay), recoveryMs: recovery };
    });
  }, 240_000);
});
