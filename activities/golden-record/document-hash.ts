import { createHash } from 'node:crypto';
import type { GoldenRecord } from './document';

/** Per-run times and storage bookkeeping: none of them is the customer's data. */
const NOT_DATA = new Set(['last_consolidation_date', 'data_hash', 'is_current', 'missing_since']);

function canonical(value: unknown): unknown {
  if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? null : value.toISOString() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([key]) => key !== 'last_refresh_date');
    return Object.fromEntries(
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** sha256 of the record's data as canonical JSON (sorted keys), without refresh or consolidation times. */
export function documentHash(record: GoldenRecord | Record<string, unknown>): string {
  const data = Object.fromEntries(Object.entries(record).filter(([key]) => !NOT_DATA.has(key)));
  return createHash('sha256')
    .update(JSON.stringify(canonical(data)))
    .digest('hex');
}
