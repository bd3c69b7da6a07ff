import path from 'node:path';
import { REPO_ROOT } from '../../../common/env';
import { ViewsConfigError } from '../../../workflows/golden-record/errors';
import { parseViewsConfig } from '../../../workflows/golden-record/views-config';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../../activities/golden-record/views-config-file';
import { VIEWS } from '../../support/golden-views-columns';

describe('views config', () => {
  const entry = (view: string, extra: object = {}) => ({
    schema: 'v_dvd_rental',
    materialized_view: view,
    sources: [{ schema: 'dvd_rental', table: 'rental' }],
    ...extra,
  });
  const problems = (json: unknown): string => {
    try {
      parseViewsConfig(json, 'views.json');
    } catch (error) {
      expect(error).toBeInstanceOf(ViewsConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ViewsConfigError');
  };

  test('config/golden-record.json lists the three views in refresh order', async () => {
    const config = await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG);
    expect(config.map((view) => `${view.schema}.${view.materialized_view}`)).toEqual(
      VIEWS.map((view) => `v_dvd_rental.${view}`),
    );
  });

  test('every problem is reported, each naming the file and its entry', () => {
    expect(problems({})).toBe('views.json: must be a JSON array of views, not object');
    expect(problems([])).toBe('views.json: holds no views: list at least one');
    const message = problems([
      entry('a_mv'),
      entry('bad"; drop table x; --'),
      entry('c_mv', { sources: [] }),
      entry('a_mv'),
      entry('d_mv', {
        sources: [
          { schema: 'dvd_rental', table: 'rental' },
          { schema: 'dvd_rental', table: 'rental' },
        ],
      }),
      entry('e_mv', { refresh: 'daily' }),
      { schema: 'v_dvd_rental' },
    ]).split('\n');
    expect(message).toEqual([
      expect.stringMatching(
        /^views\.json: views\[1\] "bad\\"; drop table x; --": materialized_view: .* is not a plain identifier/,
      ),
      'views.json: views[2] "c_mv": sources: lists no source table',
      'views.json: views[3] "a_mv": duplicate of views[0] "a_mv": both refresh v_dvd_rental.a_mv',
      'views.json: views[4] "d_mv": sources list dvd_rental.rental more than once',
      expect.stringMatching(/^views\.json: views\[5\] "e_mv": .*refresh/),
      expect.stringMatching(/^views\.json: views\[6\]: materialized_view: /),
      expect.stringMatching(/^views\.json: views\[6\]: sources: /),
    ]);
  });

  test('a file that is not JSON is a ViewsConfigError naming the file', async () => {
    const file = path.join(REPO_ROOT, 'package.json');
    await expect(readViewsConfigFile(file)).rejects.toThrow(`${file}: must be a JSON array of views, not object`);
    await expect(readViewsConfigFile(path.join(REPO_ROOT, 'README.md'))).rejects.toThrow(
      /README\.md: cannot read the views config: .*JSON/,
    );
  });
});
