import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import type { BatchPlan, HashedRecord, QuarantineEntry } from './batch-plan';

/** Both collections are keyed by customer_id. */
export type CustomerKeyed = Document & { _id: number };

export interface GoldenCollections {
  records: Collection<CustomerKeyed>;
  quarantine: Collection<CustomerKeyed>;
}

/** One unordered bulk write (the patched FerretDB takes any number of matching updates per command). */
export async function bulkUpsert(
  collection: Collection<CustomerKeyed>,
  ops: AnyBulkWriteOperation<CustomerKeyed>[],
): Promise<{ upserted: number; modified: number }> {
  if (ops.length === 0) return { upserted: 0, modified: 0 };
  const result = await collection.bulkWrite(ops, { ordered: false });
  return { upserted: result.upsertedCount, modified: result.modifiedCount };
}

function recordFields({ record, hash }: HashedRecord) {
  const { _id, ...fields } = record;
  return { _id, fields: { ...fields, data_hash: hash, is_current: true } };
}

function recordUpsert(hashed: HashedRecord): AnyBulkWriteOperation<CustomerKeyed> {
  const { _id, fields } = recordFields(hashed);
  return { updateOne: { filter: { _id }, update: { $set: fields, $unset: { missing_since: '' } }, upsert: true } };
}

function recordInsert(hashed: HashedRecord): AnyBulkWriteOperation<CustomerKeyed> {
  const { _id, fields } = recordFields(hashed);
  return { insertOne: { document: { _id, ...fields } } };
}

const DUPLICATE_KEY = 11000;

/**
 * The positions of the inserts that failed because their _id exists, if that is all that went wrong. A
 * network error also comes as a MongoBulkWriteError, without write errors: then, or when any insert is
 * neither inserted nor a duplicate, undefined (the caller fails and the activity retries).
 */
export function duplicateKeyIndexes(error: unknown, attempted: number): number[] | undefined {
  if (!(error instanceof MongoBulkWriteError) || error.writeConcernError) return undefined;
  const writeErrors = [error.writeErrors].flat();
  const duplicates = writeErrors.filter((writeError) => writeError.code === DUPLICATE_KEY);
  const allAccounted =
    duplicates.length > 0 &&
    duplicates.length === writeErrors.length &&
    error.insertedCount + duplicates.length === attempted;
  return allAccounted ? duplicates.map((writeError) => writeError.index) : undefined;
}

export interface InsertOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * New documents are plain inserts: an upsert would look each _id up first. One that exists after all (an
 * earlier attempt or another writer got there after the plan read the collection) gets the `$set` upsert.
 */
async function insertNew(records: Collection<CustomerKeyed>, inserts: HashedRecord[]): Promise<InsertOutcome> {
  if (inserts.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  try {
    await records.bulkWrite(inserts.map(recordInsert), { ordered: false });
    return { inserted: inserts.length, updated: 0, unchanged: 0 };
  } catch (error) {
    const duplicates = duplicateKeyIndexes(error, inserts.length);
    if (duplicates === undefined) throw error;
    const existing = duplicates.map((index) => inserts[index]!);
    const { upserted, modified } = await bulkUpsert(records, existing.map(recordUpsert));
    return {
      inserted: inserts.length - existing.length + upserted,
      updated: modified,
      unchanged: existing.length - upserted - modified,
    };
  }
}

function quarantineUpsert(entry: QuarantineEntry, at: Date): AnyBulkWriteOperation<CustomerKeyed> {
  const { _id, ...fields } = entry;
  return {
    updateOne: {
      filter: { _id },
      update: { $set: { ...fields, last_seen: at }, $setOnInsert: { quarantined_since: at } },
      upsert: true,
    },
  };
}

export interface WriteOutcome extends InsertOutcome {
  markedMissing: number;
}

/** Applies a batch's plan. Every write is keyed by _id and idempotent: replaying a plan changes nothing more. */
export async function writeBatch(
  collections: GoldenCollections,
  plan: BatchPlan,
  consolidationDate: Date,
): Promise<WriteOutcome> {
  const { records, quarantine } = collections;
  const inserted = await insertNew(records, plan.inserts);
  const upserts = await bulkUpsert(records, plan.updates.map(recordUpsert));
  const quarantineOps = plan.quarantine.map((entry) => quarantineUpsert(entry, consolidationDate));
  await bulkUpsert(quarantine, quarantineOps);
  if (plan.releaseFromQuarantine.length > 0) await quarantine.deleteMany({ _id: { $in: plan.releaseFromQuarantine } });
  const rewrittenAsBefore = plan.updates.length - upserts.upserted - upserts.modified;
  const outcome = {
    inserted: inserted.inserted + upserts.upserted,
    updated: inserted.updated + upserts.modified,
    unchanged: inserted.unchanged + plan.unchanged + rewrittenAsBefore,
    markedMissing: 0,
  };
  if (plan.missing.length === 0) return outcome;
  const marked = await records.updateMany(
    { _id: { $in: plan.missing }, is_current: { $ne: false } },
    { $set: { is_current: false, missing_since: consolidationDate } },
  );
  return { ...outcome, markedMissing: marked.modifiedCount };
}
