// The daily pipeline's steps and input, derived from the registered pipelines. Pure: workflow code imports it.
import { patched } from '@temporalio/workflow';
import type { z } from 'zod';
import type { DailyStep as StepDefinition, StepContext } from '../shared/pipeline';
import { PIPELINE_WORKFLOWS, type RegisteredWorkflows } from '../registry';

/** A registered pipeline that is a daily step. */
export type StepPipeline = Extract<RegisteredWorkflows, { daily: object }>;
export type DailyStep = StepPipeline['name'];

export const STEP_PIPELINES = PIPELINE_WORKFLOWS.filter((pipeline): pipeline is StepPipeline => 'daily' in pipeline);

/** The daily steps in their dependency order: the order of workflows/registry.ts. */
export const DAILY_STEPS = STEP_PIPELINES.map((pipeline) => pipeline.name) as [DailyStep, ...DailyStep[]];

const patchIdOf = (daily: StepDefinition) => daily.patchId;

type StepInputShape = {
  [P in StepPipeline as P['daily']['inputKey']]: P['daily'] extends { patchId: string }
    ? z.ZodOptional<P['inputSchema']>
    : P['inputSchema'];
};

/** Each step's input schema under its input key, e.g. `migration: migrationInputSchema` (optional if patched). */
export const stepInputShape = Object.fromEntries(
  STEP_PIPELINES.map(({ daily, inputSchema }) => [
    daily.inputKey,
    patchIdOf(daily) ? inputSchema.optional() : inputSchema,
  ]),
) as StepInputShape;

/** The steps' inputs by key; a patched step's key is optional (z.input of the object makes it so). */
export type StepInputs = z.input<z.ZodObject<StepInputShape>>;

export function stepPipeline(step: DailyStep): StepPipeline {
  return STEP_PIPELINES.find((pipeline) => pipeline.name === step)!;
}

/** Why a step does not run in this run, if it does not: see `patchId`. */
export function whyNotRun(step: DailyStep, inputs: StepInputs): string | undefined {
  const { daily } = stepPipeline(step);
  const patchId = patchIdOf(daily);
  if (patchId && !patched(patchId)) return 'added after this run started';
  if (inputs[daily.inputKey] === undefined) {
    return `the run's input has no "${daily.inputKey}" (a schedule created before the step: npm run cli -- schedules apply)`;
  }
  return undefined;
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
