// Scoring the saved model on today's data, and training a new one: read the features, fit, score, save.
import type { Db } from 'mongodb';
import type pg from 'pg';
import type { CategorizeConfig } from '../../workflows/categorize/config';
import { NoModelReachesThreshold } from '../../workflows/categorize/errors';
import { describeScore } from '../../workflows/categorize/plan';
import { DEFAULT_ASSIGN_BATCH_SIZE, type EvaluateResult, type TrainedModel } from '../../workflows/categorize/types';
import { readFeatures, type CustomerFeatures } from './features';
import { assignGroups, configHash, fitModel, type ModelParameters } from './model';
import { latestModel, saveModel } from './registry';
import { scale } from './scaling';
import { scoreSilhouette } from './silhouette';

export interface ModelStores {
  target: pg.Pool;
  mongo: Db;
  signal?: AbortSignal;
}

const read = (stores: ModelStores, config: CategorizeConfig) =>
  readFeatures(stores.mongo, config.features, {
    batchSize: DEFAULT_ASSIGN_BATCH_SIZE,
    minimum: config.k,
    signal: stores.signal,
  });

/** The silhouette of a model's groups on the given customers (in its scaled space). */
export function scoreModel(model: ModelParameters, data: CustomerFeatures, config: CategorizeConfig) {
  const scaled = data.points.map((point) => scale(model.scaler, point));
  const groups = assignGroups(model.centroidsScaled, scaled);
  return scoreSilhouette(
    { ids: data.ids, points: scaled, groups, k: model.centroidsScaled.length },
    { sampleSize: config.silhouetteSampleSize, seed: config.seed },
  );
}

/** The newest model saved for this config, scored on today's golden records. Reads only. */
export async function evaluateSavedModel(stores: ModelStores, config: CategorizeConfig): Promise<EvaluateResult> {
  const hash = configHash(config);
  const data = await read(stores, config);
  const saved = await latestModel(stores.target, hash);
  if (!saved) return { configHash: hash, customers: data.points.length, saved: null };
  const today = scoreModel(saved, data, config);
  return {
    configHash: hash,
    customers: data.points.length,
    saved: { version: saved.version, trainedSilhouette: saved.silhouette.score, today },
  };
}

export interface TrainOptions {
  configName: string;
  config: CategorizeConfig;
  /** The training run (workflow id / run id): a retry returns the model this run saved. */
  runKey: string;
  reason: string;
}

/**
 * Fits a model on today's golden records and saves it when its silhouette reaches the threshold; below it,
 * throws NoModelReachesThreshold with the score and saves nothing.
 */
export async function trainModel(stores: ModelStores, options: TrainOptions): Promise<TrainedModel> {
  const { config } = options;
  const data = await read(stores, config);
  const model = fitModel(data.points, config);
  const silhouette = scoreModel(model, data, config);
  if (silhouette.score < config.threshold)
    throw new NoModelReachesThreshold(
      `no model reaches the silhouette threshold ${config.threshold}: the best of ${config.restarts} k-means restarts (k = ${config.k}, ${config.scaling} scaling) scores ${describeScore(silhouette)}`,
    );
  const saved = await saveModel(stores.target, {
    runKey: options.runKey,
    configName: options.configName,
    configHash: configHash(config),
    config,
    model,
    silhouette,
    dataSnapshotAt: data.snapshotAt,
    reason: options.reason,
  });
  return { version: saved.version, silhouette: saved.silhouette, sizes: saved.sizes };
}
