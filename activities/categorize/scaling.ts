// Feature treatment, fitted on the training data and saved with the model (today's data is scaled the same way).
import type { Scaling } from '../../workflows/categorize/config';

export type Scaler =
  | { kind: 'none' }
  | { kind: 'log' }
  | { kind: 'standardize'; mean: number[]; std: number[] }
  | { kind: 'minmax'; min: number[]; max: number[] };

const column = (points: readonly number[][], index: number) => points.map((point) => point[index]!);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** A constant feature would divide by zero: it is left unscaled (divided by 1) instead. */
const nonZero = (value: number) => (value === 0 || !Number.isFinite(value) ? 1 : value);

function standardizer(points: readonly number[][], dimensions: number): Scaler {
  const means = Array.from({ length: dimensions }, (_, d) => mean(column(points, d)));
  const std = means.map((m, d) => Math.sqrt(mean(column(points, d).map((value) => (value - m) ** 2))));
  return { kind: 'standardize', mean: means, std };
}

function minMax(points: readonly number[][], dimensions: number): Scaler {
  const columns = Array.from({ length: dimensions }, (_, d) => column(points, d));
  return {
    kind: 'minmax',
    min: columns.map((values) => values.reduce((a, b) => Math.min(a, b), Infinity)),
    max: columns.map((values) => values.reduce((a, b) => Math.max(a, b), -Infinity)),
  };
}

export function fitScaler(kind: Scaling, points: readonly number[][]): Scaler {
  const dimensions = points[0]?.length ?? 0;
  if (kind === 'standardize') return standardizer(points, dimensions);
  if (kind === 'minmax') return minMax(points, dimensions);
  return { kind };
}

export function scale(scaler: Scaler, point: readonly number[]): number[] {
  switch (scaler.kind) {
    case 'none':
      return [...point];
    case 'log':
      return point.map((value) => Math.log1p(value));
    case 'standardize':
      return point.map((value, d) => (value - scaler.mean[d]!) / nonZero(scaler.std[d]!));
    case 'minmax':
      return point.map((value, d) => (value - scaler.min[d]!) / nonZero(scaler.max[d]! - scaler.min[d]!));
  }
}

/** Back to original units (for a centroid without members, whose members' mean does not exist). */
export function unscale(scaler: Scaler, point: readonly number[]): number[] {
  switch (scaler.kind) {
    case 'none':
      return [...point];
    case 'log':
      return point.map((value) => Math.expm1(value));
    case 'standardize':
      return point.map((value, d) => value * nonZero(scaler.std[d]!) + scaler.mean[d]!);
    case 'minmax':
      return point.map((value, d) => value * nonZero(scaler.max[d]! - scaler.min[d]!) + scaler.min[d]!);
  }
}
