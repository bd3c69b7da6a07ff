// The rows of a day depend only on the business date, the seed and the source before the day: the same days on
// an exact copy of the source give the same rows, another seed other rows; days out of order are refused.
import pg from 'pg';
import { writeDay } from '../../../activities/daily-activity/write-day';
import { DaysOutOfOrder } from '../../../workflows/daily-activity/errors';
import type { DayResult } from '../../../workflows/daily-activity/types';
import { BUSY_CONFIG, cloneSource, contentChecksum, loadedSource, poolOf } from '../../support/daily-activity';

const [ORIGINAL, COPY, OTHER_SEED, BUSINESS_DATES] = [
  'activity_det_a',
  'activity_det_b',
  'activity_det_c',
  'activity_det_d',
];
const DAYS = ['2026-12-01', '2026-12-02'];

const pools: Record<string, pg.Pool> = {};
const results: Record<string, DayResult[]> = {};

async function runDays(database: string, config = BUSY_CONFIG): Promise<DayResult[]> {
  const done: DayResult[] = [];
  for (const businessDate of DAYS) done.push(await writeDay({ source: pools[database]!, config, businessDate }));
  return done;
}

beforeAll(async () => {
  await loadedSource(ORIGINAL);
  await cloneSource(ORIGINAL, COPY);
  await cloneSource(ORIGINAL, OTHER_SEED);
  await cloneSource(ORIGINAL, BUSINESS_DATES);
  for (const database of [ORIGINAL, COPY, OTHER_SEED, BUSINESS_DATES]) pools[database] = poolOf(database);
  results[ORIGINAL] = await runDays(ORIGINAL);
  results[COPY] = await runDays(COPY);
  results[OTHER_SEED] = await runDays(OTHER_SEED, { ...BUSY_CONFIG, seed: BUSY_CONFIG.seed + 1 });
});
afterAll(() => Promise.all(Object.values(pools).map((pool) => pool.end())));

test('the same days on an exact copy of the source write byte-identical rows (every column but last_update)', async () => {
  expect(results[COPY]).toEqual(results[ORIGINAL]);
  expect(await contentChecksum(pools[COPY]!)).toEqual(await contentChecksum(pools[ORIGINAL]!));
  const ledger = (database: string) =>
    pools[database]!.query('select business_date::text, checksum, rows from _activity.day order by 1');
  expect((await ledger(COPY)).rows).toEqual((await ledger(ORIGINAL)).rows);
});

test('the day checksum covers what the day wrote: another seed gives other rows and other checksums', async () => {
  const checksums = (database: string) => results[database]!.map((day) => day.checksum);
  for (const [i, checksum] of checksums(OTHER_SEED).entries()) expect(checksum).not.toBe(checksums(ORIGINAL)[i]);
  const original = await contentChecksum(pools[ORIGINAL]!);
  const other = await contentChecksum(pools[OTHER_SEED]!);
  expect(other.rental).not.toBe(original.rental);
  expect(other.payment).not.toBe(original.payment);
});

test('a day already run changes nothing, even with another config', async () => {
  const before = await contentChecksum(pools[ORIGINAL]!);
  const again = await writeDay({
    source: pools[ORIGINAL]!,
    config: { ...BUSY_CONFIG, rentalsPerDay: 5 },
    businessDate: DAYS[0]!,
  });
  expect(again).toEqual({
    ...results[ORIGINAL]![0],
    alreadyRun: true,
    notes: [...results[ORIGINAL]![0]!.notes, 'this day ran with another config: kept as it was'],
  });
  expect(await contentChecksum(pools[ORIGINAL]!)).toEqual(before);
});

test('days out of order are refused with the missing days named, and nothing is written', async () => {
  const before = await contentChecksum(pools[ORIGINAL]!);
  const write = (businessDate: string) => writeDay({ source: pools[ORIGINAL]!, config: BUSY_CONFIG, businessDate });
  await expect(write('2026-12-05')).rejects.toThrow(
    new DaysOutOfOrder(
      'business date 2026-12-05 would leave a gap: schema public was simulated up to 2026-12-02; run the 2 missing ' +
        'day(s) first: 2026-12-03, 2026-12-04 (activity backfill --from 2026-12-03 --to 2026-12-05)',
    ),
  );
  await expect(write('2026-11-30')).rejects.toBeInstanceOf(DaysOutOfOrder);
  expect(await contentChecksum(pools[ORIGINAL]!)).toEqual(before);
});

test('a schema without dvd_rental is refused naming the missing tables', async () => {
  await pools[ORIGINAL]!.query('create schema if not exists empty_one');
  await expect(
    writeDay({ source: pools[ORIGINAL]!, config: { ...BUSY_CONFIG, schema: 'empty_one' }, businessDate: DAYS[0]! }),
  ).rejects.toThrow(
    'source schema empty_one has no table address, customer, film, inventory, payment, rental, staff, store',
  );
});

test('simulatedDates "business-date": the days are the business dates, which must come after the source rentals', async () => {
  const config = { ...BUSY_CONFIG, simulatedDates: 'business-date' as const };
  const source = pools[BUSINESS_DATES]!;
  await expect(writeDay({ source, config, businessDate: '2006-02-01' })).rejects.toThrow(
    /business date 2006-02-01 cannot be the first simulated day .* the source has rentals up to 2006-02-14/,
  );
  const written = await writeDay({ source, config, businessDate: DAYS[0]! });
  expect(written.simulatedDate).toBe(DAYS[0]);
  const days = await source.query(
    `select distinct rental_date::date::text as day from rental where rental_id > (select max(rental_id) from rental) - $1`,
    [written.rows.rental.inserted],
  );
  expect(days.rows).toEqual([{ day: DAYS[0] }]);
  expect((await writeDay({ source, config, businessDate: DAYS[1]! })).simulatedDate).toBe(DAYS[1]);
});
