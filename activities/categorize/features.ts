// The customers' features, read from CustomersGoldenRecord with a cursor (current customers, ascending _id).
import type { Db, Document, Filter, FindCursor } from 'mongodb';
import type { CustomerKeyed } from '../golden-record/batch-writer';
import { GOLDEN_RECORD_COLLECTION } from '../golden-record/collections';
import { readFreshness } from '../golden-record/golden-collections';
import type { Feature } from '../../workflows/categorize/config';
import { CategorizeDataError } from '../../workflows/categorize/errors';

export const CATEGORY_FIELD = 'category';
export const MODEL_VERSION_FIELD = 'category_model_version';
/** Read with the features: 0 (or missing) marks a customer without rentals. */
export const RENTAL_COUNT_FIELD = 'total_rental_count';

/** A golden record as categorize reads it: its features, and the category and model version it holds. */
export type FeatureDocument = CustomerKeyed & {
  category?: { name?: unknown; description?: unknown };
  [MODEL_VERSION_FIELD]?: unknown;
  [RENTAL_COUNT_FIELD]?: unknown;
};

/**
 * The feature vector in `features` order. A customer without rentals has null averages and overdue score
 * (and zero value and count): null counts as 0. Anything else that is not a number >= 0 is an error naming it.
 */
export function featureVector(doc: Document & { _id: number }, features: readonly Feature[]): number[] {
  return features.map((feature) => {
    const value: unknown = doc[feature] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new CategorizeDataError(
        `${GOLDEN_RECORD_COLLECTION} _id ${doc._id}: ${feature} is ${JSON.stringify(value)}, not a number >= 0`,
      );
    return value;
  });
}

/** Current customers after `afterId`, in ascending _id, with only the fields categorize needs. */
export function featureCursor(
  mongo: Db,
  features: readonly Feature[],
  options: { batchSize: number; afterId?: number },
): FindCursor<FeatureDocument> {
  const filter: Filter<FeatureDocument> = { is_current: { $ne: false } };
  if (options.afterId !== undefined) filter._id = { $gt: options.afterId };
  const projection = Object.fromEntries(
    [...features, CATEGORY_FIELD, MODEL_VERSION_FIELD, RENTAL_COUNT_FIELD].map((field) => [field, 1]),
  );
  return mongo
    .collection<FeatureDocument>(GOLDEN_RECORD_COLLECTION)
    .find(filter, { projection, sort: { _id: 1 }, batchSize: options.batchSize });
}

export interface CustomerFeatures {
  ids: number[];
  points: number[][];
  /** The golden record's last consolidation: the data's snapshot time. */
  snapshotAt: Date | null;
}

/** Every current customer's feature vector (a few numbers each: the whole set is what k-means fits). */
export async function readFeatures(
  mongo: Db,
  features: readonly Feature[],
  options: { batchSize: number; minimum: number; signal?: AbortSignal },
): Promise<CustomerFeatures> {
  const freshness = await readFreshness(mongo);
  const ids: number[] = [];
  const points: number[][] = [];
  const cursor = featureCursor(mongo, features, options);
  try {
    for await (const doc of cursor) {
      options.signal?.throwIfAborted();
      ids.push(doc._id);
      points.push(featureVector(doc, features));
    }
  } finally {
    await cursor.close();
  }
  if (points.length < options.minimum)
    throw new CategorizeDataError(
      `${GOLDEN_RECORD_COLLECTION} holds ${points.length} current customers: at least ${options.minimum} are needed (run the golden record first)`,
    );
  return { ids, points, snapshotAt: freshness?.last_consolidation_date ?? null };
}
