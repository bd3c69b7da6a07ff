import { ApplicationFailure, log, proxyActivities, sleep, type ActivityOptions } from '@temporalio/workflow';
import type { GoldenRecordActivities } from '../../activities/golden-record';
import { directCause, FAILURE } from '../shared/failures';
import { parseInput } from '../shared/parse-input';
import { connectionRetry } from '../shared/retry';
import { GOLDEN_RECORD_NON_RETRYABLE, NotAllViewsRefreshed } from './errors';
import { refreshViewsInputSchema, type RefreshViewsInput } from './types';

const GOLDEN_RECORD_RETRY = connectionRetry(GOLDEN_RECORD_NON_RETRYABLE);
/**
 * One attempt of the views refresh: lost connections are retried inside the attempt, but views that did
 * not refresh end it, since the workflow itself waits between whole attempts (each visible in the Web UI).
 */
const REFRESH_ATTEMPT_RETRY = connectionRetry([...GOLDEN_RECORD_NON_RETRYABLE, NotAllViewsRefreshed.name]);

const { goldenEnsureViews } = proxyActivities<GoldenRecordActivities>({
  startToCloseTimeout: '10 minutes',
  retry: GOLDEN_RECORD_RETRY,
});
const attemptOptions: ActivityOptions = { startToCloseTimeout: '1 hour', retry: REFRESH_ATTEMPT_RETRY };
const { goldenRefreshViews } = proxyActivities<GoldenRecordActivities>(attemptOptions);

/**
 * Refreshes the golden record's materialized views, each checked by its last_refresh_date before and after.
 * The whole refresh is tried `attempts` times, `retryInterval` apart, each attempt an activity of its own so
 * that every one shows in the Web UI; after the last one the workflow fails with NotAllViewsRefreshed.
 */
export async function refreshViewsWorkflow(raw: RefreshViewsInput) {
  const input = parseInput(refreshViewsInputSchema, raw, 'refresh views');
  await goldenEnsureViews({ lockTimeout: input.lockTimeout });
  for (let attempt = 1; ; attempt++) {
    try {
      const summary = `refresh attempt ${attempt} of ${input.attempts}`;
      return await goldenRefreshViews.executeWithOptions({ ...attemptOptions, summary }, [
        { views: input.views, lockTimeout: input.lockTimeout },
      ]);
    } catch (error) {
      const { message, type } = directCause(error);
      if (attempt >= input.attempts) throw ApplicationFailure.nonRetryable(message, type ?? FAILURE.refreshFailed);
      log.warn('views not refreshed, retrying', {
        attempt,
        attempts: input.attempts,
        in: input.retryInterval,
        message,
      });
      await sleep(input.retryInterval);
    }
  }
}
