import { executeChild } from '@temporalio/workflow';
import { defineWorkflows, type StepContext } from '../shared/pipeline';
import { GEOCODING_NON_RETRYABLE } from './errors';
import { geocodingWorkflow } from './geocoding';
import { geocodingInputSchema, type GeocodingInput } from './types';

export const geocodingWorkflows = defineWorkflows({
  name: 'geocoding',
  workflows: { geocodingWorkflow },
  inputSchema: geocodingInputSchema,
  nonRetryableErrors: GEOCODING_NON_RETRYABLE,
  daily: {
    inputKey: 'geocoding',
    run: ({ input, child }: StepContext<GeocodingInput>) =>
      executeChild(geocodingWorkflow, { ...child, args: [input] }),
    patchId: 'geocoding-step',
  },
});
