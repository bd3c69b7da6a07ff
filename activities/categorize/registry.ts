// The model registry in the target database (sql/categorize/registry.sql): saved models, newest per config hash.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { REPO_ROOT } from '../../common/env';
import { inTransaction } from '../../common/transaction';
import type { CategorizeConfig, CategoryLabel, Feature } from '../../workflows/categorize/config';
import type { FittedModel, ModelParameters } from './model';
import type { Scaler } from './scaling';
import type { SilhouetteScore } from '../../workflows/categorize/types';

const REGISTRY_SQL = path.join(REPO_ROOT, 'sql', 'categorize', 'registry.sql');

export interface SavedModel extends ModelParameters {
  version: number;
  configName: string;
  configHash: string;
  centroids: number[][];
  sizes: number[];
  inertia: number;
  silhouette: SilhouetteScore;
  dataSnapshotAt: string | null;
  trainedAt: string;
  reason: string;
}

interface ModelRow {
  version: string;
  config_name: string;
  config_hash: string;
  features: Feature[];
  scaler: Scaler;
  centroids_scaled: number[][];
  centroids: number[][];
  labels: CategoryLabel[];
  sizes: number[];
  inertia: number;
  silhouette: number;
  silhouette_method: 'exact' | 'sample';
  silhouette_sample_size: number;
  customers: number;
  data_snapshot_at: Date | null;
  trained_at: Date;
  reason: string;
}

const fromRow = (row: ModelRow): SavedModel => ({
  version: Number(row.version),
  configName: row.config_name,
  configHash: row.config_hash,
  features: row.features,
  scaler: row.scaler,
  centroidsScaled: row.centroids_scaled,
  centroids: row.centroids,
  labels: row.labels,
  sizes: row.sizes,
  inertia: row.inertia,
  silhouette: {
    score: row.silhouette,
    method: row.silhouette_method,
    sampleSize: row.silhouette_sample_size,
    customers: row.customers,
  },
  dataSnapshotAt: row.data_snapshot_at?.toISOString() ?? null,
  trainedAt: row.trained_at.toISOString(),
  reason: row.reason,
});

/** Creates the registry's schema and table when missing; a rerun changes nothing. */
export async function ensureRegistry(target: pg.Pool): Promise<void> {
  const sql = await readFile(REGISTRY_SQL, 'utf8');
  await inTransaction(target, async (db) => {
    await db.query(`select pg_advisory_xact_lock(hashtext('categorize ensureRegistry'))`);
    await db.query(sql);
  });
}

/** The newest model fitted for this config hash, if any. */
export async function latestModel(target: pg.Pool, configHash: string): Promise<SavedModel | null> {
  const { rows } = await target.query<ModelRow>(
    'select * from categorize.model where config_hash = $1 order by version desc limit 1',
    [configHash],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The newest model of any config (the CLI's `categorize model` without a config). */
export async function newestModel(target: pg.Pool): Promise<SavedModel | null> {
  const { rows } = await target.query<ModelRow>('select * from categorize.model order by version desc limit 1');
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function modelByVersion(target: pg.Pool, version: number): Promise<SavedModel> {
  const { rows } = await target.query<ModelRow>('select * from categorize.model where version = $1', [version]);
  if (!rows[0]) throw new Error(`categorize.model holds no model version ${version}`);
  return fromRow(rows[0]);
}

export interface ModelToSave {
  runKey: string;
  configName: string;
  configHash: string;
  config: CategorizeConfig;
  model: FittedModel;
  silhouette: SilhouetteScore;
  dataSnapshotAt: Date | null;
  reason: string;
}

/** Saves a model once per run key: a retried call returns the version the first call saved. */
export async function saveModel(target: pg.Pool, entry: ModelToSave): Promise<SavedModel> {
  const { model, silhouette } = entry;
  const json = (value: unknown) => JSON.stringify(value);
  await target.query(
    `insert into categorize.model (run_key, config_name, config_hash, config, features, scaling, scaler,
       centroids_scaled, centroids, labels, sizes, inertia, silhouette, silhouette_method, silhouette_sample_size,
       customers, data_snapshot_at, reason)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     on conflict (run_key) do nothing`,
    [
      entry.runKey,
      entry.configName,
      entry.configHash,
      json(entry.config),
      model.features,
      model.scaler.kind,
      json(model.scaler),
      json(model.centroidsScaled),
      json(model.centroids),
      json(model.labels),
      json(model.sizes),
      model.inertia,
      silhouette.score,
      silhouette.method,
      silhouette.sampleSize,
      silhouette.customers,
      entry.dataSnapshotAt,
      entry.reason,
    ],
  );
  const { rows } = await target.query<ModelRow>('select * from categorize.model where run_key = $1', [entry.runKey]);
  return fromRow(rows[0]!);
}
