import { Context, log } from '@temporalio/activity';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { DEFAULT_LOCK_TIMEOUT, type UpsertInput } from '../../workflows/golden-record/types';
import type { ViewConfig } from '../../workflows/golden-record/views-config';
import { withKeepAlive } from '../../common/heartbeat';
import type { ActivityDeps } from '../deps';
import { upsertGoldenRecords, type UpsertProgress, type UpsertSummary } from './upsert';
import { ensureViews, refreshViews } from './views';

export function goldenRecordActivities({ targetPg, mongo }: ActivityDeps) {
  return {
    /** Creates (or upgrades) the golden record's materialized views; idempotent. ViewsLocked past lockTimeout. */
    goldenEnsureViews({ lockTimeout = DEFAULT_LOCK_TIMEOUT }: { lockTimeout?: Duration } = {}) {
      return ensureViews({ target: targetPg, lockTimeoutMs: msToNumber(lockTimeout) });
    },

    /** Refreshes every view, checked by last_refresh_date; throws NotAllViewsRefreshed naming the stale ones. */
    goldenRefreshViews({ views, lockTimeout = DEFAULT_LOCK_TIMEOUT }: { views: ViewConfig[]; lockTimeout?: Duration }) {
      return refreshViews({ target: targetPg, views, lockTimeoutMs: msToNumber(lockTimeout) });
    },

    /**
     * One document per customer into MongoDB. Heartbeats the last customer written; a retried attempt
     * resumes after it (writes are keyed by _id, so a replayed batch changes nothing).
     */
    goldenUpsertRecords({ batchSize, consolidationDate }: UpsertInput) {
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as UpsertProgress | undefined;
      return withKeepAlive<UpsertProgress, UpsertSummary>((beat) =>
        upsertGoldenRecords({
          target: targetPg,
          mongo,
          // sources[].path names host and database only: the URL's credentials never leave the worker
          targetUrl: targetPg.options.connectionString ?? '',
          batchSize,
          consolidationDate: new Date(consolidationDate),
          resumeAfterCustomerId: resumed?.lastCustomerId,
          resumePass: resumed?.pass === undefined ? undefined : resumed,
          onPass: ({ pass, fullPassReason }) => {
            if (pass === 'full') log.warn('golden record: full pass, the stored state is not used', { fullPassReason });
            else log.info('golden record: incremental pass over the stored state');
          },
          onBatch: beat,
          signal: context.cancellationSignal,
        }),
      );
    },
  };
}

export type GoldenRecordActivities = ReturnType<typeof goldenRecordActivities>;
