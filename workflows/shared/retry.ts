import type { RetryPolicy } from '@temporalio/common';
import { GOLDEN_RECORD_NON_RETRYABLE } from '../golden-record/errors';
import { MIGRATION_NON_RETRYABLE } from '../migration/errors';

/** Retry policies, declared once. No Node imports: workflows use this module. */

/** Errors that a retry cannot fix: bad configuration, bad data, failed verification. */
export const NON_RETRYABLE_ERRORS = ['ConfigError', ...MIGRATION_NON_RETRYABLE, ...GOLDEN_RECORD_NON_RETRYABLE];

/** For activities whose failures are mostly lost connections: retried with backoff, for up to ~10 minutes. */
export const CONNECTION_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 12,
  nonRetryableErrorTypes: NON_RETRYABLE_ERRORS,
};

/**
 * One attempt of the views refresh: lost connections are retried inside the attempt, but views that did
 * not refresh end it, since the workflow itself waits between whole attempts (each visible in the Web UI).
 */
export const REFRESH_ATTEMPT_RETRY: RetryPolicy = {
  ...CONNECTION_RETRY,
  nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS, 'NotAllViewsRefreshed'],
};
