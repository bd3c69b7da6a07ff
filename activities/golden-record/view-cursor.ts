import type pg from 'pg';
import type { SourceView, ViewRow } from './build-document';
import {
  GOLDEN_RECORD_TYPES,
  goldenRecordQuery,
  refreshDatesQuery,
  sampleCustomersQuery,
  sourceHashQuery,
} from './golden-record-query';

const CURSOR = 'golden_record_rows';
/** Below every customer_id (an integer column): the start when there is nothing to resume after. */
const BEFORE_FIRST_CUSTOMER = -2147483648;

/** One customer's hash over the view columns its document is built from (sourceHashQuery). */
export interface SourceHash {
  customer_id: number;
  source_hash: string;
}

export interface ViewCursor<Row> {
  /** When each view was refreshed, read in the same snapshot as the rows. */
  refreshDates: Record<SourceView, Date | null>;
  /** The next rows (at most batchSize); an empty array at the end. */
  next(): Promise<Row[]>;
  /** The document rows of these customers, in the cursor's snapshot (between two next() calls). */
  rowsOf(customerIds: readonly number[]): Promise<ViewRow[]>;
  /** The source hashes of `size` customers spread over the range (the same ones for the same seed). */
  sample(size: number, seed: string): Promise<SourceHash[]>;
  close(): Promise<void>;
}

/** The cursor's rows: whole document rows (a full pass), or per-customer hashes only (builderVersion set). */
export interface ViewCursorOptions {
  target: pg.Pool;
  batchSize: number;
  afterCustomerId?: number;
  /** Hash rows instead of document rows; the version goes into every hash. */
  builderVersion?: string;
}

/**
 * A server-side cursor over the joined views in one read-only, repeatable-read transaction: the refresh
 * dates, every batch and every rowsOf() come from one snapshot, and only one batch is in memory at a time.
 */
export async function openViewCursor<Row = ViewRow>(opts: ViewCursorOptions): Promise<ViewCursor<Row>> {
  const client = await opts.target.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query({ text: refreshDatesQuery(), types: GOLDEN_RECORD_TYPES });
    const after = opts.afterCustomerId ?? BEFORE_FIRST_CUSTOMER;
    if (opts.builderVersion === undefined)
      await client.query(`declare ${CURSOR} no scroll cursor for ${goldenRecordQuery()}`, [after]);
    else
      await client.query(`declare ${CURSOR} no scroll cursor for ${sourceHashQuery()}`, [after, opts.builderVersion]);
    return {
      refreshDates: rows[0] as Record<SourceView, Date | null>,
      async next() {
        const fetched = await client.query({
          text: `fetch forward ${opts.batchSize} from ${CURSOR}`,
          types: GOLDEN_RECORD_TYPES,
        });
        return fetched.rows as Row[];
      },
      async rowsOf(customerIds) {
        if (customerIds.length === 0) return [];
        const fetched = await client.query({
          text: goldenRecordQuery(undefined, 'any'),
          values: [customerIds],
          types: GOLDEN_RECORD_TYPES,
        });
        return fetched.rows as ViewRow[];
      },
      async sample(size, seed) {
        const ids = await client.query<{ customer_id: number }>(sampleCustomersQuery(), [seed, size]);
        const fetched = await client.query<SourceHash>(sourceHashQuery(undefined, 'any'), [
          ids.rows.map((row) => row.customer_id),
          opts.builderVersion ?? '',
        ]);
        return fetched.rows;
      },
      async close() {
        try {
          await client.query('rollback');
          client.release();
        } catch (error) {
          client.release(error as Error);
        }
      },
    };
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
}
