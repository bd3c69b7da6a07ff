// The golden-record upsert: the three views, joined per customer, into MongoDB. A plain function: the
// activity wraps it (heartbeat from onBatch, resume from the heartbeat's progress).
//
// Which customers changed is decided in the database: per customer, a hash of the view rows its document
// is built from, merged with the compact state (one sorted cursor over small entries). Only changed
// customers are fetched, built, validated and written. A state that fails its self-check (state-check.ts)
// is not used: the run does a full pass, builds everyone, rewrites the state, and says why.
import type { Db } from 'mongodb';
import type pg from 'pg';
import { buildGoldenRecord, buildSources, type RunContext } from './build-document';
import { DEFAULT_UPSERT_BATCH_SIZE } from '../../workflows/golden-record/types';
import { planBatch, type BatchPlan } from './batch-plan';
import { writeBatch, type GoldenCollections, type WriteOutcome } from './batch-writer';
import { planChanges, storedFromEntries, type ChangePlan } from './change-plan';
import { ensureGoldenRecordIndexes, goldenCollections, recordFreshness, streamSorted } from './golden-collections';
import { checkState } from './state-check';
import {
  BUILDER_VERSION,
  clearState,
  recordStateMeta,
  stateCollection,
  writeStateEntries,
  type StateEntry,
} from './state';
import { openViewCursor, type SourceHash, type ViewCursor } from './view-cursor';
import { finishFullPass } from './full-pass';

export type UpsertPass = 'incremental' | 'full';

/** How a run goes through the customers; carried in the heartbeat so a retried attempt goes on the same way. */
export interface PassState {
  pass: UpsertPass;
  /** Why the state was not trusted (full pass only). */
  fullPassReason?: string;
  /** The collection was empty when the full pass began: new documents are plain inserts. */
  intoEmpty?: boolean;
  /** State entries counted so far: the whole state in an incremental pass, those written in a full pass. */
  stateEntries: number;
}

export interface UpsertProgress extends PassState {
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
  /** The earlier attempt's pass, from its heartbeat. */
  resumePass?: PassState;
  /** Once the pass is chosen (a new run: after the state's self-check). */
  onPass?: (pass: PassState) => void;
  /** After each batch is written: safe to heartbeat as the resume point. */
  onBatch?: (progress: UpsertProgress) => void;
  signal?: AbortSignal;
}

/** Counts of this call only: a resumed call does not count what the earlier attempt did. */
export interface UpsertSummary {
  pass: UpsertPass;
  fullPassReason?: string;
  /** Customers of the views examined (by their source hash). */
  read: number;
  /** Documents built and validated (changed customers; everyone in a full pass). */
  built: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  markedMissing: number;
  /** Compact state entries read by the merge. */
  stateRead: number;
  /** Documents of the golden-record collections read (only the self-check's sample). */
  documentsRead: number;
  lastCustomerId: number;
}

function checkBatchSize(batchSize: number): number {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, not ${batchSize}`);
  return batchSize;
}

const emptySummary = (pass: PassState, lastCustomerId: number): UpsertSummary => ({
  pass: pass.pass,
  ...(pass.fullPassReason === undefined ? {} : { fullPassReason: pass.fullPassReason }),
  read: 0,
  built: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  quarantined: 0,
  markedMissing: 0,
  stateRead: 0,
  documentsRead: 0,
  lastCustomerId,
});

function count(summary: UpsertSummary, changes: ChangePlan, plan: BatchPlan, written: WriteOutcome): void {
  summary.read += changes.inSource.size;
  summary.built += changes.build.length;
  summary.inserted += written.inserted;
  summary.updated += written.updated;
  summary.unchanged += written.unchanged + changes.unchanged;
  summary.quarantined += plan.quarantined + changes.stillQuarantined;
  summary.markedMissing += written.markedMissing;
}

interface Batch {
  changes: ChangePlan;
  plan: BatchPlan;
}

/** The full pass trusts nothing stored: everyone is built; the state entries are all new. */
const fullPassChanges = (hashes: readonly SourceHash[]): ChangePlan => planChanges(hashes, []);

async function planBatchOf(
  hashes: SourceHash[],
  entries: StateEntry[],
  views: ViewCursor<SourceHash>,
  run: RunContext,
  pass: PassState,
): Promise<Batch> {
  const changes = pass.pass === 'full' ? fullPassChanges(hashes) : planChanges(hashes, entries);
  const candidates = (await views.rowsOf(changes.build)).map((row) => buildGoldenRecord(row, run));
  const { stored, inQuarantine } = storedFromEntries(changes.entries.values());
  const plan = planBatch(candidates, stored, inQuarantine, changes.inSource);
  if (pass.pass === 'full' && !pass.intoEmpty) {
    // What the collection holds is unknown: every document is an upsert, and leaves quarantine if valid.
    plan.updates.push(...plan.inserts.splice(0));
    plan.releaseFromQuarantine.push(...plan.updates.map(({ record }) => record._id));
  }
  return { changes, plan };
}

/** The batch's new state entries: every customer built, and those gone from the source. */
async function stateEntriesOf(
  { changes, plan }: Batch,
  hashes: readonly SourceHash[],
  collections: GoldenCollections,
  at: Date,
): Promise<StateEntry[]> {
  const sourceHash = new Map(hashes.map((row) => [row.customer_id, row.source_hash]));
  const entries: StateEntry[] = [];
  for (const id of changes.build) {
    const outcome = plan.outcomes.get(id)!;
    const h = sourceHash.get(id)!;
    if (outcome.valid) {
      entries.push({ _id: id, h, d: outcome.hash, at });
      continue;
    }
    // Invalid: the collection keeps whatever valid document it had.
    const known = changes.entries.get(id);
    const d = known
      ? known.d
      : ((await collections.records.findOne({ _id: id }, { projection: { data_hash: 1 } }))?.data_hash ?? null);
    entries.push({ _id: id, h, d, q: outcome.hash, at });
  }
  for (const entry of changes.gone) entries.push({ _id: entry._id, h: null, d: entry.d, at });
  return entries;
}

async function upsertBatches(
  opts: UpsertGoldenRecordsOptions,
  collections: GoldenCollections,
  views: ViewCursor<SourceHash>,
  pass: PassState,
  run: RunContext,
  summary: UpsertSummary,
): Promise<void> {
  const state = stateCollection(opts.mongo);
  const stored = streamSorted(state, opts.resumeAfterCustomerId, opts.batchSize ?? DEFAULT_UPSERT_BATCH_SIZE);
  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      const hashes = await views.next();
      const upTo = hashes.at(-1)?.customer_id;
      const entries = pass.pass === 'full' ? [] : await stored.upTo(upTo);
      summary.stateRead += entries.length;
      const batch = await planBatchOf(hashes, entries, views, run, pass);
      count(summary, batch.changes, batch.plan, await writeBatch(collections, batch.plan, run.consolidationDate));
      const newEntries = await stateEntriesOf(batch, hashes, collections, run.consolidationDate);
      const isNew = (entry: StateEntry) => !batch.changes.entries.has(entry._id);
      await writeStateEntries(state, newEntries, isNew);
      pass.stateEntries += newEntries.filter(isNew).length;
      if (upTo === undefined) return;
      summary.lastCustomerId = upTo;
      opts.onBatch?.({
        ...pass,
        lastCustomerId: upTo,
        read: summary.read,
        written: summary.inserted + summary.updated,
        unchanged: summary.unchanged,
        quarantined: summary.quarantined,
      });
    }
  } finally {
    await stored.close().catch(() => undefined); // a dead server's cursor must not hide the real error
  }
}

/** A new run checks the state; a resumed one goes on as its first attempt began. */
async function choosePass(
  opts: UpsertGoldenRecordsOptions,
  collections: GoldenCollections,
  views: ViewCursor<SourceHash>,
  run: RunContext,
): Promise<{ pass: PassState; documentsRead: number }> {
  if (opts.resumePass) return { pass: { ...opts.resumePass }, documentsRead: 0 };
  const check = await checkState(opts.mongo, collections, views, run);
  if (check.distrust === undefined)
    return { pass: { pass: 'incremental', stateEntries: check.entries }, documentsRead: check.documentsRead };
  if (opts.resumeAfterCustomerId === undefined) await clearState(opts.mongo);
  const intoEmpty = (await collections.records.findOne({}, { projection: { _id: 1 } })) === null;
  const stateEntries =
    opts.resumeAfterCustomerId === undefined
      ? 0
      : await stateCollection(opts.mongo).countDocuments({ _id: { $lte: opts.resumeAfterCustomerId } });
  return {
    pass: { pass: 'full', fullPassReason: check.distrust, intoEmpty, stateEntries },
    documentsRead: check.documentsRead,
  };
}

/**
 * Upserts one document per customer into CustomersGoldenRecord: unchanged customers are not built nor
 * written, invalid documents go to quarantine, customers gone from the source are marked
 * `is_current: false`. Idempotent: a rerun, or a retry from any resume point, ends in the same state.
 */
export async function upsertGoldenRecords(opts: UpsertGoldenRecordsOptions): Promise<UpsertSummary> {
  const batchSize = checkBatchSize(opts.batchSize ?? DEFAULT_UPSERT_BATCH_SIZE);
  await ensureGoldenRecordIndexes(opts.mongo);
  const views = await openViewCursor<SourceHash>({
    target: opts.target,
    batchSize,
    afterCustomerId: opts.resumeAfterCustomerId,
    builderVersion: BUILDER_VERSION,
  });
  const collections = goldenCollections(opts.mongo);
  try {
    const run = {
      consolidationDate: opts.consolidationDate,
      sources: buildSources(opts.targetUrl, views.refreshDates),
    };
    const { pass, documentsRead } = await choosePass(opts, collections, views, run);
    opts.onPass?.(pass);
    const summary = emptySummary(pass, opts.resumeAfterCustomerId ?? 0);
    summary.documentsRead = documentsRead;
    await upsertBatches({ ...opts, batchSize }, collections, views, pass, run, summary);
    if (pass.pass === 'full')
      summary.markedMissing += await finishFullPass(collections, run.consolidationDate, pass.intoEmpty ?? false);
    const entries =
      opts.resumeAfterCustomerId === undefined ? pass.stateEntries : await stateCollection(opts.mongo).countDocuments();
    await recordStateMeta(opts.mongo, entries, run.consolidationDate);
    await recordFreshness(opts.mongo, run.consolidationDate, run.sources);
    return summary;
  } finally {
    await views.close();
  }
}
