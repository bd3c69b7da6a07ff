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
