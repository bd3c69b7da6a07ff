import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Env } from '../common/env';
import { workflowUrl } from '../common/temporal-client';
import { CliError, EXIT } from './errors';

/** How a followed run ended, in the shape `--json` prints. */
export interface RunOutcome<R> {
  ok: boolean;
  workflowId: string;
  runId?: string;
  url: string;
  result?: R;
  error?: string;
  /** What a failed run reported about itself (e.g. per-step or per-table states). */
  details?: unknown;
}

export async function outcomeOf<R>(env: Env, handle: WorkflowHandle): Promise<RunOutcome<R>> {
  const runId = (handle as { firstExecutionRunId?: string }).firstExecutionRunId;
  const base = { workflowId: handle.workflowId, runId, url: workflowUrl(env, handle.workflowId, runId) };
  try {
    return { ...base, ok: true, result: (await handle.result()) as R };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const cause = error.cause as { message?: string; details?: unknown[] } | undefined;
    return { ...base, ok: false, error: cause?.message ?? error.message, details: cause?.details?.[0] };
  }
}

/** The input a run was started with, read from its history (to rerun it). */
export async function startInputOf<T>(handle: WorkflowHandle): Promise<T> {
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new CliError(`run ${handle.workflowId} has no input in its history`, EXIT.usage);
  return defaultPayloadConverter.fromPayload(payload) as T;
}

/** The latest run of a workflow id; an unknown id is a usage error. */
export async function existingRun(client: Client, workflowId: string) {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe().catch((error: Error) => {
    throw new CliError(`no run with workflow id ${workflowId}`, EXIT.usage, { cause: error });
  });
  return { handle, status: description.status.name };
}

/** A run that must exist and be closed (e.g. to rerun it). */
export async function closedRun(client: Client, workflowId: string) {
  const run = await existingRun(client, workflowId);
  if (run.status === 'RUNNING') throw new CliError(`${workflowId} is still running`, EXIT.usage);
  return run;
}
