// The k-means model: ml-kmeans (k-means++) from several seeds, the lowest inertia kept, its groups named by
// value. Pure functions of the data and the config: the same data gives the same model.
import { createHash } from 'node:crypto';
import { kmeans } from 'ml-kmeans';
import type { CategorizeConfig, CategoryLabel, Feature } from '../../workflows/categorize/config';
import { fitScaler, scale, unscale, type Scaler } from './scaling';

/** What a model is and needs to assign a customer: saved in the registry, group i named labels[i]. */
export interface ModelParameters {
  features: Feature[];
  scaler: Scaler;
  /** In the scaled space, one per label, in the labels' order (highest rankBy first). */
  centroidsScaled: number[][];
  labels: CategoryLabel[];
}

export interface FittedModel extends ModelParameters {
  /** The members' means in original units, in the labels' order. */
  centroids: number[][];
  sizes: number[];
  /** Sum of squared distances to the nearest centroid, in the scaled space. */
  inertia: number;
  /** The restart (k-means++ seed = config seed + restart) that was kept, and every restart's inertia. */
  bestRestart: number;
  inertias: number[];
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += (a[d]! - b[d]!) ** 2;
  return sum;
}

/** The index of the nearest centroid (the lowest index on a tie). */
export function nearest(centroids: readonly number[][], point: readonly number[]): number {
  let best = 0;
  let bestDistance = Infinity;
  centroids.forEach((centroid, index) => {
    const d = squaredDistance(centroid, point);
    if (d < bestDistance) [best, bestDistance] = [index, d];
  });
  return best;
}

/** Each scaled point's group under a model's centroids. */
export const assignGroups = (centroids: readonly number[][], scaled: readonly number[][]): number[] =>
  scaled.map((point) => nearest(centroids, point));

function inertiaOf(centroids: readonly number[][], scaled: readonly number[][], groups: readonly number[]): number {
  return scaled.reduce((sum, point, i) => sum + squaredDistance(point, centroids[groups[i]!]!), 0);
}

/** The members' mean of each group in original units; a group without members gets its centroid unscaled. */
function memberMeans(
  points: readonly number[][],
  groups: readonly number[],
  centroidsScaled: number[][],
  scaler: Scaler,
) {
  return centroidsScaled.map((centroid, g) => {
    const members = points.filter((_, i) => groups[i] === g);
    if (members.length === 0) return unscale(scaler, centroid);
    return centroid.map((_, d) => members.reduce((sum, point) => sum + point[d]!, 0) / members.length);
  });
}

interface Clustering {
  centroids: number[][];
  groups: number[];
  inertia: number;
}

function cluster(scaled: number[][], config: CategorizeConfig, restart: number): Clustering {
  const result = kmeans(scaled, config.k, {
    initialization: 'kmeans++',
    seed: config.seed + restart,
    maxIterations: config.maxIterations,
  });
  const groups = assignGroups(result.centroids, scaled);
  return { centroids: result.centroids, groups, inertia: inertiaOf(result.centroids, scaled, groups) };
}

/** The groups reordered by their members' mean of `rankBy`, highest first: group i is then labels[i]. */
function rankGroups(points: number[][], best: Clustering, config: CategorizeConfig, scaler: Scaler) {
  const rankIndex = config.features.indexOf(config.rankBy);
  const means = memberMeans(points, best.groups, best.centroids, scaler);
  const order = means.map((_, g) => g).sort((x, y) => means[y]![rankIndex]! - means[x]![rankIndex]! || x - y);
  const rankOf = new Map(order.map((group, rank) => [group, rank]));
  const groups = best.groups.map((group) => rankOf.get(group)!);
  return {
    centroidsScaled: order.map((group) => best.centroids[group]!),
    centroids: order.map((group) => means[group]!),
    groups,
    sizes: order.map((group) => best.groups.filter((g) => g === group).length),
  };
}

/** Fits the model on the customers' feature vectors (in `config.features` order, original units). */
export function fitModel(points: number[][], config: CategorizeConfig): FittedModel & { groups: number[] } {
  const scaler = fitScaler(config.scaling, points);
  const scaled = points.map((point) => scale(scaler, point));
  const runs = Array.from({ length: config.restarts }, (_, restart) => cluster(scaled, config, restart));
  const inertias = runs.map((run) => run.inertia);
  const bestRestart = inertias.indexOf(Math.min(...inertias));
  const best = runs[bestRestart]!;
  return {
    features: [...config.features],
    scaler,
    labels: config.labels.map((label) => ({ ...label })),
    ...rankGroups(points, best, config, scaler),
    inertia: best.inertia,
    bestRestart,
    inertias,
  };
}

/** JSON with every object's keys sorted: equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Identifies what a model was fitted for: every config field but the threshold (which only decides reuse). */
export function configHash(config: CategorizeConfig): string {
  const fitted = Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'threshold'));
  return createHash('sha256').update(canonicalJson(fitted)).digest('hex').slice(0, 16);
}
