import { condition, defineQuery, defineSignal, executeChild, setHandler, workflowInfo } from '@temporalio/workflow';
import { directCause } from '../shared/failures';
import { parseInput } from '../shared/parse-input';
import { DEFAULT_REFRESH, goldenRecordInputSchema, type GoldenRecordInput, type GoldenRecordStatus } from './types';
import { refreshViewsWorkflow } from './refresh-views';
import { upsertGoldenRecordsWorkflow } from './upsert-golden-records';

export const goldenRecordStatusQuery = defineQuery<GoldenRecordStatus>('goldenRecordStatus');
/** A manual rerun of a refresh that failed for good: the Web UI's "Send a Signal", or the CLI. */
export const rerunRefreshSignal = defineSignal('rerunRefresh');

/**
 * The daily golden record: refresh the views (a child), then upsert the documents (a child). The upsert
 * never runs on stale views: when the refresh fails after its retries, this waits for a rerun signal.
 */
export async function goldenRecordWorkflow(raw: GoldenRecordInput) {
  const input = parseInput(goldenRecordInputSchema, raw, 'golden record');
  const status: GoldenRecordStatus = { stage: 'refreshing', refreshRuns: 0 };
  let rerunRequested = false;
  setHandler(goldenRecordStatusQuery, () => status);
  setHandler(rerunRefreshSignal, () => void (rerunRequested = true));

  const { workflowId } = workflowInfo();
  for (;;) {
    status.refreshRuns++;
    status.stage = 'refreshing';
    try {
      const views = await executeChild(refreshViewsWorkflow, {
        workflowId: `${workflowId}-refresh-${status.refreshRuns}`,
        args: [{ views: input.views, ...DEFAULT_REFRESH, ...input.refresh }],
      });
      status.stage = 'upserting';
      const upsert = await executeChild(upsertGoldenRecordsWorkflow, {
        workflowId: `${workflowId}-upsert`,
        args: [{ batchSize: input.batchSize, consolidationDate: new Date().toISOString() }],
      });
      status.stage = 'done';
      return { views, upsert };
    } catch (error) {
      if (status.stage !== 'refreshing') throw error;
      status.lastRefreshError = directCause(error).message;
      status.stage = 'waiting_for_rerun';
      rerunRequested = false;
      await condition(() => rerunRequested);
    }
  }
}
