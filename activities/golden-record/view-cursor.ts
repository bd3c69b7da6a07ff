import type pg from 'pg';
import type { SourceView, ViewRow } from './build-document';
import { GOLDEN_RECORD_TYPES, goldenRecordQuery, refreshDatesQuery } from './golden-record-query';

const CURSOR = 'golden_record_rows';
/** Below every customer_id (an integer column): the start when there is nothing to resume after. */
const BEFORE_FIRST_CUSTOMER = -2147483648;

export interface ViewCursor {
  /** When each view was refreshed, read in the same snapshot as the rows. */
  refreshDates: Record<SourceView, Date | null>;
  /** The next rows (at most batchSize); an empty array at the end. */
  next(): Promise<ViewRow[]>;
  close(): Promise<void>;
}

/**
 * A server-side cursor over the joined views in one read-only, repeatable-read transaction: the refresh
 * dates and every batch come from one snapshot, and only one batch is in memory at a time.
 */
export async function openViewCursor(opts: {
  target: pg.Pool;
  batchSize: number;
  afterCustomerId?: number;
}): Promise<ViewCursor> {
  const client = await opts.target.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query({ text: refreshDatesQuery(), types: GOLDEN_RECORD_TYPES });
    await client.query(`declare ${CURSOR} no scroll cursor for ${goldenRecordQuery()}`, [
      opts.afterCustomerId ?? BEFORE_FIRST_CUSTOMER,
    ]);
    return {
      refreshDates: rows[0] as Record<SourceView, Date | null>,
      async next() {
        const fetched = await client.query({
          text: `fetch forward ${opts.batchSize} from ${CURSOR}`,
          types: GOLDEN_RECORD_TYPES,
        });
        return fetched.rows as ViewRow[];
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
