// The daily activity's contract: input schemas (types by z.infer), results and progress.
// Shared by its workflows, activities and clients (no Node imports: workflows use it).
import { z } from 'zod';
import { dailyActivityConfigSchema } from './config';
import { daysBetween, isoDate } from './dates';

export const DAILY_ACTIVITY = 'daily-activity';

/** The longest backfill one workflow runs (one child per day). */
export const MAX_BACKFILL_DAYS = 366;

/** One business day: the config, and the day (the start date when left out). */
export const dailyActivityInputSchema = dailyActivityConfigSchema.extend({ businessDate: isoDate.optional() });

export type DailyActivityInput = z.input<typeof dailyActivityInputSchema>;

export const backfillInputSchema = z
  .strictObject({
    config: dailyActivityConfigSchema,
    from: isoDate,
    to: isoDate,
    /** The PipelineConfig search attribute of each day's run. */
    configName: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'must be 1-40 characters of a-z, 0-9, _ and -'),
  })
  .refine(({ from, to }) => daysBetween(from, to) >= 0, { message: 'from must not be after to', path: ['to'] })
  .refine(({ from, to }) => daysBetween(from, to) < MAX_BACKFILL_DAYS, {
    message: `a backfill runs at most ${MAX_BACKFILL_DAYS} days`,
    path: ['to'],
  });

export type BackfillInput = z.input<typeof backfillInputSchema>;

export interface TableRows {
  inserted: number;
  updated: number;
}

export const WRITTEN_TABLES = ['rental', 'payment', 'customer', 'address'] as const;
export type WrittenTable = (typeof WRITTEN_TABLES)[number];

export interface DayResult {
  businessDate: string;
  /** The day in the source's own time line the business date maps to (see README, "Daily activity"). */
  simulatedDate: string;
  /** True when the ledger already had this day: nothing was written. */
  alreadyRun: boolean;
  rows: Record<WrittenTable, TableRows>;
  /** md5 over the day's rows (every column but last_update), in a fixed order. */
  checksum: string;
  /** What did not go as configured (fewer copies in stock than rentals planned, ids full, ...). */
  notes: string[];
}

export type DayState = 'pending' | 'running' | 'done' | 'failed' | 'not_run';

export interface BackfillDay {
  businessDate: string;
  workflowId: string;
  state: DayState;
  result?: DayResult;
  error?: string;
}

export interface BackfillProgress {
  from: string;
  to: string;
  status: 'running' | 'succeeded' | 'failed';
  days: BackfillDay[];
}

export interface DailyActivityStatus {
  businessDate?: string;
  state: 'writing' | 'done';
  result?: DayResult;
}

/** A day's workflow id: the business id, so a day's runs are found by it and a backfill names its children. */
export const dayWorkflowId = (businessDate: string): string => `${DAILY_ACTIVITY}-${businessDate}`;
export const backfillWorkflowId = (from: string, to: string): string => `${DAILY_ACTIVITY}-backfill-${from}-${to}`;
