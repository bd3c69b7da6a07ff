// Writes each current customer's category and the model version, touching only documents where either changed.
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { bulkUpsert } from '../golden-record/batch-writer';
import { GOLDEN_RECORD_COLLECTION } from '../golden-record/collections';
import type { AssignSummary } from '../../workflows/categorize/types';
import {
  CATEGORY_FIELD,
  featureCursor,
  featureVector,
  MODEL_VERSION_FIELD,
  RENTAL_COUNT_FIELD,
  type FeatureDocument,
} from './features';
import { nearest } from './model';
import type { SavedModel } from './registry';
import { scale } from './scaling';

/** The resume point a retried attempt continues from, with the counts so far. */
export interface AssignProgress extends AssignSummary {
  lastId: number;
}

export interface AssignOptions {
  mongo: Db;
  model: SavedModel;
  batchSize: number;
  resumeFrom?: AssignProgress;
  /** After each batch is written: safe to heartbeat as the resume point. */
  onBatch?: (progress: AssignProgress) => void;
  signal?: AbortSignal;
}

function isAssigned(doc: FeatureDocument, label: { name: string; description: string }, version: number): boolean {
  return (
    doc.category?.name === label.name &&
    doc.category.description === label.description &&
    doc[MODEL_VERSION_FIELD] === version
  );
}

const startFrom = (model: SavedModel, resumed?: AssignProgress): AssignProgress =>
  resumed
    ? { ...resumed, withoutRentals: resumed.withoutRentals ?? 0, sizes: { ...resumed.sizes } }
    : {
        lastId: 0,
        customers: 0,
        changed: 0,
        unchanged: 0,
        withoutRentals: 0,
        sizes: Object.fromEntries(model.labels.map((label) => [label.name, 0])),
      };

/**
 * Assigns every current customer (ascending _id) to the nearest centroid of `model`. Writes are keyed by _id
 * and set values, so a replayed batch changes nothing; a resumed call continues after `resumeFrom.lastId`.
 */
export async function assignCategories(options: AssignOptions): Promise<AssignSummary> {
  const { model } = options;
  const records = options.mongo.collection<FeatureDocument>(GOLDEN_RECORD_COLLECTION);
  const progress = startFrom(model, options.resumeFrom);
  const cursor = featureCursor(options.mongo, model.features, {
    batchSize: options.batchSize,
    afterId: options.resumeFrom?.lastId,
  });
  let pending: AnyBulkWriteOperation<FeatureDocument>[] = [];
  let inBatch = 0;
  const flush = async () => {
    await bulkUpsert(records, pending);
    pending = [];
    inBatch = 0;
    options.onBatch?.({ ...progress, sizes: { ...progress.sizes } });
  };
  try {
    for await (const doc of cursor) {
      options.signal?.throwIfAborted();
      const label =
        model.labels[nearest(model.centroidsScaled, scale(model.scaler, featureVector(doc, model.features)))]!;
      progress.customers++;
      if (!doc[RENTAL_COUNT_FIELD]) progress.withoutRentals++;
      progress.sizes[label.name] = (progress.sizes[label.name] ?? 0) + 1;
      if (isAssigned(doc, label, model.version)) progress.unchanged++;
      else {
        progress.changed++;
        const category = { name: label.name, description: label.description };
        const update = { $set: { [CATEGORY_FIELD]: category, [MODEL_VERSION_FIELD]: model.version } };
        pending.push({ updateOne: { filter: { _id: doc._id }, update } });
      }
      progress.lastId = doc._id;
      if (++inBatch >= options.batchSize) await flush();
    }
    if (inBatch > 0) await flush();
  } finally {
    await cursor.close();
  }
  return {
    customers: progress.customers,
    changed: progress.changed,
    unchanged: progress.unchanged,
    withoutRentals: progress.withoutRentals,
    sizes: progress.sizes,
  };
}
