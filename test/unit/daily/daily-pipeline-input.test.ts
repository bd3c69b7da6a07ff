import { dailyPipelineInput } from '../../../pipelines';
import { dailyPipelineInputSchema, rerunStep, type DailyPipelineResult } from '../../../workflows/daily/types';

describe('daily pipeline input', () => {
  test("built from the config files, with today's defaults", async () => {
    const input = await dailyPipelineInput({ businessDate: '2026-11-26' });
    expect(input.configName).toBe('dvd_rental');
    expect(input.migration.tables).toHaveLength(15);
    expect(input.migration.options).toEqual({
      mode: 'auto',
      deletes: 'delete',
      parallelism: 2,
      recreate: false,
      batchRowsBelow: 200_000,
    });
    expect(input.geocoding?.providers).toEqual(['offline']);
    expect(input.goldenRecord.views.map((view) => view.materialized_view)).toEqual([
      'customers_mv',
      'customer_aggr_mv',
      'last_rentals_mv',
    ]);
  });

  test.each([
    [{ configName: 'Bad Name!' }, 'configName: must be 1-40 characters'],
    [{ businessDate: '26/11/2026' }, 'businessDate: must be a date like 2026-11-26'],
    [{ fromStep: 'no-such-step' }, 'fromStep'],
  ])('rejects %j', async (change, message) => {
    const input = { ...(await dailyPipelineInput()), ...change };
    const parsed = dailyPipelineInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const problems = parsed.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    expect(problems).toContain(message);
  });

  test('a rerun starts at the failed step, or the first that did not run', () => {
    const result = (states: string[]): DailyPipelineResult => ({
      businessDate: '2026-11-26',
      status: 'failed',
      steps: states.map((state, index) => ({
        step: (['migration', 'golden-record'] as const)[index]!,
        state: state as never,
      })),
    });
    expect(rerunStep(result(['done', 'failed']))).toBe('golden-record');
    expect(rerunStep(result(['failed', 'not_run']))).toBe('migration');
    expect(rerunStep(result(['done', 'done']))).toBeUndefined();
  });
});
