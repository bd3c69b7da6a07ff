// The daily activity's configuration (config/daily-activity.json): volume, return behaviour, fees, seed and the
// source schema it writes to. Pure: workflow code imports it.
import { z } from 'zod';
import { identifier } from '../shared/identifiers';
import { formatIssues } from '../shared/zod-issues';
import { ActivityConfigError } from './errors';

const share = z.number().min(0).max(1);

export const returnsConfigSchema = z
  .strictObject({
    /** Share of rentals returned after their film's rental_duration (they pay a late fee). */
    lateShare: share,
    /** Share of rentals never returned (lost copies: they stay out). */
    neverShare: share,
    /** An on-time return comes at least this long after its rental. */
    earliestHours: z.number().int().min(1).max(72),
    /** A late return comes 1 to this many days after the rental_duration. */
    maxDaysLate: z.number().int().min(1).max(60),
    /** Rentals already outstanding before the first simulated day come back over this many days. */
    backlogDays: z.number().int().min(1).max(60),
  })
  .refine((returns) => returns.lateShare + returns.neverShare <= 1, {
    message: 'lateShare + neverShare must not exceed 1 (the rest are on time)',
  });

export const dailyActivityConfigSchema = z.strictObject({
  /** The source schema holding dvd_rental (the ledger lives in schema _activity beside it). */
  schema: identifier,
  /**
   * Which day the first business date simulates: `after-source`, the day after the source's latest rental (the
   * sample's history goes on from 2006-02-15), or `business-date`, the business date itself (it must come after
   * that rental). Later days follow one a day either way: the ledger's first day fixes the mapping.
   */
  simulatedDates: z.enum(['after-source', 'business-date']).default('after-source'),
  /** With the business date, the only source of randomness: same seed, date and source give the same rows. */
  seed: z.number().int().min(0).max(0xffffffff),
  /** Mean rentals per day (the sample's busiest days have 630 to 680). */
  rentalsPerDay: z.number().int().min(0).max(100_000),
  returns: returnsConfigSchema,
  /** Added to the film's rental_rate per day a return is over its rental_duration. */
  lateFeePerDay: z
    .number()
    .min(0)
    .max(100)
    .refine((fee) => Math.abs(fee * 100 - Math.round(fee * 100)) < 1e-9, 'must be whole cents, e.g. 1.5'),
  newCustomersPerWeek: z.number().min(0).max(1000),
  deactivatedCustomersPerWeek: z.number().min(0).max(1000),
});

export type DailyActivityConfig = z.infer<typeof dailyActivityConfigSchema>;

/** Validates a parsed config file; every problem names the file and the field. */
export function parseDailyActivityConfig(json: unknown, file: string): DailyActivityConfig {
  const parsed = dailyActivityConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new ActivityConfigError(`${file}: ${formatIssues(parsed.error, { whole: 'config' }).join('; ')}`);
}
