import { CATEGORIZE_CONFIG, readCategorizeConfigFile } from '../../../activities/categorize/config-file';
import { parseCategorizeConfig, type CategorizeConfig } from '../../../workflows/categorize/config';
import { CategorizeConfigError } from '../../../workflows/categorize/errors';

describe('categorize config', () => {
  let config: CategorizeConfig;
  beforeAll(async () => {
    config = await readCategorizeConfigFile(CATEGORIZE_CONFIG);
  });

  const problems = (json: unknown): string => {
    try {
      parseCategorizeConfig(json, 'categorize.json');
    } catch (error) {
      expect(error).toBeInstanceOf(CategorizeConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a CategorizeConfigError');
  };

  test("config/categorize.json is the seed's: 4 groups named by lifetime value, threshold 0.5", () => {
    expect(config.k).toBe(4);
    expect(config.threshold).toBe(0.5);
    expect(config.rankBy).toBe('lifetime_value');
    expect(config.labels.map((label) => label.name)).toEqual(['Diamond', 'Gold', 'Silver', 'Bronze']);
    expect(config.features).toHaveLength(5);
  });

  test('one label per group, rankBy among the features, no feature twice: each problem names its field', () => {
    const message = problems({
      ...config,
      k: 3,
      rankBy: 'overdue_score',
      features: ['lifetime_value', 'lifetime_value'],
    });
    expect(message).toContain('categorize.json: labels: holds 4 labels for k = 3 groups');
    expect(message).toContain('categorize.json: rankBy: overdue_score is not one of the features');
    expect(message).toContain('categorize.json: features: lists a feature more than once');
  });

  test('unknown features, scalings and fields are refused', () => {
    const message = problems({ ...config, features: ['shoe_size'], scaling: 'cubic', extra: 1 });
    expect(message).toMatch(/features\[0\]: .*overdue_score/);
    expect(message).toMatch(/scaling: .*standardize/);
    expect(message).toMatch(/extra/);
  });

  test('a file that is not JSON names the file', async () => {
    await expect(readCategorizeConfigFile(__filename)).rejects.toThrow(
      new RegExp(`${__filename}: cannot read the categorize config`),
    );
  });
});
