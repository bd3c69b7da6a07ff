// Error classes whose names the retry policies list as non-retryable: retrying cannot fix them.

export class MigrationConfigError extends Error {
  override name = 'MigrationConfigError';
}

/** The target holds a table whose shape does not match the source (and recreate was not asked for). */
export class SchemaIncompatibleError extends Error {
  override name = 'SchemaIncompatibleError';
}

/** The target rejected the data itself (constraint, type, encoding): a rerun copies the same rows again. */
export class TableDataError extends Error {
  override name = 'TableDataError';
}

/** Source and target disagree after a copy (row count or checksum). */
export class VerificationError extends Error {
  override name = 'VerificationError';
}

export const MIGRATION_NON_RETRYABLE = [
  'MigrationConfigError',
  'SchemaIncompatibleError',
  'TableDataError',
  'VerificationError',
];
