import { executeChild } from '@temporalio/workflow';
import { defineWorkflows, type StepContext } from '../shared/pipeline';
import { dailyActivityBackfillWorkflow, dailyActivityWorkflow } from './daily-activity';
import { DAILY_ACTIVITY_NON_RETRYABLE } from './errors';
import { DAILY_ACTIVITY, dailyActivityInputSchema, type DailyActivityInput } from './types';

export const dailyActivityWorkflows = defineWorkflows({
  name: DAILY_ACTIVITY,
  workflows: { dailyActivityWorkflow, dailyActivityBackfillWorkflow },
  inputSchema: dailyActivityInputSchema,
  nonRetryableErrors: DAILY_ACTIVITY_NON_RETRYABLE,
  daily: {
    inputKey: 'dailyActivity',
    // the first step: the later ones see the day's rentals in the source
    run: ({ input, businessDate, child }: StepContext<DailyActivityInput>) =>
      executeChild(dailyActivityWorkflow, { ...child, args: [{ ...input, businessDate }] }),
    patchId: 'daily-activity-step',
  },
});
