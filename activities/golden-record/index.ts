import type { ViewConfig } from '../../golden-record/views-config';
import type { ActivityDeps } from '../deps';
import { ensureViews, refreshViews } from './views';

export function goldenRecordActivities({ targetPg }: ActivityDeps) {
  return {
    /** Creates (or upgrades) the golden record's materialized views; idempotent. */
    goldenEnsureViews() {
      return ensureViews({ target: targetPg });
    },

    /** Refreshes every view, checked by last_refresh_date; throws NotAllViewsRefreshed naming the stale ones. */
    goldenRefreshViews({ views }: { views: ViewConfig[] }) {
      return refreshViews({ target: targetPg, views });
    },
  };
}
