// Shared by the golden-record workflows, activities and clients (no Node imports: workflows use it).
import type { Duration } from '@temporalio/common';
import type { ViewConfig } from './views-config';

export interface RefreshViewsInput {
  views: ViewConfig[];
  /** Attempts in all: the seed's 1 + 3 retries. */
  attempts: number;
  /** Pause between attempts, e.g. '120 seconds'. */
  retryInterval: Duration;
}

export const DEFAULT_REFRESH = { attempts: 4, retryInterval: '120 seconds' } as const;

/** Customers read from the views and written to MongoDB per batch. */
export const DEFAULT_UPSERT_BATCH_SIZE = 1000;

export interface UpsertInput {
  batchSize: number;
  /** ISO time of this consolidation: the workflow's, so every retry writes the same one. */
  consolidationDate: string;
}

export interface GoldenRecordInput {
  views: ViewConfig[];
  batchSize: number;
  /** Defaults to DEFAULT_REFRESH (4 attempts, 120 s apart). */
  refresh?: Partial<Pick<RefreshViewsInput, 'attempts' | 'retryInterval'>>;
}

export type GoldenRecordStage = 'refreshing' | 'waiting_for_rerun' | 'upserting' | 'done';

export interface GoldenRecordStatus {
  stage: GoldenRecordStage;
  refreshRuns: number;
  lastRefreshError?: string;
}
