// The daily pipeline's steps and input, derived from the registered pipelines. Pure: workflow code imports it.
import type { z } from 'zod';
import type { StepContext } from '../shared/pipeline';
import { PIPELINE_WORKFLOWS, type RegisteredWorkflows } from '../registry';

/** A registered pipeline that is a daily step. */
export type StepPipeline = Extract<RegisteredWorkflows, { daily: object }>;
export type DailyStep = StepPipeline['name'];

export const STEP_PIPELINES = PIPELINE_WORKFLOWS.filter((pipeline): pipeline is StepPipeline => 'daily' in pipeline);

/** The daily steps in their dependency order: the order of workflows/registry.ts. */
export const DAILY_STEPS = STEP_PIPELINES.map((pipeline) => pipeline.name) as [DailyStep, ...DailyStep[]];

type StepInputShape = { [P in StepPipeline as P['daily']['inputKey']]: P['inputSchema'] };

/** Each step's input schema under its input key, e.g. `migration: migrationInputSchema`. */
export const stepInputShape = Object.fromEntries(
  STEP_PIPELINES.map((pipeline) => [pipeline.daily.inputKey, pipeline.inputSchema]),
) as StepInputShape;

export type StepInputs = { [K in keyof StepInputShape]: z.input<StepInputShape[K]> };

export function stepPipeline(step: DailyStep): StepPipeline {
  return STEP_PIPELINES.find((pipeline) => pipeline.name === step)!;
}

/** Runs one step with its part of the daily input. */
export function runStep(
  step: DailyStep,
  inputs: StepInputs,
  context: Omit<StepContext<unknown>, 'input'>,
): Promise<unknown> {
  const { daily } = stepPipeline(step);
  const run = daily.run as (context: StepContext<unknown>) => Promise<unknown>;
  return run({ ...context, input: inputs[daily.inputKey] });
}
