// The workflow half of a pipeline's definition. Pure: workflow code imports it.
import type { z } from 'zod';
import type { labelPairs } from './search-attributes';

/** What the daily pipeline hands one of its steps. */
export interface StepContext<Input> {
  /** This step's part of the daily pipeline's input. */
  input: Input;
  businessDate: string;
  /** The child's workflow id, memo and search attributes, set by the daily pipeline: spread them into executeChild. */
  child: { workflowId: string; memo: Record<string, unknown>; typedSearchAttributes: ReturnType<typeof labelPairs> };
}

export interface DailyStep<Key extends string = string> {
  /** The key of this step's input in the daily pipeline's input (the step's input schema is the pipeline's). */
  inputKey: Key;
  /** Runs the step, as a child workflow that can also run on its own. */
  run(context: StepContext<never>): Promise<unknown>;
  /**
   * Set on every step added after the first daily runs: the daily workflow runs it only under
   * `patched(patchId)`, so histories recorded before it replay unchanged, and its input key is optional, so
   * schedules created before it still start (the step is then reported skipped, with the reason).
   */
  patchId?: string;
}

// Workflow functions take different inputs: `never` accepts each of them.
type WorkflowFunction = (input: never) => Promise<unknown>;

export interface PipelineWorkflows<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** The pipeline's name: its `Pipeline` search attribute, CLI command and daily step name. */
  name: Name;
  /** Every workflow of the pipeline, by the name the worker registers (workflows/index.ts exports them). */
  workflows: Record<string, WorkflowFunction>;
  /** The input of its main workflow (the first of `workflows`), checked by parseInput at the workflow's entry. */
  inputSchema: Schema;
  /** Its error classes that no retry can fix (their names are the ApplicationFailure types). */
  nonRetryableErrors: readonly string[];
  /** Set when the pipeline is a step of the daily pipeline (steps run in the order of workflows/registry.ts). */
  daily?: DailyStep;
}

/** Keeps the literal name and input key, so that the daily pipeline's input type is derived from the list. */
export const defineWorkflows = <const P extends PipelineWorkflows>(pipeline: P): P => pipeline;
