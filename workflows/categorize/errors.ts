// Categorize error classes. Pure: workflow code imports them (retry policies list them by name).

/** config/categorize.json is malformed or inconsistent (labels not one per group, unknown feature, ...). */
export class CategorizeConfigError extends Error {
  override name = 'CategorizeConfigError';
}

/**
 * Neither the saved model nor a new one reaches the silhouette threshold on today's data. Not retryable:
 * the same data gives the same score. Nothing was written to the golden records.
 */
export class NoModelReachesThreshold extends Error {
  override name = 'NoModelReachesThreshold';
}

/** The golden records hold too few customers, or features that are not numbers, to cluster. */
export class CategorizeDataError extends Error {
  override name = 'CategorizeDataError';
}

/** Errors that a retry cannot fix. */
export const CATEGORIZE_NON_RETRYABLE = ['CategorizeConfigError', 'NoModelReachesThreshold', 'CategorizeDataError'];
