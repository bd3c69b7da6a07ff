import pino from 'pino';

/** JSON logs; connection strings are redacted wherever they appear under these keys. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): pino.Logger {
  return pino({
    level,
    base: { service: 'dvd-rental-pipelines', ...bindings },
    redact: {
      paths: ['*.password', '*.connectionString', '*.uri', 'password', 'connectionString', 'uri'],
      censor: '[redacted]',
    },
  });
}
