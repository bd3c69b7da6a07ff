import { executeChild } from '@temporalio/workflow';
import type { DailyPipelineInput, DailyStep } from './types';
import { labelPairs } from '../shared/search-attributes';
import { goldenRecordWorkflow } from '../golden-record/golden-record';
import { migrationWorkflow } from '../migration/migration';

export interface StepContext {
  input: DailyPipelineInput;
  businessDate: string;
  workflowId: string;
}

const childOptions = (step: DailyStep, context: StepContext) => ({
  workflowId: context.workflowId,
  memo: { startedBy: 'daily-pipeline', businessDate: context.businessDate },
  typedSearchAttributes: labelPairs({ pipeline: step, config: context.input.configName, businessDate: context.businessDate }),
});

/** How each daily step runs: a child workflow that can also run on its own. */
export const STEP_RUNNERS: Record<DailyStep, (context: StepContext) => Promise<unknown>> = {
  migration: (context) =>
    executeChild(migrationWorkflow, { ...childOptions('migration', context), args: [context.input.migration] }),
  'golden-record': (context) =>
    executeChild(goldenRecordWorkflow, { ...childOptions('golden-record', context), args: [context.input.goldenRecord] }),
};
