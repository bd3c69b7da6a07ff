// The SQL identifier rule of every config (schemas, tables, views), written once. Pure: workflow code imports it.
import { z } from 'zod';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** NAMEDATALEN - 1: PostgreSQL silently truncates longer names. */
const MAX_IDENTIFIER_BYTES = 63;

/** A value as an error message quotes it: JSON, cut at 80 characters. */
export const show = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);

/** Why `value` may not name a schema, a table or a view, or undefined when it may. */
export function identifierProblem(value: string): string | undefined {
  if (!IDENTIFIER.test(value)) {
    return `${show(value)} is not a plain identifier: only letters, digits and _, not starting with a digit (quotes, spaces or SQL have no place in a name)`;
  }
  // Past the pattern the name is ASCII: one byte per character.
  if (value.length > MAX_IDENTIFIER_BYTES) {
    return `${show(value)} is ${value.length} bytes long, over PostgreSQL's limit of ${MAX_IDENTIFIER_BYTES}: it would be truncated to another name`;
  }
  return undefined;
}

/** A zod string that must be a plain SQL identifier. */
export const identifier = z.string().superRefine((value, ctx) => {
  const problem = identifierProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
