import { ApplicationFailure, log, proxyActivities, sleep, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { CONNECTION_RETRY, REFRESH_ATTEMPT_RETRY } from '../shared/retry';
import type { RefreshViewsInput } from './types';

const { goldenEnsureViews } = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: CONNECTION_RETRY });
const attemptOptions: ActivityOptions = { startToCloseTimeout: '1 hour', retry: REFRESH_ATTEMPT_RETRY };
const { goldenRefreshViews } = proxyActivities<Activities>(attemptOptions);

/**
 * Refreshes the golden record's materialized views, each checked by its last_refresh_date before and after.
 * The whole refresh is tried `attempts` times, `retryInterval` apart, each attempt an activity of its own so
 * that every one shows in the Web UI; after the last one the workflow fails with NotAllViewsRefreshed.
 */
export async function refreshViewsWorkflow(input: RefreshViewsInput) {
  await goldenEnsureViews();
  for (let attempt = 1; ; attempt++) {
    try {
      const summary = `refresh attempt ${attempt} of ${input.attempts}`;
      return await goldenRefreshViews.executeWithOptions({ ...attemptOptions, summary }, [{ views: input.views }]);
    } catch (error) {
      const cause = (error as { cause?: ApplicationFailure }).cause;
      const message = cause?.message ?? (error as Error).message;
      if (attempt >= input.attempts) throw ApplicationFailure.nonRetryable(message, cause?.type ?? 'RefreshFailed');
      log.warn('views not refreshed, retrying', { attempt, attempts: input.attempts, in: input.retryInterval, message });
      await sleep(input.retryInterval);
    }
  }
}
