import { executeChild } from '@temporalio/workflow';
import { defineWorkflows, type StepContext } from '../shared/pipeline';
import { GOLDEN_RECORD_NON_RETRYABLE } from './errors';
import { goldenRecordWorkflow } from './golden-record';
import { refreshViewsWorkflow } from './refresh-views';
import { goldenRecordInputSchema, type GoldenRecordInput } from './types';
import { upsertGoldenRecordsWorkflow } from './upsert-golden-records';

export const goldenRecordWorkflows = defineWorkflows({
  name: 'golden-record',
  workflows: { goldenRecordWorkflow, refreshViewsWorkflow, upsertGoldenRecordsWorkflow },
  inputSchema: goldenRecordInputSchema,
  nonRetryableErrors: GOLDEN_RECORD_NON_RETRYABLE,
  daily: {
    inputKey: 'goldenRecord',
    run: ({ input, child }: StepContext<GoldenRecordInput>) =>
      executeChild(goldenRecordWorkflow, { ...child, args: [input] }),
  },
});
