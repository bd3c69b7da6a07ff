// The categorize workflow on dvd_rental's golden records (built by the real migration and golden record):
// every customer categorized, the same assignment and model on a second run, groups named by value, and a
// silhouette checked against one computed in SQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { buildGoldenRecords } from '../../support/golden-records';
import { runCli } from '../../support/cli';
import { withWorker } from '../../support/stack';
import {
  categoriesById,
  categorizeFixture,
  modelCount,
  runCategorize,
  type CategorizeFixture,
  type StoredCategory,
} from '../../support/categorize';
import type { CategorizeResult } from '../../../workflows/categorize/types';
import { GOLDEN_RECORD_COLLECTION } from '../../../activities/golden-record/collections';

let fixture: CategorizeFixture;
let first: CategorizeResult;
let second: CategorizeResult;
let afterFirst: Map<number, StoredCategory>;
let afterSecond: Map<number, StoredCategory>;
let impossible: unknown;
let afterImpossible: Map<number, StoredCategory>;
let modelsAfterImpossible: number;

beforeAll(async () => {
  fixture = await categorizeFixture('categorize_run');
  await withWorker(async (harness) => {
    first = await runCategorize(harness, fixture.config);
    afterFirst = await categoriesById(fixture.mongo);
    second = await runCategorize(harness, fixture.config);
    afterSecond = await categoriesById(fixture.mongo);
    impossible = await runCategorize(harness, { ...fixture.config, threshold: 0.99 }).catch((error: unknown) => error);
    afterImpossible = await categoriesById(fixture.mongo);
    modelsAfterImpossible = await modelCount(fixture.target);
  }, fixture.env);
});
afterAll(() => fixture?.close());

/** The silhouette in SQL: the whole distance matrix as a self-join, unscaled features (the default config). */
async function sqlSilhouette(docs: StoredCategory[], features: string[]): Promise<number> {
  const db = await fixture.target.connect();
  try {
    await db.query(`create temporary table point (id int, grp text, v double precision[])`);
    const rows = docs.map((doc) => ({
      id: doc._id,
      grp: doc.category!.name,
      v: features.map((f) => (doc as unknown as Record<string, number | null>)[f] ?? 0),
    }));
    await db.query(`insert into point select * from json_populate_recordset(null::point, $1)`, [JSON.stringify(rows)]);
    const { rows: result } = await db.query<{ score: number }>(`
      with d as (
        select p.id, p.grp, q.grp as other, sqrt(sum((p.v[i] - q.v[i]) ^ 2)) as dist
          from point p join point q on p.id <> q.id cross join generate_subscripts(p.v, 1) i
         group by p.id, p.grp, q.id, q.grp),
      m as (select id, grp, other, avg(dist) as mean from d group by id, grp, other),
      s as (
        select id, max(mean) filter (where other = grp) as a, min(mean) filter (where other <> grp) as b
          from m group by id)
      select avg(coalesce((b - a) / greatest(a, b), 0)) as score from s`);
    return result[0]!.score;
  } finally {
    await db.query('drop table if exists point');
    db.release();
  }
}

test('every current customer gets one of the four categories and the model version', async () => {
  const { rows } = await fixture.target.query<{ count: string }>('select count(*) from dvd_rental.customer');
  const customers = Number(rows[0]!.count);
  expect(first.decision).toBe('trained');
  expect(first.assignment).toMatchObject({ customers, changed: customers, unchanged: 0 });
  expect(afterFirst.size).toBe(customers);
  const names = fixture.config.labels.map((label) => label.name);
  for (const doc of afterFirst.values()) {
    expect(names).toContain(doc.category?.name);
    expect(doc.category?.description).toBe(
      fixture.config.labels.find((l) => l.name === doc.category?.name)!.description,
    );
    expect(doc.category_model_version).toBe(first.model.version);
  }
  expect(Object.values(first.assignment.sizes).reduce((a, b) => a + b, 0)).toBe(customers);
});

test('a second run reuses the model and gives the same assignment, writing nothing', async () => {
  expect(second.decision).toBe('reused');
  expect(second.reason).toMatch(/^model v\d+ scores 0\.\d{4} .* at least the threshold 0\.5$/);
  expect(second.model.version).toBe(first.model.version);
  expect(second.model.silhouette.score).toBeCloseTo(first.model.silhouette.score, 12);
  expect(second.assignment).toMatchObject({ changed: 0, unchanged: first.assignment.customers });
  expect(afterSecond).toEqual(afterFirst);
  expect(await modelCount(fixture.target)).toBe(1);
});

test('groups are named by value: Diamond has the highest mean lifetime_value, Bronze the lowest', () => {
  const byName = new Map<string, number[]>();
  for (const doc of afterFirst.values())
    byName.set(doc.category!.name, [...(byName.get(doc.category!.name) ?? []), doc.lifetime_value]);
  const mean = (name: string) => byName.get(name)!.reduce((a, b) => a + b, 0) / byName.get(name)!.length;
  const means = fixture.config.labels.map((label) => mean(label.name));
  expect(means).toEqual([...means].sort((a, b) => b - a));
  expect(mean('Diamond')).toBe(Math.max(...means));
  expect(mean('Bronze')).toBe(Math.min(...means));
});

test('the silhouette of the default config is at least 0.5 and agrees with one computed in SQL', async () => {
  const { silhouette } = first.model;
  expect(silhouette).toMatchObject({ method: 'exact', customers: first.assignment.customers });
  expect(silhouette.score).toBeGreaterThanOrEqual(0.5);
  const docs = await fixture.mongo
    .collection<StoredCategory>('CustomersGoldenRecord')
    .find({ is_current: { $ne: false } })
    .toArray();
  expect(await sqlSilhouette(docs, fixture.config.features)).toBeCloseTo(silhouette.score, 9);
});

test('the registry holds the model: scaler, centroids in both units, labels, sizes, snapshot time, hash', async () => {
  const { rows } = await fixture.target.query('select * from categorize.model where version = $1', [
    first.model.version,
  ]);
  const model = rows[0];
  expect(model).toMatchObject({
    config_hash: first.configHash,
    features: fixture.config.features,
    scaling: 'none',
    scaler: { kind: 'none' },
    labels: fixture.config.labels,
    silhouette_method: 'exact',
    customers: first.assignment.customers,
  });
  expect(model.sizes).toEqual(fixture.config.labels.map((label) => first.assignment.sizes[label.name]));
  expect(model.centroids).toHaveLength(4);
  expect(model.centroids_scaled).toEqual(model.centroids); // unscaled: the same space
  expect(model.data_snapshot_at).toBeInstanceOf(Date);
  expect(model.silhouette).toBeCloseTo(first.model.silhouette.score, 12);
});

test('a threshold no model reaches fails with the scores in the message and leaves every category as it was', () => {
  expect(impossible).toBeInstanceOf(WorkflowFailedError);
  const cause = (impossible as WorkflowFailedError).cause as { type?: string; message: string };
  expect(cause.type).toBe('NoModelReachesThreshold');
  const score = first.model.silhouette.score.toFixed(4);
  expect(cause.message).toContain(`no model reaches the silhouette threshold 0.99`);
  expect(cause.message).toContain(`scores ${score} (exact over ${first.assignment.customers} customers)`);
  expect(cause.message).toContain(`saved model v${first.model.version} scores ${score}`);
  expect(cause.message).toContain("the golden records' categories were left as they were");
  expect(afterImpossible).toEqual(afterFirst);
  expect(modelsAfterImpossible).toBe(1);
});

test("the golden record's next upsert keeps the categories (it sets only its own fields)", async () => {
  await fixture.target.query(
    `update dvd_rental.customer set email = 'changed.' || email where customer_id in (select customer_id from dvd_rental.customer order by customer_id limit 50)`,
  );
  await buildGoldenRecords(fixture.env);
  const after = await categoriesById(fixture.mongo);
  const changed = await fixture.mongo
    .collection('CustomersGoldenRecord')
    .countDocuments({ email: { $regex: '^changed\\.' } });
  expect(changed).toBe(50);
  expect(after).toEqual(afterFirst);
});

describe('CLI', () => {
  const cliEnv = () => ({
    TARGET_DATABASE_URL: fixture.env.TARGET_DATABASE_URL,
    MONGODB_DATABASE: fixture.env.MONGODB_DATABASE,
  });

  test('categorize model prints the current model: centroids in original units, sizes, silhouette', async () => {
    const result = await runCli(['categorize', 'model'], cliEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`model v${first.model.version}`);
    expect(result.stdout).toContain(`silhouette ${first.model.silhouette.score.toFixed(4)}`);
    for (const label of fixture.config.labels)
      expect(result.stdout).toMatch(new RegExp(`${label.name}\\s+${first.assignment.sizes[label.name]}\\s`));
  });

  test('categorize report --svg writes a standalone SVG with one mark per customer', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'categorize-report-')), 'segments.svg');
    const result = await runCli(['categorize', 'report', '--svg', file], cliEnv());
    expect(result.code).toBe(0);
    const svg = fs.readFileSync(file, 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
    const group = /<g class="mark-symbol role-mark customers_marks"[^>]*>([\s\S]*?)<\/g>/.exec(svg);
    expect(group?.[1]?.match(/<path /g)).toHaveLength(first.assignment.customers);
    const centroids = /<g class="mark-symbol role-mark centroids_marks"[^>]*>([\s\S]*?)<\/g>/.exec(svg);
    expect(centroids?.[1]?.match(/<path /g)).toHaveLength(4);
  });
});

// Declared last (it adds a customer to the golden records, and takes it out again).
test('a customer without rentals (null averages) is categorized all the same and counted', async () => {
  const records = fixture.mongo.collection<{ _id: number } & Record<string, unknown>>(GOLDEN_RECORD_COLLECTION);
  const newcomer = { _id: 1_000_001, is_current: true, total_rental_count: 0, lifetime_value: 0 };
  await records.insertOne({
    ...newcomer,
    overdue_score: null,
    average_rental_duration: null,
    average_rental_payment: null,
  });
  try {
    const result = await withWorker((harness) => runCategorize(harness, fixture.config), fixture.env);
    expect(first.assignment.withoutRentals).toBe(0); // every dvd_rental customer has rented
    expect(result.assignment).toMatchObject({ customers: first.assignment.customers + 1, withoutRentals: 1 });
    expect((await categoriesById(fixture.mongo)).get(newcomer._id)?.category?.name).toEqual(expect.any(String));
  } finally {
    await records.deleteOne({ _id: newcomer._id });
  }
});
