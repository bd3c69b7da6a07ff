import type { RetryPolicy } from '@temporalio/common';
import { MIGRATION_NON_RETRYABLE } from '../migration/errors';

/** Retry policies, declared once. No Node imports: workflows use this module. */

/** Errors that a retry cannot fix: bad configuration, bad data, failed verification. */
export const NON_RETRYABLE_ERRORS = ['ConfigError', ...MIGRATION_NON_RETRYABLE];

/** For activities whose failures are mostly lost connections: retried with backoff, for up to ~10 minutes. */
export const CONNECTION_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 12,
  nonRetryableErrorTypes: NON_RETRYABLE_ERRORS,
};
