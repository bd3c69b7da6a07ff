import { dayOrderProblem, simulatedDateOf, type LedgerSpan } from '../../../activities/daily-activity/day-order';
import { parseDailyActivityConfig } from '../../../workflows/daily-activity/config';
import { datesBetween } from '../../../workflows/daily-activity/dates';
import { backfillInputSchema } from '../../../workflows/daily-activity/types';

const AFTER_SOURCE = { mode: 'after-source', sourceNextDay: '2006-02-15' } as const;
const BUSINESS = { mode: 'business-date', sourceNextDay: '2006-02-15' } as const;
const SPAN: LedgerSpan = { first: { businessDate: '2026-12-01', simulatedDate: '2006-02-15' }, last: '2026-12-03' };

describe('day order', () => {
  test('an empty ledger takes any day, mapped to the day after the source latest rental', () => {
    expect(dayOrderProblem(undefined, '2030-01-01', 'public')).toBeUndefined();
    expect(simulatedDateOf(undefined, '2030-01-01', AFTER_SOURCE)).toEqual({ date: '2006-02-15' });
  });

  test('the next day and the days already run are accepted; each maps as many days after the first', () => {
    expect(dayOrderProblem(SPAN, '2026-12-04', 'public')).toBeUndefined();
    expect(dayOrderProblem(SPAN, '2026-12-02', 'public')).toBeUndefined();
    expect(simulatedDateOf(SPAN, '2026-12-04', AFTER_SOURCE)).toEqual({ date: '2006-02-18' });
    expect(simulatedDateOf(SPAN, '2027-01-01', BUSINESS)).toEqual({ date: '2006-03-18' });
  });

  test('with business-date the first day is the business date itself, if it comes after the source rentals', () => {
    expect(simulatedDateOf(undefined, '2026-12-01', BUSINESS)).toEqual({ date: '2026-12-01' });
    expect(simulatedDateOf(undefined, '2006-02-15', BUSINESS)).toEqual({ date: '2006-02-15' });
    expect(simulatedDateOf(undefined, '2006-02-14', BUSINESS)).toEqual({
      problem:
        'business date 2006-02-14 cannot be the first simulated day with simulatedDates "business-date": the ' +
        'source has rentals up to 2006-02-14 (start on 2006-02-15 or later, or use "after-source")',
    });
  });

  test('a day after a gap names the missing days and the backfill that runs them', () => {
    expect(dayOrderProblem(SPAN, '2026-12-06', 'public')).toBe(
      'business date 2026-12-06 would leave a gap: schema public was simulated up to 2026-12-03; ' +
        'run the 2 missing day(s) first: 2026-12-04, 2026-12-05 (activity backfill --from 2026-12-04 --to 2026-12-06)',
    );
    expect(dayOrderProblem(SPAN, '2027-01-01', 'public')).toMatch(
      /28 missing day\(s\) first: 2026-12-04, .* and 18 more/,
    );
  });

  test('a day before the first is refused, naming the ledger span', () => {
    expect(dayOrderProblem(SPAN, '2026-11-30', 'dvd')).toMatch(
      /^business date 2026-11-30 is before the first simulated day of schema dvd \(2026-12-01; the ledger holds 2026-12-01 to 2026-12-03\)/,
    );
  });

  test('datesBetween crosses months and years', () => {
    expect(datesBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(datesBetween('2026-12-02', '2026-12-01')).toEqual([]);
  });
});

describe('config and inputs', () => {
  const valid = {
    schema: 'public',
    simulatedDates: 'after-source' as const,
    seed: 1,
    rentalsPerDay: 10,
    returns: { lateShare: 0.1, neverShare: 0.01, earliestHours: 6, maxDaysLate: 5, backlogDays: 7 },
    lateFeePerDay: 1,
    newCustomersPerWeek: 1,
    deactivatedCustomersPerWeek: 1,
  };

  test('a bad config names the file and every field', () => {
    const bad = {
      ...valid,
      schema: 'public; drop',
      returns: { ...valid.returns, lateShare: 0.995 },
      lateFeePerDay: 0.005,
    };
    expect(() => parseDailyActivityConfig(bad, 'cfg.json')).toThrow(
      /^cfg\.json: schema: "public; drop" is not a plain identifier.*; returns: lateShare \+ neverShare must not exceed 1.*; lateFeePerDay: must be whole cents/,
    );
    expect(() => parseDailyActivityConfig({ ...valid, extra: 1 }, 'cfg.json')).toThrow(/cfg\.json: .*extra/);
  });

  test('a backfill runs from <= to, a year at most, real days only', () => {
    const input = (from: string, to: string) => ({ config: valid, from, to, configName: 'dvd_rental' });
    expect(backfillInputSchema.safeParse(input('2026-12-01', '2026-12-07')).success).toBe(true);
    expect(backfillInputSchema.safeParse(input('2026-12-07', '2026-12-01')).error?.issues[0]?.message).toBe(
      'from must not be after to',
    );
    expect(backfillInputSchema.safeParse(input('2026-01-01', '2027-06-01')).success).toBe(false);
    expect(backfillInputSchema.safeParse(input('2026-02-30', '2026-03-01')).success).toBe(false);
  });
});
