// Data drift: the saved model is scored on today's data at every run and retrained when it falls under the
// threshold. The daily-activity pipeline that would change the data is not part of this test: the features
// are changed directly in the golden records (as a day of many unreturned rentals would raise them).
import { bulkUpsert } from '../../../activities/golden-record/batch-writer';
import { trainModel } from '../../../activities/categorize/fit';
import { ensureRegistry } from '../../../activities/categorize/registry';
import type { CategorizeResult, TrainedModel } from '../../../workflows/categorize/types';
import {
  categoriesById,
  categorizeFixture,
  modelCount,
  runCategorize,
  type CategorizeFixture,
  type StoredCategory,
} from '../../support/categorize';
import { withWorker } from '../../support/stack';

let fixture: CategorizeFixture;
let before: TrainedModel;
let after: CategorizeResult;
let categories: Map<number, StoredCategory>;

/** Every customer's average rental duration moved to one of four levels far above the saved centroids. */
async function driftFeatures(): Promise<void> {
  const records = fixture.mongo.collection<{ _id: number }>('CustomersGoldenRecord');
  const ids = (await records.find({}, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
  const ops = ids.map((_id) => ({
    updateOne: { filter: { _id }, update: { $set: { average_rental_duration: 10_000 * (1 + (_id % 4)) } } },
  }));
  await bulkUpsert(records, ops);
}

beforeAll(async () => {
  fixture = await categorizeFixture('categorize_drift');
  // yesterday's model, saved by the training activity's own function (its assignment is not needed here)
  await ensureRegistry(fixture.target);
  before = await trainModel(fixture, {
    configName: 'categorize',
    config: fixture.config,
    runKey: 'yesterday',
    reason: 'test',
  });
  await driftFeatures();
  await withWorker(async (harness) => {
    after = await runCategorize(harness, fixture.config);
    categories = await categoriesById(fixture.mongo);
  }, fixture.env);
});
afterAll(() => fixture?.close());

test('the saved model is re-scored on the changed data, found under the threshold, and retrained', async () => {
  expect(before.silhouette.score).toBeGreaterThanOrEqual(0.5);
  expect(after.decision).toBe('trained');
  expect(after.reason).toMatch(
    new RegExp(`^model v${before.version} scores -?0\\.\\d{4} .* on today's data, under the threshold 0\\.5`),
  );
  const rescored = Number(/scores (-?[\d.]+)/.exec(after.reason)![1]);
  expect(rescored).toBeLessThan(0.5);
  expect(after.model.version).toBeGreaterThan(before.version);
  expect(after.model.silhouette.score).toBeGreaterThanOrEqual(0.5);
  expect(await modelCount(fixture.target)).toBe(2);
});

test('every customer carries the new model version and a category of the new groups', () => {
  expect(after.assignment.changed).toBe(after.assignment.customers);
  for (const doc of categories.values()) expect(doc.category_model_version).toBe(after.model.version);
  const sizes = Object.values(after.assignment.sizes);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(categories.size);
});
