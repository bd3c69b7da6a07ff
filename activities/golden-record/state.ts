// The compact state of the golden record: per customer, the hash of the view rows its document was built
// from, so a rerun decides in the database which customers changed, and reads no document to find out. It
// lives in the same store as the documents (a restore of the store restores both) and is checked before
// it is trusted.
import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { GOLDEN_RECORD_META_COLLECTION, STATE_COLLECTION, STATE_META_ID } from './collections';
import { goldenRecordQuery } from './golden-record-query';

/**
 * Bump when the document built from the same view rows changes (build-document.ts, document.ts): every
 * stored hash then differs and the next run rebuilds everyone. The query's text is part of it already.
 */
const BUILDER_REVISION = 'golden-record-document-1';
export const BUILDER_VERSION = `${BUILDER_REVISION}:${createHash('sha256').update(goldenRecordQuery()).digest('hex').slice(0, 16)}`;

export interface StateEntry {
  _id: number;
  /** Hash of the customer's view rows when its document was last built; null once it left the source. */
  h: string | null;
  /** data_hash of its document in CustomersGoldenRecord; null when it has none (only ever quarantined). */
  d: string | null;
  /** data_hash of its quarantine entry, when it has one. */
  q?: string;
  at: Date;
}

export interface StateMeta {
  _id: typeof STATE_META_ID;
  version: string;
  /** Entries in the state when the last complete run ended. */
  entries: number;
  written_at: Date;
}

export const stateCollection = (mongo: Db) => mongo.collection<StateEntry>(STATE_COLLECTION);
const metaCollection = (mongo: Db) => mongo.collection<StateMeta>(GOLDEN_RECORD_META_COLLECTION);

export const readStateMeta = (mongo: Db) => metaCollection(mongo).findOne({ _id: STATE_META_ID });

/** Written once a run has gone through every customer: the next run's self-check compares against it. */
export async function recordStateMeta(mongo: Db, entries: number, at: Date): Promise<void> {
  await metaCollection(mongo).replaceOne(
    { _id: STATE_META_ID },
    { version: BUILDER_VERSION, entries, written_at: at },
    { upsert: true },
  );
}

/** Before a full pass: the old state is not trusted, and a half-rewritten one must not look complete. */
export async function clearState(mongo: Db): Promise<void> {
  await metaCollection(mongo).deleteOne({ _id: STATE_META_ID });
  await stateCollection(mongo).deleteMany({});
}

export async function writeStateEntries(state: Collection<StateEntry>, entries: readonly StateEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const ops: AnyBulkWriteOperation<StateEntry>[] = entries.map(({ _id, ...fields }) => ({
    replaceOne: { filter: { _id }, replacement: fields, upsert: true },
  }));
  await state.bulkWrite(ops, { ordered: false });
}
