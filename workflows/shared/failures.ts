// Failure type names and cause unwrapping, written once. Pure: workflow code imports it.

/** The `type` of the ApplicationFailures this service raises itself; error classes use their class name. */
export const FAILURE = {
  /** Bad input or configuration: never retried. */
  config: 'ConfigError',
  migrationFailed: 'MigrationFailed',
  refreshFailed: 'RefreshFailed',
  dailyStepFailed: 'DailyStepFailed',
  backfillDayFailed: 'BackfillDayFailed',
  activityDayFailed: 'ActivityDayFailed',
} as const;

interface FailureLike {
  message?: string;
  type?: string;
  cause?: unknown;
}

export interface Cause {
  message: string;
  /** The ApplicationFailure's type (the thrown error's class name), when it has one. */
  type?: string;
}

const asCause = (failure: FailureLike, fallback: unknown): Cause => ({
  message: failure.message ?? String(fallback),
  ...(failure.type !== undefined && { type: failure.type }),
});

/** The error an activity or child threw: the failure Temporal wraps it in is one level up. */
export function directCause(error: unknown): Cause {
  const failure = error as FailureLike;
  return asCause((failure.cause as FailureLike | undefined) ?? failure, error);
}

/** The innermost cause: through a child workflow's failure down to the activity error that started it. */
export function rootCause(error: unknown): Cause {
  let current = error as FailureLike;
  while (current.cause) current = current.cause as FailureLike;
  return asCause(current, error);
}
