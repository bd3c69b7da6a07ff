import { Context } from '@temporalio/activity';
import { HEARTBEAT } from '../../workflows/shared/heartbeat';
import { copyProgressSignal, type CopyProgressReport } from '../../workflows/migration/progress';

const SIGNAL_EVERY_MS = 5_000;

/**
 * Hands the copy's progress (rows, bytes) to `beat` (the activity's keep-alive heartbeat, common/heartbeat.ts)
 * and, less often, signals it to the workflow so its progress query is live. Progress is best effort: a
 * failed signal never fails the copy.
 */
export function progressReporter(
  table: string,
  beat: (report: CopyProgressReport) => void,
): (progress: { rows: number; bytes: number }) => void {
  const context = Context.current();
  const started = Date.now();
  let lastHeartbeat = 0;
  let lastSignal = started;
  return ({ rows, bytes }) => {
    const now = Date.now();
    const report: CopyProgressReport = { table, rows, bytes, elapsedMs: now - started };
    if (now - lastHeartbeat >= HEARTBEAT.EVERY_MS) {
      lastHeartbeat = now;
      beat(report);
    }
    const execution = context.info.workflowExecution;
    if (execution && now - lastSignal >= SIGNAL_EVERY_MS) {
      lastSignal = now;
      context.client.workflow
        .getHandle(execution.workflowId, execution.runId)
        .signal(copyProgressSignal, report)
        .catch(() => undefined);
    }
  };
}
