// The categorize config (config/categorize.json): k-means over golden-record features, its feature
// treatment, acceptance threshold and the group names. Pure: workflow code imports it.
import { z } from 'zod';
import { formatIssues } from '../shared/zod-issues';
import { CategorizeConfigError } from './errors';

/** The golden-record fields a model may cluster on (all numbers >= 0; null when a customer has no rentals). */
export const FEATURES = [
  'overdue_score',
  'lifetime_value',
  'total_rental_count',
  'average_rental_duration',
  'average_rental_payment',
] as const;

export type Feature = (typeof FEATURES)[number];

/** none: raw values; standardize: z-scores; minmax: into [0, 1]; log: log(1 + x). */
export const SCALINGS = ['none', 'standardize', 'minmax', 'log'] as const;
export type Scaling = (typeof SCALINGS)[number];

const labelSchema = z.strictObject({ name: z.string().trim().min(1), description: z.string().trim().min(1) });

export const categorizeConfigSchema = z
  .strictObject({
    /** Number of groups. */
    k: z.number().int().min(2).max(20),
    features: z
      .array(z.enum(FEATURES))
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'lists a feature more than once'),
    scaling: z.enum(SCALINGS),
    /** A model is accepted (and kept) while its silhouette on today's data is at least this. */
    threshold: z.number().min(-1).max(1),
    /** The feature whose group means rank the groups: labels[0] names the group with the highest mean. */
    rankBy: z.enum(FEATURES),
    /** One per group, highest `rankBy` first. */
    labels: z.array(labelSchema),
    /** k-means runs from different k-means++ seeds; the one with the lowest inertia is kept. */
    restarts: z.number().int().min(1).max(100),
    maxIterations: z.number().int().min(1).max(10_000),
    /** The silhouette is exact up to this many customers, and computed on a fixed-seed sample of this size above. */
    silhouetteSampleSize: z.number().int().min(10),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
  })
  .superRefine((config, ctx) => {
    if (config.labels.length !== config.k)
      ctx.addIssue({
        code: 'custom',
        path: ['labels'],
        message: `holds ${config.labels.length} labels for k = ${config.k} groups: give one per group`,
      });
    if (!config.features.includes(config.rankBy))
      ctx.addIssue({ code: 'custom', path: ['rankBy'], message: `${config.rankBy} is not one of the features` });
    const names = config.labels.map((label) => label.name);
    if (new Set(names).size !== names.length)
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'names a label more than once' });
  });

export type CategorizeConfig = z.infer<typeof categorizeConfigSchema>;
export type CategoryLabel = z.infer<typeof labelSchema>;

/** Validates a parsed config; a CategorizeConfigError lists every problem, each naming its field and `source`. */
export function parseCategorizeConfig(json: unknown, source = '<categorize config>'): CategorizeConfig {
  const parsed = categorizeConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = formatIssues(parsed.error, { label: source, whole: 'config' });
  throw new CategorizeConfigError(problems.join('\n'));
}
