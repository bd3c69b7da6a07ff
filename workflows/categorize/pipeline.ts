import { executeChild } from '@temporalio/workflow';
import { defineWorkflows, type StepContext } from '../shared/pipeline';
import { categorizeWorkflow } from './categorize';
import { CATEGORIZE_NON_RETRYABLE } from './errors';
import { categorizeInputSchema, type CategorizeInput } from './types';

export const categorizeWorkflows = defineWorkflows({
  name: 'categorize',
  workflows: { categorizeWorkflow },
  inputSchema: categorizeInputSchema,
  nonRetryableErrors: CATEGORIZE_NON_RETRYABLE,
  daily: {
    inputKey: 'categorize',
    patchId: 'categorize-step',
    run: ({ input, child }: StepContext<CategorizeInput>) =>
      executeChild(categorizeWorkflow, { ...child, args: [input] }),
  },
});
