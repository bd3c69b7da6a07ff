import { sampleIndexes, scoreSilhouette, silhouette } from '../../../activities/categorize/silhouette';
import { groupedPoints, seededRandom } from '../../support/categorize-points';

/** Another formulation: the whole distance matrix first, then each point's mean distance to each group. */
function silhouetteByMatrix(points: number[][], groups: number[]): number {
  const matrix = points.map((p) => points.map((q) => Math.hypot(...p.map((value, d) => value - q[d]!))));
  const labels = [...new Set(groups)];
  const scores = points.map((_, i) => {
    const meanTo = (label: number) => {
      const others = matrix[i]!.filter((_, j) => groups[j] === label && j !== i);
      return others.reduce((a, b) => a + b, 0) / others.length;
    };
    if (groups.filter((g) => g === groups[i]).length === 1) return 0;
    const a = meanTo(groups[i]!);
    const b = Math.min(...labels.filter((label) => label !== groups[i]).map(meanTo));
    return (b - a) / Math.max(a, b);
  });
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

describe('silhouette', () => {
  test('a hand-computed case: 0, 1 | 10, 11', () => {
    // point 0: a = 1, b = 10.5; point 1: a = 1, b = 9.5; the other two mirror them
    const expected = (2 * (1 - 1 / 10.5) + 2 * (1 - 1 / 9.5)) / 4;
    expect(silhouette([[0], [1], [10], [11]], [0, 0, 1, 1], 2)).toBeCloseTo(expected, 12);
  });

  test('agrees with the distance-matrix formulation on overlapping groups', () => {
    const points = groupedPoints(
      [
        [0, 0, 0],
        [3, 1, 0],
        [1, 4, 2],
      ],
      40,
      2.5,
    );
    const random = seededRandom(3);
    const groups = points.map((_, i) => (random() < 0.2 ? Math.floor(random() * 3) : Math.floor(i / 40)));
    expect(silhouette(points, groups, 3)).toBeCloseTo(silhouetteByMatrix(points, groups), 10);
  });

  test('a point alone in its group scores 0; a single group scores 0', () => {
    expect(silhouette([[0], [1], [10]], [0, 0, 1], 2)).toBeCloseTo(silhouetteByMatrix([[0], [1], [10]], [0, 0, 1]));
    expect(silhouette([[0], [1], [2]], [0, 0, 0], 2)).toBe(0);
  });

  test('exact up to the sample size, on a fixed-seed sample above it, and the result says which', () => {
    const points = groupedPoints(
      [
        [0, 0],
        [10, 10],
      ],
      150,
      3,
    );
    const groups = points.map((_, i) => (i < 150 ? 0 : 1));
    const ids = points.map((_, i) => 1000 + i);
    const exact = scoreSilhouette({ ids, points, groups, k: 2 }, { sampleSize: 300, seed: 1 });
    expect(exact).toEqual({ score: silhouette(points, groups, 2), method: 'exact', sampleSize: 300, customers: 300 });
    const sampled = scoreSilhouette({ ids, points, groups, k: 2 }, { sampleSize: 100, seed: 1 });
    expect(sampled).toMatchObject({ method: 'sample', sampleSize: 100, customers: 300 });
    expect(Math.abs(sampled.score - exact.score)).toBeLessThan(0.05);
    const sample = sampleIndexes(ids, 100, 1);
    expect(sampled.score).toBeCloseTo(
      silhouetteByMatrix(
        sample.map((i) => points[i]!),
        sample.map((i) => groups[i]!),
      ),
      10,
    );
  });

  test('the sample depends on the seed and the ids, not on the order they are read in', () => {
    const ids = Array.from({ length: 500 }, (_, i) => i + 1);
    const chosen = (list: number[], seed: number) => sampleIndexes(list, 50, seed).map((i) => list[i]!);
    const reversed = [...ids].reverse();
    expect(chosen(reversed, 9).sort((a, b) => a - b)).toEqual(chosen(ids, 9));
    expect(chosen(ids, 10)).not.toEqual(chosen(ids, 9));
    expect(new Set(chosen(ids, 9)).size).toBe(50);
  });
});
