import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Env } from '../common/env';
import { ensureSearchAttributes } from '../common/register-search-attributes';
import { workflowUrl } from '../common/temporal-client';
import { labelPairs, type RunLabels } from '../workflows/shared/search-attributes';
import { followRun, type ProgressLine } from './follow';
import type { GlobalOptions } from './output';

export interface RunToStart<W extends Workflow> {
  workflow: W;
  workflowId: string;
  input: Parameters<W>[0];
  /** The `Pipeline`, `PipelineConfig` and `BusinessDate` search attributes: every run is findable in the Web UI. */
  labels: RunLabels;
  /** Added to the memo `{ startedBy: 'cli' }`. */
  memo?: Record<string, unknown>;
  /** The run's live progress lines, from its query. */
  progress: (handle: WorkflowHandle<W>) => Promise<ProgressLine[]>;
  /** Say so when no worker polls the task queue (the run would wait silently). */
  warnWithoutWorker?: boolean;
}

async function warnWithoutWorker(client: Client, taskQueue: string): Promise<void> {
  const queue = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
  });
  if (!queue.pollers?.length)
    console.warn(`no worker polls task queue ${taskQueue}: the run waits until one starts (npm run worker)`);
}

/** Starts a run with its search attributes and memo, prints its Web UI link and follows it until it ends. */
export async function startAndFollow<W extends Workflow>(
  env: Env,
  client: Client,
  run: RunToStart<W>,
  globals: GlobalOptions,
) {
  await ensureSearchAttributes(client.connection.operatorService, client.options.namespace);
  if (run.warnWithoutWorker && !globals.json) await warnWithoutWorker(client, env.TEMPORAL_TASK_QUEUE);
  const handle = await client.workflow.start(run.workflow, {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowId: run.workflowId,
    args: [run.input],
    memo: { startedBy: 'cli', ...run.memo },
    typedSearchAttributes: labelPairs(run.labels),
  } as unknown as WorkflowStartOptions<W>); // args: the one object argument every workflow here takes
  if (!globals.json)
    console.log(`started ${run.workflowId}: ${workflowUrl(env, run.workflowId, handle.firstExecutionRunId)}`);
  await followRun(handle, () => run.progress(handle), globals);
  return handle;
}
