// The daily pipeline's input, steps and result. No Node imports: workflows use this module.
import { z } from 'zod';
import { DAILY_STEPS, stepInputShape, type DailyStep } from './steps';

export { DAILY_STEPS, type DailyStep } from './steps';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-26');

/**
 * Checked at every edge (CLI, schedules, the workflow itself): the run's own fields, then each step's input
 * under its key, checked by that step's own schema.
 */
export const dailyPipelineInputSchema = z.strictObject({
  /** Name of the configuration set, e.g. `dvd_rental`: part of ids and the PipelineConfig search attribute. */
  configName: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'must be 1-40 characters of a-z, 0-9, _ and -'),
  /** Defaults to the schedule's time, else the start time (UTC day). */
  businessDate: isoDate.optional(),
  /** Start at this step; earlier ones are reported as skipped. */
  fromStep: z.enum(DAILY_STEPS).optional(),
  ...stepInputShape,
});

export type DailyPipelineInput = z.input<typeof dailyPipelineInputSchema>;

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'not_run' | 'skipped';

export interface StepStatus {
  step: DailyStep;
  state: StepState;
  workflowId?: string;
  elapsedMs?: number;
  error?: string;
  /** Why a step was skipped when it was not by `fromStep`. */
  note?: string;
}

export interface DailyPipelineResult {
  businessDate: string;
  status: 'running' | 'succeeded' | 'failed';
  steps: StepStatus[];
}

/** The step a rerun starts from: the failed one, else the first not done. */
export function rerunStep(result: DailyPipelineResult): DailyStep | undefined {
  return result.steps.find((step) => step.state === 'failed' || step.state === 'not_run' || step.state === 'pending')
    ?.step;
}
