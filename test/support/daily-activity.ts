// Shared setup of the daily-activity tests: sources loaded with dvd_rental (cloned, so that every copy starts
// from the same state), and the SQL checks that the simulated days kept the data consistent.
import pg from 'pg';
import type { Env } from '../../common/env';
import { loadSource } from '../../dataset/load-source';
import { foreignKeyViolations, type ForeignKeyViolation } from '../../dataset/integrity';
import { paymentCents } from '../../activities/daily-activity/day-plan';
import { adminUrl } from '../../stack/postgres';
import type { DailyActivityConfig } from '../../workflows/daily-activity/config';
import { DVD_RENTAL_DATA } from './dvdrental';
import { freshDatabase, testEnv } from './stack';

/** More of everything than the default, so that each rule is exercised within a few days. */
export const BUSY_CONFIG: DailyActivityConfig = {
  schema: 'public',
  simulatedDates: 'after-source',
  seed: 4242,
  rentalsPerDay: 400,
  returns: { lateShare: 0.3, neverShare: 0.05, earliestHours: 4, maxDaysLate: 3, backlogDays: 2 },
  lateFeePerDay: 1.5,
  newCustomersPerWeek: 14,
  deactivatedCustomersPerWeek: 14,
};

export const sourceEnv = (database: string): Env => ({
  ...testEnv(),
  SOURCE_DATABASE_URL: adminUrl(testEnv(), database),
});

export const poolOf = (database: string) => new pg.Pool({ connectionString: adminUrl(testEnv(), database), max: 2 });

/** A fresh database loaded with dvd_rental (the archive when the machine has it). */
export async function loadedSource(database: string): Promise<void> {
  await (await freshDatabase(database)).end();
  await loadSource(sourceEnv(database), DVD_RENTAL_DATA);
}

/** `to` as an exact copy of `from` (no session may be connected to `from`). */
export async function cloneSource(from: string, to: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl(testEnv()) });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${pg.escapeIdentifier(to)} with (force)`);
    await admin.query(`create database ${pg.escapeIdentifier(to)} template ${pg.escapeIdentifier(from)}`);
  } finally {
    await admin.end();
  }
}

/** The ids the source had before the simulation: rows past them are the simulation's. */
export interface Baseline {
  rental: number;
  payment: number;
  customer: number;
  /** Rentals not returned yet: only these (and new ones) can be returned by the simulation. */
  open: number[];
}

export async function baselineOf(pool: pg.Pool): Promise<Baseline> {
  const { rows } = await pool.query<Baseline>(
    `select (select max(rental_id) from rental) as rental, (select max(payment_id) from payment) as payment,
            (select max(customer_id) from customer) as customer,
            (select coalesce(array_agg(rental_id), '{}') from rental where return_date is null) as open`,
  );
  return rows[0]!;
}

const count = async (pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> =>
  Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);

/**
 * A return the simulation may have made (alias r; $1 the baseline's last rental, $2 its open ones): the synthetic
 * source's own returns run 2.5 days past its last rental, into the first simulated days, and are not the simulation's.
 */
const SIMULATED_RETURN = `(r.rental_id > $1 or r.rental_id = any($2::int[]))`;

/** Every check over the simulated days: each is a count of rows that break a rule (all should be 0). */
export async function ruleViolations(pool: pg.Pool, base: Baseline) {
  const params = [base.rental];
  return {
    // two rentals of one copy whose [rental_date, return_date) intervals overlap, one of them simulated
    copyOutTwice: await count(
      pool,
      `select count(*) as n from rental a join rental b
         on a.inventory_id = b.inventory_id and a.rental_id < b.rental_id
        and tsrange(a.rental_date, a.return_date, '[)') && tsrange(b.rental_date, b.return_date, '[)')
       where b.rental_id > $1`,
      params,
    ),
    returnNotAfterRental: await count(
      pool,
      `select count(*) as n from rental r where r.return_date <= r.rental_date
         and (r.rental_id > $1 or r.return_date >= (select min(simulated_date) from _activity.day))`,
      params,
    ),
    // new rentals outside the simulated days, returns outside them
    outsideTheDays: await count(
      pool,
      `select count(*) as n from rental r
       where (r.rental_id > $1 and r.rental_date::date not in (select simulated_date from _activity.day))
          or (r.return_date >= (select min(simulated_date) from _activity.day) and ${SIMULATED_RETURN}
              and r.return_date::date not in (select simulated_date from _activity.day))`,
      [base.rental, base.open],
    ),
    customerOfAnotherStore: await count(
      pool,
      `select count(*) as n from rental r join inventory i using (inventory_id) join customer c using (customer_id)
       join staff s on s.staff_id = r.staff_id
       where r.rental_id > $1 and (c.store_id <> i.store_id or s.store_id <> i.store_id)`,
      params,
    ),
    rentedByInactiveOrUnborn: await count(
      pool,
      `select count(*) as n from rental r join customer c using (customer_id)
       left join _activity.deactivation d on d.customer_id = c.customer_id
       where r.rental_id > $1
         and (r.rental_date >= d.simulated_date or c.create_date > r.rental_date::date
              or (not (c.activebool and c.active = 1) and d.customer_id is null))`,
      params,
    ),
    // every rental returned in the simulation paid exactly once, at its return, by its customer
    returnsNotPaidOnce: await count(
      pool,
      `select count(*) as n from rental r
       where r.return_date >= (select min(simulated_date) from _activity.day) and ${SIMULATED_RETURN}
         and (select count(*) from payment p where p.rental_id = r.rental_id and p.payment_id > $3
                and p.payment_date = r.return_date and p.customer_id = r.customer_id) <> 1`,
      [base.rental, base.open, base.payment],
    ),
  };
}

export interface PaymentRow {
  amount: string;
  rental_rate: string;
  rental_duration: number;
  rental_date: Date;
  return_date: Date;
  staff_store: number;
  copy_store: number;
}

/** Payments the simulation wrote whose amount or staff break the rule, checked in TypeScript against the rows. */
export async function paymentsBreakingTheRule(pool: pg.Pool, base: Baseline, lateFeePerDay: number) {
  const { rows } = await pool.query<PaymentRow>(
    `select p.amount, f.rental_rate, f.rental_duration, r.rental_date, r.return_date, s.store_id as staff_store,
            i.store_id as copy_store
     from payment p join rental r using (rental_id) join inventory i using (inventory_id)
     join film f using (film_id) join staff s on s.staff_id = p.staff_id
     where p.payment_id > $1`,
    [base.payment],
  );
  const broken = rows.filter(
    (row) =>
      row.staff_store !== row.copy_store ||
      Math.round(Number(row.amount) * 100) !==
        paymentCents({
          rentalRateCents: Math.round(Number(row.rental_rate) * 100),
          rentalDurationDays: row.rental_duration,
          rentedAt: row.rental_date,
          returnedAt: row.return_date,
          lateFeePerDay,
        }),
  );
  const late = rows.filter((row) => Math.round(Number(row.amount) * 100) > Math.round(Number(row.rental_rate) * 100));
  return { payments: rows.length, late: late.length, broken };
}

/** Every foreign key of schema public, checked by SQL over all rows. */
export const foreignKeysChecked = (pool: pg.Pool): Promise<{ checked: number; violations: ForeignKeyViolation[] }> =>
  foreignKeyViolations(pool, 'public');

/** The ids a day takes from sequences: a rolled-back attempt uses some up, so its retry gets others. */
export const SEQUENCE_IDS = ['rental_id', 'payment_id', 'customer_id', 'address_id'];

/**
 * md5 of every row of the tables a day writes, every column but last_update (and `ignoring`): equal iff
 * the rows are.
 */
export async function contentChecksum(pool: pg.Pool, ignoring: string[] = []): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const row = `(to_jsonb(t) - $1::text[])::text`;
  for (const table of ['rental', 'payment', 'customer', 'address']) {
    const { rows } = await pool.query<{ md5: string }>(
      `select md5(string_agg(${row}, E'\\n' order by ${row} collate "C")) as md5 from ${table} t`,
      [['last_update', ...ignoring]],
    );
    result[table] = rows[0]!.md5;
  }
  return result;
}
