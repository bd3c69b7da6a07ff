// Daily-activity error classes. Pure: workflow code imports them (retry policies list them by name).

/** config/daily-activity.json is malformed. */
export class ActivityConfigError extends Error {
  override name = 'ActivityConfigError';
}

/** A business date that would leave a gap in the simulated days, or one before the first. */
export class DaysOutOfOrder extends Error {
  override name = 'DaysOutOfOrder';
}

/** The source schema lacks what the generator writes to (a dvd_rental table). */
export class ActivitySourceError extends Error {
  override name = 'ActivitySourceError';
}

/** Errors that a retry cannot fix. */
export const DAILY_ACTIVITY_NON_RETRYABLE = ['ActivityConfigError', 'DaysOutOfOrder', 'ActivitySourceError'];
