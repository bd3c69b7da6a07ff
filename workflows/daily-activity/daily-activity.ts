import {
  ApplicationFailure,
  defineQuery,
  executeChild,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DailyActivityActivities } from '../../activities/daily-activity';
import { FAILURE, rootCause } from '../shared/failures';
import { parseInput } from '../shared/parse-input';
import { connectionRetry } from '../shared/retry';
import { heartbeatingActivity } from '../shared/heartbeat';
import { labelPairs } from '../shared/search-attributes';
import { datesBetween } from './dates';
import { DAILY_ACTIVITY_NON_RETRYABLE } from './errors';
import {
  backfillInputSchema,
  DAILY_ACTIVITY,
  dailyActivityInputSchema,
  dayWorkflowId,
  type BackfillInput,
  type BackfillProgress,
  type DailyActivityInput,
  type DailyActivityStatus,
  type DayResult,
} from './types';

export const dailyActivityStatusQuery = defineQuery<DailyActivityStatus>('dailyActivityStatus');
export const backfillProgressQuery = defineQuery<BackfillProgress>('dailyActivityBackfillProgress');

const { activityWriteDay } = proxyActivities<DailyActivityActivities>(
  heartbeatingActivity({ startToCloseTimeout: '15 minutes', retry: connectionRetry(DAILY_ACTIVITY_NON_RETRYABLE) }),
);

/**
 * One business day of rentals, returns, payments and customers written into the source, in one transaction
 * (the activity). A day the ledger already has changes nothing; a day after a gap fails naming the missing days.
 */
export async function dailyActivityWorkflow(raw: DailyActivityInput): Promise<DayResult> {
  const { businessDate: given, ...config } = parseInput(dailyActivityInputSchema, raw, 'daily activity');
  const businessDate = given ?? workflowInfo().startTime.toISOString().slice(0, 10);
  const status: DailyActivityStatus = { businessDate, state: 'writing' };
  setHandler(dailyActivityStatusQuery, () => status);
  try {
    status.result = await activityWriteDay({ config, businessDate });
  } catch (error) {
    // the run fails with the activity's own error (type and message), not Temporal's "Activity task failed"
    const cause = rootCause(error);
    throw ApplicationFailure.nonRetryable(cause.message, cause.type ?? FAILURE.activityDayFailed);
  }
  status.state = 'done';
  return status.result;
}

/** Days from `from` to `to`, in order, each its own child run (its business id, its BusinessDate). */
export async function dailyActivityBackfillWorkflow(raw: BackfillInput): Promise<BackfillProgress> {
  const input = parseInput(backfillInputSchema, raw, 'daily activity backfill');
  const progress: BackfillProgress = {
    from: input.from,
    to: input.to,
    status: 'running',
    days: datesBetween(input.from, input.to).map((date) => ({
      businessDate: date,
      workflowId: dayWorkflowId(date),
      state: 'pending',
    })),
  };
  setHandler(backfillProgressQuery, () => progress);
  for (const day of progress.days) {
    day.state = 'running';
    try {
      day.result = await executeChild(dailyActivityWorkflow, {
        workflowId: day.workflowId,
        args: [{ ...input.config, businessDate: day.businessDate }],
        memo: { startedBy: workflowInfo().workflowId, businessDate: day.businessDate },
        typedSearchAttributes: labelPairs({
          pipeline: DAILY_ACTIVITY,
          config: input.configName,
          businessDate: day.businessDate,
        }),
      });
      day.state = 'done';
    } catch (error) {
      Object.assign(day, { state: 'failed', error: rootCause(error).message });
      progress.days.filter((later) => later.state === 'pending').forEach((later) => (later.state = 'not_run'));
      progress.status = 'failed';
      throw ApplicationFailure.nonRetryable(
        `day ${day.businessDate} failed: ${day.error}`,
        FAILURE.backfillDayFailed,
        progress,
      );
    }
  }
  progress.status = 'succeeded';
  return progress;
}
