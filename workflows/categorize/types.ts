// The categorize contract: input schema (types by z.infer), the activities' and the run's results.
// Shared by its workflow, activities and clients (no Node imports: the workflow uses it).
import { z } from 'zod';
import { categorizeConfigSchema } from './config';

export const DEFAULT_ASSIGN_BATCH_SIZE = 1000;

export const categorizeInputSchema = z.strictObject({
  /** Name of the config (e.g. `categorize`): saved with the model, part of the CLI's workflow id. */
  configName: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'must be 1-40 characters of a-z, 0-9, _ and -'),
  config: categorizeConfigSchema,
  /** Golden records read and written per batch by the assignment. */
  batchSize: z.number().int().min(1).optional(),
});

export type CategorizeInput = z.input<typeof categorizeInputSchema>;

export interface SilhouetteScore {
  score: number;
  method: 'exact' | 'sample';
  /** The customers the score was computed over: all of them (exact) or the sample. */
  sampleSize: number;
  customers: number;
}

/** A saved model and its score on today's data. */
export interface SavedModelScore {
  version: number;
  /** When it was trained, on the data of then. */
  trainedSilhouette: number;
  today: SilhouetteScore;
}

export interface EvaluateResult {
  configHash: string;
  customers: number;
  /** The newest model saved for this config hash, or null when there is none. */
  saved: SavedModelScore | null;
}

export interface TrainedModel {
  version: number;
  silhouette: SilhouetteScore;
  /** Customers per label, in label order. */
  sizes: number[];
}

export interface AssignSummary {
  customers: number;
  /** Documents whose category or model version was written. */
  changed: number;
  unchanged: number;
  /** Customers without rentals (null averages and overdue score, counted as 0): categorized all the same. */
  withoutRentals: number;
  /** Customers per label name. */
  sizes: Record<string, number>;
}

export interface CategorizeResult {
  configHash: string;
  decision: 'reused' | 'trained';
  /** Why the model was reused or trained, with the scores that decided it. */
  reason: string;
  model: { version: number; silhouette: SilhouetteScore };
  assignment: AssignSummary;
}

export type CategorizeStage = 'evaluating' | 'training' | 'assigning' | 'done';

export interface CategorizeStatus {
  stage: CategorizeStage;
  reason?: string;
  version?: number;
}
