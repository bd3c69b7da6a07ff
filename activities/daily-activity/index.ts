import { Context } from '@temporalio/activity';
import { withKeepAlive } from '../../common/heartbeat';
import type { DailyActivityConfig } from '../../workflows/daily-activity/config';
import type { DayResult } from '../../workflows/daily-activity/types';
import type { ActivityDeps } from '../deps';
import { writeDay } from './write-day';

export function dailyActivityActivities({ sourcePg, activityPg }: Pick<ActivityDeps, 'sourcePg' | 'activityPg'>) {
  return {
    /**
     * One business day into the source, in one transaction with its ledger entry: a retry after a failure
     * starts the day over; a day already in the ledger returns what it wrote then and writes nothing.
     */
    activityWriteDay({ config, businessDate }: { config: DailyActivityConfig; businessDate: string }) {
      // beats also while one statement runs or waits for a lock: only a dead worker misses the heartbeat timeout
      return withKeepAlive<{ businessDate: string; step: string }, DayResult>((beat) =>
        writeDay({
          source: activityPg ?? sourcePg,
          config,
          businessDate,
          onStep: (step) => beat({ businessDate, step }),
          signal: Context.current().cancellationSignal,
        }),
      );
    },
  };
}

export type DailyActivityActivities = ReturnType<typeof dailyActivityActivities>;
