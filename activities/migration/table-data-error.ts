import pg from 'pg';
import { TableDataError } from '../../workflows/migration/errors';

// SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the rows themselves
// are refused, so a retry would fail the same way. Anything else (connection, timeout) stays retryable.
const DATA_ERROR_CLASSES = new Set(['22', '23']);

export function isDataError(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && DATA_ERROR_CLASSES.has(error.code?.slice(0, 2) ?? '');
}

/** A data error becomes a TableDataError naming the table, Postgres' message, detail and COPY line; others pass through. */
export function asTableDataError(label: string, error: unknown): unknown {
  if (!isDataError(error)) return error;
  const parts = [error.message, error.detail && `detail: ${error.detail}`, error.where && `at: ${error.where}`];
  return new TableDataError(`${label}: ${parts.filter(Boolean).join('; ')}`, { cause: error });
}
