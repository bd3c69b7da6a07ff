import { definePipeline } from '../../common/pipeline';
import { dailyCommand } from '../../cli/commands/daily';
import { dailyWorkflows } from '../../workflows/daily/pipeline';
import { dailyPipelineWorkflow } from '../../workflows';
import { buildDailyPipelineInput } from './inputs';

const seconds = (ms = 0) => `${(ms / 1000).toFixed(1)} s`;

export const dailyPipeline = definePipeline({
  workflows: dailyWorkflows,
  command: dailyCommand,
  async dev(client, { taskQueue, workflowId, pipelines }) {
    const input = await buildDailyPipelineInput(pipelines);
    const result = await client.workflow.execute(dailyPipelineWorkflow, { taskQueue, workflowId, args: [input] });
    return result.steps
      .map((step) => `${step.step} ${step.state} (${seconds(step.elapsedMs)}, ${step.workflowId})`)
      .join('; ');
  },
});
