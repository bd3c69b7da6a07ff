// Golden-record error classes. Pure: workflow code imports them (retry policies list them by name).

/** config/golden-record.json is malformed, or names a view the target database does not have. */
export class ViewsConfigError extends Error {
  override name = 'ViewsConfigError';
}

/** A view whose last_refresh_date did not move, with why (unchanged timestamp or the refresh's error). */
export interface StaleView {
  view: string;
  reason: string;
}

/**
 * Some views kept their last_refresh_date across a refresh. Retryable: the refresh workflow retries the
 * whole refresh. The message names every such view, since only the message survives a Temporal failure.
 */
export class NotAllViewsRefreshed extends Error {
  override name = 'NotAllViewsRefreshed';
  readonly views: string[];

  constructor(stale: readonly StaleView[]) {
    super(`Not all views refreshed: ${stale.map(({ view, reason }) => `${view} (${reason})`).join('; ')}`);
    this.views = stale.map(({ view }) => view);
  }
}

/**
 * ensureViews waited longer than its lock timeout for a lock another session holds on a view (or on
 * dvd_rental.city). Retryable: the other session may be done by the next attempt. The message names it.
 */
export class ViewsLocked extends Error {
  override name = 'ViewsLocked';
}

/** Errors that a retry cannot fix. */
export const GOLDEN_RECORD_NON_RETRYABLE = ['ViewsConfigError'];
