// The daily pipeline's input, steps and result. No Node imports: workflows use this module.
import { z } from 'zod';
import type { GoldenRecordInput } from '../golden-record/types';
import type { MigrationInput } from '../migration/types';

/** The daily steps in their dependency order; adding a step = a name here and a runner in workflows/daily-steps.ts. */
export const DAILY_STEPS = ['migration', 'golden-record'] as const;
export type DailyStep = (typeof DAILY_STEPS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-26');

/** Checked at every edge (CLI, schedules, the workflow itself); step inputs are validated by their own workflows. */
export const dailyPipelineInputSchema = z.object({
  /** Name of the configuration set, e.g. `dvd_rental`: part of ids and the PipelineConfig search attribute. */
  configName: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'must be 1-40 characters of a-z, 0-9, _ and -'),
  /** Defaults to the schedule's time, else the start time (UTC day). */
  businessDate: isoDate.optional(),
  /** Start at this step; earlier ones are reported as skipped. */
  fromStep: z.enum(DAILY_STEPS).optional(),
  migration: z.custom<MigrationInput>((value) => typeof value === 'object' && value !== null, 'migration input is required'),
  goldenRecord: z.custom<GoldenRecordInput>((value) => typeof value === 'object' && value !== null, 'goldenRecord input is required'),
});

export type DailyPipelineInput = z.infer<typeof dailyPipelineInputSchema>;

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'not_run' | 'skipped';

export interface StepStatus {
  step: DailyStep;
  state: StepState;
  workflowId?: string;
  elapsedMs?: number;
  error?: string;
}

export interface DailyPipelineResult {
  businessDate: string;
  status: 'running' | 'succeeded' | 'failed';
  steps: StepStatus[];
}

/** The step a rerun starts from: the failed one, else the first not done. */
export function rerunStep(result: DailyPipelineResult): DailyStep | undefined {
  return result.steps.find((step) => step.state === 'failed' || step.state === 'not_run' || step.state === 'pending')?.step;
}
