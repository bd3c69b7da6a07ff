// zod issues as one line each, written once. Pure: workflow code imports it.
import type { z } from 'zod';

type Issue = z.ZodError['issues'][number];

/** `tables[0].depends_on[1]`: array indexes in brackets, keys after dots. */
export const fieldPath = (path: readonly PropertyKey[]): string =>
  path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('')
    .replace(/^\./, '');

/** `label: field: message`; `whole` names the value itself when the issue has no path (else the field is left out). */
export function formatIssue(issue: Issue, options: { label?: string; whole?: string } = {}): string {
  const field = fieldPath(issue.path) || options.whole;
  return [options.label, field, issue.message].filter(Boolean).join(': ');
}

export const formatIssues = (error: z.ZodError, options: { label?: string; whole?: string } = {}): string[] =>
  error.issues.map((issue) => formatIssue(issue, options));
