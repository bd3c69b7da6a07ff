import { createHash } from 'node:crypto';
import type { ScheduleOptions } from '@temporalio/client';
import { PIPELINE, PIPELINE_CONFIG } from '../workflows/shared/search-attributes';
import type { ScheduleDeclaration } from './declarations';

/** Changes whenever the declaration (or the task queue it runs on) changes: apply compares it. */
export function declarationHash(declaration: ScheduleDeclaration, taskQueue: string): string {
  return createHash('sha256').update(JSON.stringify({ declaration, taskQueue })).digest('hex').slice(0, 16);
}

/** The SDK's schedule options for a declaration. */
export function scheduleOptions(declaration: ScheduleDeclaration, taskQueue: string): ScheduleOptions {
  const { when, timeZone } = declaration;
  return {
    scheduleId: declaration.id,
    spec:
      'cron' in when
        ? { cronExpressions: [when.cron], timezone: timeZone }
        : { intervals: [{ every: when.every }], timezone: timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: declaration.workflowType,
      workflowId: declaration.id,
      taskQueue,
      args: declaration.args,
      memo: {
        schedule: declaration.id,
        description: declaration.description,
        declaration: declarationHash(declaration, taskQueue),
      },
      typedSearchAttributes: [
        { key: PIPELINE, value: declaration.labels.pipeline },
        { key: PIPELINE_CONFIG, value: declaration.labels.config },
      ],
    },
    policies: { overlap: declaration.overlap, catchupWindow: declaration.catchupWindow, pauseOnFailure: false },
    memo: { description: declaration.description },
  };
}
