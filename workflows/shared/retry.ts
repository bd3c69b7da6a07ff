import type { RetryPolicy } from '@temporalio/common';
import { FAILURE } from './failures';

/** Retry policies, declared once; each pipeline names its own error classes. No Node imports: workflows use this module. */

/** Errors that no retry can fix, in every pipeline. */
export const COMMON_NON_RETRYABLE: readonly string[] = [FAILURE.config];

/**
 * For activities whose failures are mostly lost connections: retried with backoff, for up to ~10 minutes;
 * `nonRetryable` (the pipeline's error class names: bad configuration, bad data, failed verification) fail at once.
 */
export function connectionRetry(nonRetryable: readonly string[] = []): RetryPolicy {
  return {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 12,
    nonRetryableErrorTypes: [...COMMON_NON_RETRYABLE, ...nonRetryable],
  };
}
