import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../common/env';
import {
  candidatesFor,
  dayGenerator,
  daySeed,
  eventCount,
  paymentCents,
  planDay,
  RETURN_KIND,
  rentalCount,
  returnKind,
  SECONDS_PER_DAY,
} from '../../../activities/daily-activity/day-plan';
import { parseDailyActivityConfig } from '../../../workflows/daily-activity/config';
import { datesBetween } from '../../../workflows/daily-activity/dates';

const FILE = path.join(REPO_ROOT, 'config', 'daily-activity.json');
const CONFIG = parseDailyActivityConfig(JSON.parse(fs.readFileSync(FILE, 'utf8')), FILE);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('day plan', () => {
  test('depends only on seed and business date: the same twice, another date or seed differs', () => {
    const plan = planDay(CONFIG, '2026-12-01');
    expect(planDay(CONFIG, '2026-12-01')).toEqual(plan);
    expect(planDay(CONFIG, '2026-12-02').rentals).not.toEqual(plan.rentals);
    expect(planDay({ ...CONFIG, seed: CONFIG.seed + 1 }, '2026-12-01').rentals).not.toEqual(plan.rentals);
    expect(plan.seed).toBe(daySeed(CONFIG.seed, '2026-12-01'));
  });

  test('rentals are in time order within the day, with 4n+64 candidate copies, every pick a uint32', () => {
    const plan = planDay(CONFIG, '2026-12-01');
    const seconds = plan.rentals.map((slot) => slot.second);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(Math.min(...seconds)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...seconds)).toBeLessThan(SECONDS_PER_DAY);
    expect(plan.copyCandidates).toHaveLength(candidatesFor(plan.rentals.length));
    const picks = [...plan.copyCandidates, ...plan.rentals.flatMap((slot) => [slot.customerPick, slot.delayPick])];
    expect(picks.every((pick) => Number.isInteger(pick) && pick >= 0 && pick < 2 ** 32)).toBe(true);
  });

  test('no rentals planned: no candidates either', () => {
    const plan = planDay({ ...CONFIG, rentalsPerDay: 0 }, '2026-12-01');
    expect(plan.rentals).toEqual([]);
    expect(plan.copyCandidates).toEqual([]);
  });

  test('rental counts over a year average the configured mean, spread about sqrt(mean)', () => {
    const counts = datesBetween('2026-01-01', '2026-12-31').map((date) => planDay(CONFIG, date).rentals.length);
    expect(Math.abs(mean(counts) - CONFIG.rentalsPerDay)).toBeLessThan(5);
    const sd = Math.sqrt(mean(counts.map((count) => (count - mean(counts)) ** 2)));
    expect(sd).toBeGreaterThan(0.7 * Math.sqrt(CONFIG.rentalsPerDay));
    expect(sd).toBeLessThan(1.3 * Math.sqrt(CONFIG.rentalsPerDay));
    expect(rentalCount(dayGenerator(1), 0)).toBe(0);
  });

  test('return kinds follow the configured shares', () => {
    const rng = dayGenerator(7);
    const kinds = Array.from({ length: 50_000 }, () => returnKind(rng, CONFIG.returns));
    const share = (kind: number) => kinds.filter((k) => k === kind).length / kinds.length;
    expect(share(RETURN_KIND.late)).toBeCloseTo(CONFIG.returns.lateShare, 2);
    expect(share(RETURN_KIND.never)).toBeCloseTo(CONFIG.returns.neverShare, 2);
    const noLate = { ...CONFIG.returns, lateShare: 0, neverShare: 0 };
    expect(kinds.slice(0, 100).map(() => returnKind(rng, noLate))).toEqual(Array(100).fill(RETURN_KIND.onTime));
  });

  test('new and deactivated customers per day average the weekly figures over 7', () => {
    const rng = dayGenerator(11);
    const days = Array.from({ length: 5000 }, () => eventCount(rng, 3 / 7));
    expect(mean(days)).toBeCloseTo(3 / 7, 1);
    expect(Array.from({ length: 100 }, () => eventCount(rng, 0))).toEqual(Array(100).fill(0));
    const year = datesBetween('2026-01-01', '2026-12-31').map((date) => planDay(CONFIG, date));
    const perWeek = (n: number) => (n / year.length) * 7;
    expect(perWeek(year.flatMap((plan) => plan.newCustomers).length)).toBeCloseTo(CONFIG.newCustomersPerWeek, 0);
    expect(perWeek(year.flatMap((plan) => plan.deactivationPicks).length)).toBeCloseTo(
      CONFIG.deactivatedCustomersPerWeek,
      0,
    );
  });

  test('new customers get 5-digit postal codes and 10 to 12 digit phones', () => {
    const customers = datesBetween('2026-01-01', '2026-03-31').flatMap((date) => planDay(CONFIG, date).newCustomers);
    expect(customers.length).toBeGreaterThan(10);
    for (const customer of customers) {
      expect(customer.postalCode).toMatch(/^\d{5}$/);
      expect(customer.phone).toMatch(/^\d{10,12}$/);
      expect(customer.streetNumber).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('payment rule', () => {
  const rentedAt = new Date('2006-02-15T10:00:00Z');
  const pay = (hours: number, fee = 1) =>
    paymentCents({
      rentalRateCents: 299,
      rentalDurationDays: 3,
      rentedAt,
      returnedAt: new Date(rentedAt.getTime() + hours * 3_600_000),
      lateFeePerDay: fee,
    });

  test('the rental rate alone up to rental_duration days', () => {
    expect(pay(6)).toBe(299);
    expect(pay(72)).toBe(299);
  });

  test('plus the fee for every day started past rental_duration', () => {
    expect(pay(72.01)).toBe(399);
    expect(pay(96)).toBe(399);
    expect(pay(97)).toBe(499);
    expect(pay(97, 1.5)).toBe(599);
    expect(pay(97, 0)).toBe(299);
  });

  test('capped at what payment.amount numeric(5,2) holds', () => {
    expect(pay(24 * 5000)).toBe(99_999);
  });
});
