import type { RetryPolicy } from '@temporalio/common';

/** Retry policies, declared once. No Node imports: workflows use this module. */
export const CONNECTION_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 5,
  nonRetryableErrorTypes: ['ConfigError', 'ValidationError'],
};
