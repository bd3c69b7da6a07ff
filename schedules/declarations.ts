import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { dailyPipelineInput } from '../pipelines';
import { DAILY_STEPS } from '../workflows/daily/types';
import { DAILY_PIPELINE } from '../workflows/shared/names';

/** One schedule as code says it should be; `schedules apply` makes the server agree. */
export interface ScheduleDeclaration {
  /** Also the prefix of each run's workflow id: the server appends the scheduled time. */
  id: string;
  description: string;
  workflowType: string;
  args: unknown[];
  /** A cron expression or an interval, in `timeZone`. */
  when: { cron: string } | { every: Duration };
  timeZone: string;
  /** SKIP: a run never overlaps a running one (a trigger or a late run is skipped, not queued). */
  overlap: ScheduleOverlapPolicy;
  /** Missed runs within this window are caught up when the server is back; with daily runs, '1 day' = once. */
  catchupWindow: Duration;
  labels: { pipeline: string; config: string };
}

/** The schedules of this service; adding one is one entry here. */
export async function declaredSchedules(): Promise<ScheduleDeclaration[]> {
  return [
    {
      id: DAILY_PIPELINE,
      description: `Daily: ${DAILY_STEPS.join(', then ')}`,
      workflowType: 'dailyPipelineWorkflow',
      args: [await dailyPipelineInput()],
      when: { cron: '0 3 * * *' },
      timeZone: 'UTC',
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: '1 day',
      labels: { pipeline: DAILY_PIPELINE, config: 'dvd_rental' },
    },
    {
      id: 'health-check',
      description: 'Hourly round trip through Temporal and the worker to every data store',
      workflowType: 'healthCheckWorkflow',
      args: [{ requestedBy: 'schedule health-check' }],
      when: { every: '1 hour' },
      timeZone: 'UTC',
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: '1 hour',
      labels: { pipeline: 'health-check', config: 'none' },
    },
  ];
}
