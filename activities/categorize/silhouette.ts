// The silhouette coefficient (Rousseeuw 1987) with Euclidean distances, in the model's scaled space:
// exact up to a size, on a fixed-seed sample of that size above it (O(n²) distances either way).
import { createHash } from 'node:crypto';
import type { SilhouetteScore } from '../../workflows/categorize/types';

function distance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += (a[d]! - b[d]!) ** 2;
  return Math.sqrt(sum);
}

/**
 * The mean silhouette of every point: s = (b - a) / max(a, b), with a the mean distance to the other members
 * of its own group and b the least mean distance to another group's members; 0 for a point alone in its group.
 * Fewer than two groups with members score 0 (there is no separation to measure).
 */
export function silhouette(points: readonly number[][], groups: readonly number[], k: number): number {
  const n = points.length;
  const sizes = new Array<number>(k).fill(0);
  for (const group of groups) sizes[group]!++;
  if (sizes.filter((size) => size > 0).length < 2) return 0;
  // sums[i * k + g]: the sum of the distances from point i to the members of group g
  const sums = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = distance(points[i]!, points[j]!);
      sums[i * k + groups[j]!]! += d;
      sums[j * k + groups[i]!]! += d;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = groups[i]!;
    if (sizes[own]! < 2) continue;
    const a = sums[i * k + own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let g = 0; g < k; g++) if (g !== own && sizes[g]! > 0) b = Math.min(b, sums[i * k + g]! / sizes[g]!);
    const spread = Math.max(a, b);
    total += spread === 0 ? 0 : (b - a) / spread;
  }
  return total / n;
}

/** The same customers for the same seed, whatever order they are read in: the lowest hashes of seed and id. */
export function sampleIndexes(ids: readonly number[], size: number, seed: number): number[] {
  const keyed = ids.map((id, index) => ({
    index,
    key: createHash('sha256').update(`${seed}:${id}`).digest('hex'),
  }));
  keyed.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.index - y.index));
  return keyed
    .slice(0, size)
    .map(({ index }) => index)
    .sort((x, y) => x - y);
}

/** Exact up to `sampleSize` points, else over a fixed-seed sample of `sampleSize` of them. */
export function scoreSilhouette(
  data: { ids: readonly number[]; points: readonly number[][]; groups: readonly number[]; k: number },
  options: { sampleSize: number; seed: number },
): SilhouetteScore {
  const customers = data.points.length;
  if (customers <= options.sampleSize) {
    return { score: silhouette(data.points, data.groups, data.k), method: 'exact', sampleSize: customers, customers };
  }
  const sample = sampleIndexes(data.ids, options.sampleSize, options.seed);
  const score = silhouette(
    sample.map((i) => data.points[i]!),
    sample.map((i) => data.groups[i]!),
    data.k,
  );
  return { score, method: 'sample', sampleSize: sample.length, customers };
}
