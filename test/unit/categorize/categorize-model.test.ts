import { CATEGORIZE_CONFIG, readCategorizeConfigFile } from '../../../activities/categorize/config-file';
import { assignGroups, configHash, fitModel } from '../../../activities/categorize/model';
import { fitScaler, scale, unscale } from '../../../activities/categorize/scaling';
import type { CategorizeConfig } from '../../../workflows/categorize/config';
import { groupedPoints } from '../../support/categorize-points';

// overdue_score, lifetime_value, total_rental_count, average_rental_duration, average_rental_payment
const CENTRES = [
  [10, 60, 15, 5, 3.9],
  [30, 200, 40, 5.2, 4.9],
  [20, 100, 26, 4.9, 4],
  [25, 140, 32, 5, 4.4],
];

describe('categorize model', () => {
  let config: CategorizeConfig;
  let points: number[][];
  beforeAll(async () => {
    config = await readCategorizeConfigFile(CATEGORIZE_CONFIG);
    points = groupedPoints(CENTRES, 50, 8);
  });

  describe('feature treatment', () => {
    const data = [
      [1, 10],
      [3, 10],
      [5, 10],
    ];
    test('standardize: mean 0 and standard deviation 1 per feature; a constant feature is only centred', () => {
      const scaler = fitScaler('standardize', data);
      expect(data.map((point) => scale(scaler, point))).toEqual([
        [-Math.sqrt(1.5), 0],
        [0, 0],
        [Math.sqrt(1.5), 0],
      ]);
    });
    test('minmax: into [0, 1]', () => {
      const scaler = fitScaler('minmax', data);
      expect(data.map((point) => scale(scaler, point))).toEqual([
        [0, 0],
        [0.5, 0],
        [1, 0],
      ]);
    });
    test('log: log(1 + x); none: unchanged; each undone by unscale', () => {
      for (const kind of ['log', 'none', 'standardize', 'minmax'] as const) {
        const scaler = fitScaler(kind, data);
        for (const point of data) {
          unscale(scaler, scale(scaler, point)).forEach((value, d) => expect(value).toBeCloseTo(point[d]!, 12));
        }
      }
      expect(scale(fitScaler('log', data), [0, Math.E - 1])).toEqual([0, 1]);
    });
  });

  test('groups named by value: labels[0] has the highest mean lifetime_value, the last the lowest', () => {
    const model = fitModel(points, config);
    const lifetimeValues = model.centroids.map((centroid) => centroid[1]!);
    expect(lifetimeValues).toEqual([...lifetimeValues].sort((a, b) => b - a));
    expect(model.labels.map((label) => label.name)).toEqual(['Diamond', 'Gold', 'Silver', 'Bronze']);
    expect(model.sizes).toEqual([50, 50, 50, 50]);
    // Diamond is the group around the 200 centre, Bronze the one around 60
    expect(model.groups.slice(50, 100).every((group) => group === 0)).toBe(true);
    expect(model.groups.slice(0, 50).every((group) => group === 3)).toBe(true);
  });

  test('original-unit centroids are the members means; scaled centroids assign every member to its group', () => {
    const model = fitModel(points, { ...config, scaling: 'standardize' });
    const members = points.filter((_, i) => model.groups[i] === 2);
    model.centroids[2]!.forEach((value, d) =>
      expect(value).toBeCloseTo(members.reduce((sum, point) => sum + point[d]!, 0) / members.length, 9),
    );
    const scaled = points.map((point) => scale(model.scaler, point));
    expect(assignGroups(model.centroidsScaled, scaled)).toEqual(model.groups);
  });

  test('same data and seed, same model; the restart with the lowest inertia is kept', () => {
    const overlapping = groupedPoints(CENTRES, 40, 40, 11);
    const first = fitModel(overlapping, config);
    expect(fitModel(overlapping, config)).toEqual(first);
    expect(first.inertias).toHaveLength(config.restarts);
    expect(first.inertia).toBe(Math.min(...first.inertias));
    expect(first.inertias[first.bestRestart]).toBe(first.inertia);
    const single = fitModel(overlapping, { ...config, restarts: 1 });
    expect(first.inertia).toBeLessThanOrEqual(single.inertia);
  });

  test('the config hash ignores the threshold, and changes with anything the fit uses', () => {
    expect(configHash({ ...config, threshold: 0.9 })).toBe(configHash(config));
    expect(configHash({ ...config, scaling: 'log' })).not.toBe(configHash(config));
    const renamed = config.labels.map((label, i) => (i === 0 ? { ...label, name: 'Platinum' } : label));
    expect(configHash({ ...config, labels: renamed })).not.toBe(configHash(config));
    expect(configHash(JSON.parse(JSON.stringify(config)) as CategorizeConfig)).toBe(configHash(config));
  });
});
