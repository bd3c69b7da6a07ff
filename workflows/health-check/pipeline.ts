import { defineWorkflows } from '../shared/pipeline';
import { healthCheckWorkflow } from './health-check';
import { healthCheckInputSchema } from './types';

export const healthCheckWorkflows = defineWorkflows({
  name: 'health-check',
  workflows: { healthCheckWorkflow },
  inputSchema: healthCheckInputSchema,
  nonRetryableErrors: [],
});
