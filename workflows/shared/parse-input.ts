import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { FAILURE } from './failures';
import { formatIssues } from './zod-issues';

/**
 * A workflow's input checked against its schema at the workflow's entry: an invalid one fails the run at
 * once (non-retryable ConfigError) with every problem, each naming its field.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, label: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = formatIssues(parsed.error, { whole: 'input' }).join('; ');
  throw ApplicationFailure.nonRetryable(`invalid ${label} input: ${problems}`, FAILURE.config);
}
