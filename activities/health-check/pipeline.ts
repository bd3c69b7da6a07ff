import { definePipeline } from '../../common/pipeline';
import { healthCheckCommand } from '../../cli/commands/health-check';
import { healthCheckWorkflows } from '../../workflows/health-check/pipeline';
import { healthCheckWorkflow } from '../../workflows';
import { describeConnections, healthActivities } from '.';

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
    return describeConnections(result.connections);
  },
});
