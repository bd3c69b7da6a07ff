import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { BatchPlan, HashedRecord, QuarantineEntry } from './batch-plan';

/**
 * FerretDB 1.24 holds one PostgreSQL connection per update that matches an existing document until the
 * whole command ends: a bulk of more than ~50 such updates exhausts its pool and hangs the server for
 * everyone. Updates of existing documents therefore go in small commands; upserts that insert do not hold
 * connections and go in one.
 */
export const MATCHING_UPDATES_PER_COMMAND = 25;

/** Both collections are keyed by customer_id. */
export type CustomerKeyed = Document & { _id: number };

export interface GoldenCollections {
  records: Collection<CustomerKeyed>;
  quarantine: Collection<CustomerKeyed>;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

async function bulkUpsert(collection: Collection<CustomerKeyed>, ops: AnyBulkWriteOperation<CustomerKeyed>[], perCommand: number): Promise<void> {
  for (const chunk of chunks(ops, perCommand)) await collection.bulkWrite(chunk, { ordered: false });
}

function recordUpsert({ record, hash }: HashedRecord): AnyBulkWriteOperation<CustomerKeyed> {
  const { _id, ...fields } = record;
  return {
    updateOne: {
      filter: { _id },
      update: { $set: { ...fields, data_hash: hash, is_current: true }, $unset: { missing_since: '' } },
      upsert: true,
    },
  };
}

function quarantineUpsert(entry: QuarantineEntry, at: Date): AnyBulkWriteOperation<CustomerKeyed> {
  const { _id, ...fields } = entry;
  return { updateOne: { filter: { _id }, update: { $set: fields, $setOnInsert: { quarantined_since: at } }, upsert: true } };
}

/** Applies a batch's plan. Every write is keyed by _id and idempotent: replaying a plan changes nothing more. */
export async function writeBatch(collections: GoldenCollections, plan: BatchPlan, consolidationDate: Date): Promise<number> {
  const { records, quarantine } = collections;
  await bulkUpsert(records, plan.inserts.map(recordUpsert), Number.MAX_SAFE_INTEGER);
  await bulkUpsert(records, plan.updates.map(recordUpsert), MATCHING_UPDATES_PER_COMMAND);
  const quarantineOps = plan.quarantine.map((entry) => quarantineUpsert(entry, consolidationDate));
  await bulkUpsert(quarantine, quarantineOps, MATCHING_UPDATES_PER_COMMAND);
  if (plan.releaseFromQuarantine.length > 0) await quarantine.deleteMany({ _id: { $in: plan.releaseFromQuarantine } });
  if (plan.missing.length === 0) return 0;
  const marked = await records.updateMany(
    { _id: { $in: plan.missing }, is_current: { $ne: false } },
    { $set: { is_current: false, missing_since: consolidationDate } },
  );
  return marked.modifiedCount;
}
