import type { Client } from '@temporalio/client';
import { dailyPipelineInput } from '../activities/daily/inputs';
import { dailyPipelineWorkflow, healthCheckWorkflow } from '../workflows';

export interface DevPipeline {
  name: string;
  /** Runs the pipeline to its end and returns a one-line summary. */
  run(client: Client, ids: { taskQueue: string; workflowId: string }): Promise<string>;
}

/** What `npm run dev` runs once, in order; each pipeline issue adds its entry here. */
export const DEV_PIPELINES: DevPipeline[] = [
  {
    name: 'health-check',
    async run(client, { taskQueue, workflowId }) {
      const result = await client.workflow.execute(healthCheckWorkflow, {
        taskQueue,
        workflowId,
        args: [{ requestedBy: 'npm run dev' }],
      });
      const c = result.connections;
      return `source Postgres ${c.sourcePostgres}, target Postgres ${c.targetPostgres}, MongoDB ping ok=${c.mongoPing}`;
    },
  },
  {
    name: 'daily-pipeline',
    async run(client, { taskQueue, workflowId }) {
      const result = await client.workflow.execute(dailyPipelineWorkflow, { taskQueue, workflowId, args: [await dailyPipelineInput()] });
      return result.steps.map((step) => `${step.step} ${step.state} (${((step.elapsedMs ?? 0) / 1000).toFixed(1)} s, ${step.workflowId})`).join('; ');
    },
  },
];
