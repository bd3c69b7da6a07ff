// The day plan: every random choice of one business day, drawn from a PRNG seeded by the config's seed and the
// business date, and nothing else. The SQL applies the plan to the source's state (picks are uint32 values that
// it turns into ranks: pick * n >> 32). Pure: no I/O, no clock.
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { DailyActivityConfig } from '../../workflows/daily-activity/config';

export const SECONDS_PER_DAY = 86_400;
const TWO_32 = 2 ** 32;

export const RETURN_KIND = { onTime: 0, late: 1, never: 2 } as const;
export type ReturnKind = (typeof RETURN_KIND)[keyof typeof RETURN_KIND];

export interface RentalSlot {
  /** Seconds after the day's start (the slots are in time order). */
  second: number;
  customerPick: number;
  staffPick: number;
  returnKind: ReturnKind;
  /** Where the return falls within its kind's range. */
  delayPick: number;
}

export interface NewCustomerPlan {
  storePick: number;
  firstNamePick: number;
  lastNamePick: number;
  /** The existing address whose city and district the new one shares. */
  placePick: number;
  /** The existing address whose street the new one is on. */
  streetPick: number;
  streetNumber: number;
  postalCode: string;
  phone: string;
}

export interface DayPlan {
  /** The 32-bit seed of this day's generator (recorded in the ledger). */
  seed: number;
  rentals: RentalSlot[];
  /** Copies to try, in order, more than the rentals: some are out. */
  copyCandidates: number[];
  newCustomers: NewCustomerPlan[];
  deactivationPicks: number[];
}

/** FNV-1a: text to 32 bits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** A 32-bit finaliser (murmur3's): spreads the seed's bits over the generator's whole state. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The day's seed: the config's seed and the business date, hashed. */
export const daySeed = (seed: number, businessDate: string): number => fnv1a(`${seed}|${businessDate}`);

export function dayGenerator(seed: number): RandomGenerator {
  const state = [1, 2, 3, 4].map((i) => mix32(seed + Math.imul(i, 0x9e3779b9)) | 0);
  return xoroshiro128plusFromState(state);
}

const uint32 = (rng: RandomGenerator): number => rng.next() >>> 0;
const unit = (rng: RandomGenerator): number => uint32(rng) / TWO_32;
/** An integer in [0, n). */
const below = (rng: RandomGenerator, n: number): number => Math.floor(unit(rng) * n);
const digits = (rng: RandomGenerator, count: number): string =>
  Array.from({ length: count }, () => String(below(rng, 10))).join('');

/**
 * The day's rental count around its mean: an Irwin-Hall sum of 12 uniforms approximates a normal draw with
 * standard deviation sqrt(mean), Poisson-like, using only arithmetic (the same result on every platform).
 */
export function rentalCount(rng: RandomGenerator, mean: number): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += unit(rng);
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * (sum - 6)));
}

/** Events that happen `perDay` times a day on average: binomial over at least 24 slots (Poisson-like). */
export function eventCount(rng: RandomGenerator, perDay: number): number {
  const trials = Math.max(24, Math.ceil(perDay * 2));
  let count = 0;
  for (let i = 0; i < trials; i++) if (unit(rng) < perDay / trials) count++;
  return count;
}

export function returnKind(rng: RandomGenerator, returns: DailyActivityConfig['returns']): ReturnKind {
  const u = unit(rng);
  if (u < returns.neverShare) return RETURN_KIND.never;
  if (u < returns.neverShare + returns.lateShare) return RETURN_KIND.late;
  return RETURN_KIND.onTime;
}

/** Candidate copies per planned rental: enough when up to about two thirds of the copies are out. */
export const candidatesFor = (rentals: number): number => 4 * rentals + 64;

function newCustomer(rng: RandomGenerator): NewCustomerPlan {
  return {
    storePick: uint32(rng),
    firstNamePick: uint32(rng),
    lastNamePick: uint32(rng),
    placePick: uint32(rng),
    streetPick: uint32(rng),
    streetNumber: 1 + below(rng, 1999),
    postalCode: digits(rng, 5),
    phone: digits(rng, 10 + below(rng, 3)),
  };
}

export function planDay(config: DailyActivityConfig, businessDate: string): DayPlan {
  const seed = daySeed(config.seed, businessDate);
  const rng = dayGenerator(seed);
  const count = rentalCount(rng, config.rentalsPerDay);
  const seconds = Array.from({ length: count }, () => below(rng, SECONDS_PER_DAY)).sort((a, b) => a - b);
  const rentals = seconds.map((second) => ({
    second,
    customerPick: uint32(rng),
    staffPick: uint32(rng),
    returnKind: returnKind(rng, config.returns),
    delayPick: uint32(rng),
  }));
  const copyCandidates = Array.from({ length: count ? candidatesFor(count) : 0 }, () => uint32(rng));
  const newCustomers = Array.from({ length: eventCount(rng, config.newCustomersPerWeek / 7) }, () => newCustomer(rng));
  const deactivationPicks = Array.from({ length: eventCount(rng, config.deactivatedCustomersPerWeek / 7) }, () =>
    uint32(rng),
  );
  return { seed, rentals, copyCandidates, newCustomers, deactivationPicks };
}

/**
 * What a returned rental pays, in cents: the film's rental_rate plus `lateFeePerDay` for each day started over
 * its rental_duration, capped at payment.amount's numeric(5,2). returns.sql computes the same in SQL.
 */
export function paymentCents(rental: {
  rentalRateCents: number;
  rentalDurationDays: number;
  rentedAt: Date;
  returnedAt: Date;
  lateFeePerDay: number;
}): number {
  const daysStarted = Math.ceil((rental.returnedAt.getTime() - rental.rentedAt.getTime()) / (SECONDS_PER_DAY * 1000));
  const lateDays = Math.max(0, daysStarted - rental.rentalDurationDays);
  return Math.min(99_999, rental.rentalRateCents + Math.round(rental.lateFeePerDay * 100) * lateDays);
}
