// The golden-record upsert: the three views, joined per customer, into MongoDB. A plain function: the
// activity wraps it (heartbeat from onBatch, resume from the heartbeat's lastCustomerId).
import type { Db } from 'mongodb';
import type pg from 'pg';
import { buildGoldenRecord, buildSources, type RunContext } from './build-document';
import { DEFAULT_UPSERT_BATCH_SIZE } from '../../workflows/golden-record/types';
import { planBatch, type BatchPlan } from './batch-plan';
import { writeBatch, type WriteOutcome } from './batch-writer';
import type { GoldenCollections } from './batch-writer';
import {
  ensureGoldenRecordIndexes,
  goldenCollections,
  recordFreshness,
  streamStoredStates,
  type StoredStreams,
} from './golden-collections';
import { openViewCursor, type ViewCursor } from './view-cursor';

export interface UpsertProgress {
  lastCustomerId: number;
  read: number;
  written: number;
  unchanged: number;
  quarantined: number;
}

export interface UpsertGoldenRecordsOptions {
  target: pg.Pool;
  mongo: Db;
  /** The target database's URL, for the documents' source paths (user and password are never written). */
  targetUrl: string;
  batchSize?: number;
  /** The run's time: written into changed documents and the collection's freshness; same on every retry. */
  consolidationDate: Date;
  /** Continue after this customer (an earlier attempt's last reported batch). */
  resumeAfterCustomerId?: number;
  /** After each batch is written: safe to heartbeat `lastCustomerId` as the resume point. */
  onBatch?: (progress: UpsertProgress) => void;
  signal?: AbortSignal;
}

/** Counts of this call only: a resumed call does not count what the earlier attempt did. */
export interface UpsertSummary {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  markedMissing: number;
  lastCustomerId: number;
}

function checkBatchSize(batchSize: number): number {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, not ${batchSize}`);
  return batchSize;
}

const emptySummary = (lastCustomerId: number): UpsertSummary => ({
  read: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  quarantined: 0,
  markedMissing: 0,
  lastCustomerId,
});

function count(summary: UpsertSummary, plan: BatchPlan, read: number, written: WriteOutcome): void {
  summary.read += read;
  summary.inserted += written.inserted;
  summary.updated += written.updated;
  summary.unchanged += written.unchanged;
  summary.quarantined += plan.quarantined;
  summary.markedMissing += written.markedMissing;
}

const progressOf = (s: UpsertSummary): UpsertProgress => ({
  lastCustomerId: s.lastCustomerId,
  read: s.read,
  written: s.inserted + s.updated,
  unchanged: s.unchanged,
  quarantined: s.quarantined,
});

/**
 * Batch by batch (ascending customer_id), and once more with an empty batch for the open range after the
 * last customer: each batch owns the _id range (previous batch's last, its last], so documents whose
 * customer left the source are found in the range where they would have been, and marked missing there.
 * The ranges of a call and of the attempts it resumes cover every _id exactly once. The stored states
 * come from cursors in the same order as the views' (a merge join on customer_id).
 */
async function upsertBatches(
  opts: UpsertGoldenRecordsOptions,
  collections: GoldenCollections,
  views: ViewCursor,
  storedStates: StoredStreams,
  run: RunContext,
): Promise<UpsertSummary> {
  const summary = emptySummary(opts.resumeAfterCustomerId ?? 0);
  for (;;) {
    opts.signal?.throwIfAborted();
    const candidates = (await views.next()).map((row) => buildGoldenRecord(row, run));
    const upTo = candidates.at(-1)?._id;
    const { stored, inQuarantine } = await storedStates.upTo(upTo);
    const plan = planBatch(candidates, stored, inQuarantine);
    count(summary, plan, candidates.length, await writeBatch(collections, plan, run.consolidationDate));
    if (upTo === undefined) return summary;
    summary.lastCustomerId = upTo;
    opts.onBatch?.(progressOf(summary));
  }
}

/**
 * Upserts one document per customer into CustomersGoldenRecord: unchanged data (same hash) is not
 * written, invalid documents go to quarantine, customers gone from the source are marked
 * `is_current: false`. Idempotent: a rerun, or a retry from any resume point, ends in the same state.
 */
export async function upsertGoldenRecords(opts: UpsertGoldenRecordsOptions): Promise<UpsertSummary> {
  const batchSize = checkBatchSize(opts.batchSize ?? DEFAULT_UPSERT_BATCH_SIZE);
  await ensureGoldenRecordIndexes(opts.mongo);
  const views = await openViewCursor({ target: opts.target, batchSize, afterCustomerId: opts.resumeAfterCustomerId });
  const collections = goldenCollections(opts.mongo);
  const storedStates = streamStoredStates(collections, opts.resumeAfterCustomerId, batchSize);
  try {
    const run = {
      consolidationDate: opts.consolidationDate,
      sources: buildSources(opts.targetUrl, views.refreshDates),
    };
    const summary = await upsertBatches(opts, collections, views, storedStates, run);
    await recordFreshness(opts.mongo, run.consolidationDate, run.sources);
    return summary;
  } finally {
    await storedStates.close().catch(() => undefined); // a dead server's cursor must not hide the real error
    await views.close();
  }
}
