// The compact state of the golden record: per customer, the hash of the view rows its document was built
// from, so a rerun decides in the database which customers changed, and reads no document to find out. It
// lives in the same store as the documents (a restore of the store restores both) and is checked before
// it is trusted.
import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { GOLDEN_RECORD_META_COLLECTION, STATE_COLLECTION, STATE_META_ID } from './collections';
import { duplicateKeyIndexes } from './batch-writer';
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

const replaceOps = (entries: readonly StateEntry[]): AnyBulkWriteOperation<StateEntry>[] =>
  entries.map(({ _id, ...fields }) => ({ replaceOne: { filter: { _id }, replacement: fields, upsert: true } }));

/**
 * Entries of customers the state had no entry for are inserts (on FerretDB about ten times cheaper than
 * upserts); one that exists after all (a retried batch) is replaced like the others.
 */
export async function writeStateEntries(
  state: Collection<StateEntry>,
  entries: readonly StateEntry[],
  isNew: (entry: StateEntry) => boolean,
): Promise<void> {
  const fresh = entries.filter(isNew);
  const known = entries.filter((entry) => !isNew(entry));
  if (known.length > 0) await state.bulkWrite(replaceOps(known), { ordered: false });
  if (fresh.length === 0) return;
  try {
    await state.insertMany(fresh, { ordered: false });
  } catch (error) {
    const duplicates = duplicateKeyIndexes(error, fresh.length);
    if (duplicates === undefined) throw error;
    await state.bulkWrite(replaceOps(duplicates.map((index) => fresh[index]!)), { ordered: false });
  }
}
