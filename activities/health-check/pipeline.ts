import { definePipeline } from '../../common/pipeline';
import { healthCheckCommand } from '../../cli/commands/health-check';
import { healthCheckWorkflows } from '../../workflows/health-check/pipeline';
import { healthCheckWorkflow } from '../../workflows';
import { healthActivities } from '.';

export const healthCheckPipeline = definePipeline({
  workflows: healthCheckWorkflows,
  activities: healthActivities,
  command: healthCheckCommand,
  async dev(client, { taskQueue, workflowId }) {
    const result = await client.workflow.execute(healthCheckWorkflow, {
      taskQueue,
      workflowId,
      args: [{ requestedBy: 'npm run dev' }],
    });
    const c = result.connections;
    return `source Postgres ${c.sourcePostgres}, target Postgres ${c.targetPostgres}, MongoDB ping ok=${c.mongoPing}`;
  },
});
