import { Context } from '@temporalio/activity';
import type { DailyActivityConfig } from '../../workflows/daily-activity/config';
import type { ActivityDeps } from '../deps';
import { writeDay } from './write-day';

export function dailyActivityActivities({ sourcePg, activityPg }: Pick<ActivityDeps, 'sourcePg' | 'activityPg'>) {
  return {
    /**
     * One business day into the source, in one transaction with its ledger entry: a retry after a failure
     * starts the day over; a day already in the ledger returns what it wrote then and writes nothing.
     */
    activityWriteDay({ config, businessDate }: { config: DailyActivityConfig; businessDate: string }) {
      const context = Context.current();
      return writeDay({
        source: activityPg ?? sourcePg,
        config,
        businessDate,
        onStep: (step) => context.heartbeat({ businessDate, step }),
        signal: context.cancellationSignal,
      });
    },
  };
}

export type DailyActivityActivities = ReturnType<typeof dailyActivityActivities>;
