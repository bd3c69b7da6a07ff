// The golden record's contract: input schemas (the source of truth, types by z.infer) and status.
// Shared by its workflows, activities and clients (no Node imports: workflows use it).
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { viewConfigSchema } from './views-config';

/** A Temporal duration: milliseconds, or text such as '120 seconds'. */
const durationSchema = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?\s*[a-z]+$/i, "must be a duration such as '120 seconds'"),
  ])
  .transform((value) => value as Duration);

const attemptsSchema = z.number().int().min(1);
const viewsSchema = z.array(viewConfigSchema).min(1);
const batchSizeSchema = z.number().int().min(1);

export const refreshViewsInputSchema = z.strictObject({
  views: viewsSchema,
  /** Attempts in all: the seed's 1 + 3 retries. */
  attempts: attemptsSchema,
  /** Pause between attempts, e.g. '120 seconds'. */
  retryInterval: durationSchema,
  /**
   * How long one view's refresh waits for a lock another session holds (on the view or its sources) before
   * that view counts as not refreshed in this attempt; DEFAULT_LOCK_TIMEOUT when left out. ensureViews waits
   * as long at most (then ViewsLocked, retried).
   */
  lockTimeout: durationSchema.optional(),
});

export type RefreshViewsInput = z.infer<typeof refreshViewsInputSchema>;

export const DEFAULT_REFRESH = { attempts: 4, retryInterval: '120 seconds' } as const;

/** A refresh waiting longer than this for a lock fails (the attempt names the view and says why). */
export const DEFAULT_LOCK_TIMEOUT = '60 seconds';

/** Customers read from the views and written to MongoDB per batch. */
export const DEFAULT_UPSERT_BATCH_SIZE = 1000;

export const upsertInputSchema = z.strictObject({
  batchSize: batchSizeSchema,
  /** ISO time of this consolidation: the workflow's, so every retry writes the same one. */
  consolidationDate: z.iso.datetime(),
});

export type UpsertInput = z.infer<typeof upsertInputSchema>;

export const goldenRecordInputSchema = z.strictObject({
  views: viewsSchema,
  batchSize: batchSizeSchema,
  /** Defaults to DEFAULT_REFRESH (4 attempts, 120 s apart) and DEFAULT_LOCK_TIMEOUT. */
  refresh: z
    .strictObject({
      attempts: attemptsSchema.optional(),
      retryInterval: durationSchema.optional(),
      lockTimeout: durationSchema.optional(),
    })
    .optional(),
});

export type GoldenRecordInput = z.input<typeof goldenRecordInputSchema>;

export type GoldenRecordStage = 'refreshing' | 'waiting_for_rerun' | 'upserting' | 'done';

export interface GoldenRecordStatus {
  stage: GoldenRecordStage;
  refreshRuns: number;
  lastRefreshError?: string;
}
