import { defineWorkflows } from '../shared/pipeline';
import { DAILY_PIPELINE } from '../shared/names';
import { dailyPipelineWorkflow } from './daily-pipeline';
import { dailyPipelineInputSchema } from './types';

/** The daily pipeline: the registered pipelines' daily steps as children (it is not a step itself). */
export const dailyWorkflows = defineWorkflows({
  name: DAILY_PIPELINE,
  workflows: { dailyPipelineWorkflow },
  inputSchema: dailyPipelineInputSchema,
  nonRetryableErrors: [],
});
