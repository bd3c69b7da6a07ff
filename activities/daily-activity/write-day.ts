// One business day written into the source in one transaction: deactivations, new customers, rentals,
// returns with their payments, then the ledger entry. Every choice comes from the day plan (seed and date)
// applied to the source's state before the day, so the same day on the same source writes the same rows.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { inTransaction } from '../../common/transaction';
import type { DailyActivityConfig } from '../../workflows/daily-activity/config';
import { addDays } from '../../workflows/daily-activity/dates';
import { ActivitySourceError, DaysOutOfOrder } from '../../workflows/daily-activity/errors';
import type { DayResult } from '../../workflows/daily-activity/types';
import { dayOrderProblem, simulatedDateOf } from './day-order';
import { planDay, SECONDS_PER_DAY, type DayPlan, type NewCustomerPlan } from './day-plan';
import { ledgerSpan, lockLedger, recordDay, recordedDay } from './ledger';
import { statement } from './sql';

/** The source tables a day reads or writes. */
export const ACTIVITY_TABLES = ['rental', 'payment', 'customer', 'address', 'inventory', 'film', 'staff', 'store'];

export interface WriteDayOptions {
  source: pg.Pool;
  config: DailyActivityConfig;
  businessDate: string;
  /** Called between the day's statements (the activity heartbeats there). */
  onStep?: (step: string) => void;
  signal?: AbortSignal;
}

export const configHash = (config: DailyActivityConfig): string =>
  createHash('sha256').update(JSON.stringify(config)).digest('hex');

interface Written {
  rentalIds: Set<number>;
  paymentIds: number[];
  customerIds: Set<number>;
  addressIds: number[];
  rows: DayResult['rows'];
  notes: string[];
}

const ids = (rows: Array<Record<string, number>>, column: string): number[] => rows.map((row) => row[column]!);

async function checkSource(client: pg.ClientBase, schema: string): Promise<void> {
  const { rows } = await client.query<{ missing: string[] }>(
    `select coalesce(array_agg(name order by name), '{}') as missing from unnest($2::text[]) as t(name)
     where not exists (select 1 from information_schema.tables where table_schema = $1 and table_name = t.name)`,
    [schema, ACTIVITY_TABLES],
  );
  const missing = rows[0]!.missing;
  if (missing.length) throw new ActivitySourceError(`source schema ${schema} has no table ${missing.join(', ')}`);
}

/** The day after the source's latest rental (the first simulated day), or the business date of an empty source. */
async function sourceNextDay(client: pg.ClientBase, businessDate: string): Promise<string> {
  const { rows } = await client.query<{ day: string | null }>(
    'select (max(rental_date)::date + 1)::text as day from rental',
  );
  return rows[0]!.day ?? businessDate;
}

async function deactivate(client: pg.ClientBase, day: DayContext, written: Written): Promise<void> {
  const { rows } = await client.query(statement('deactivate'), [
    day.schema,
    day.plan.deactivationPicks,
    day.businessDate,
    day.simulatedDate,
  ]);
  for (const id of ids(rows, 'customer_id')) written.customerIds.add(id);
  written.rows.customer.updated += rows.length;
}

/** One new customer with a new address, or nothing (and a note) when the smallint ids are full. */
async function addCustomer(client: pg.ClientBase, day: DayContext, plan: NewCustomerPlan, written: Written) {
  await client.query('savepoint new_customer');
  try {
    const address = await client.query(statement('new-address'), [
      plan.placePick,
      plan.streetPick,
      plan.streetNumber,
      plan.postalCode,
      plan.phone,
    ]);
    const addressId = address.rows[0].address_id as number;
    const customer = await client.query(statement('new-customer'), [
      plan.storePick,
      plan.firstNamePick,
      plan.lastNamePick,
      addressId,
      day.simulatedDate,
    ]);
    const customerId = customer.rows[0].customer_id as number;
    // rental.customer_id and payment.customer_id are smallint: a larger id could never rent
    if (customerId > 32767) throw Object.assign(new Error('customer_id over smallint'), { code: '22003' });
    written.addressIds.push(addressId);
    written.customerIds.add(customerId);
    written.rows.address.inserted++;
    written.rows.customer.inserted++;
  } catch (error) {
    if ((error as { code?: string }).code !== '22003') throw error;
    await client.query('rollback to savepoint new_customer');
    written.notes.push('a new customer was not added: the smallint customer or address ids are full');
    return;
  }
  await client.query('release savepoint new_customer');
}

async function rent(client: pg.ClientBase, day: DayContext, written: Written): Promise<void> {
  const { rentals, copyCandidates } = day.plan;
  if (!rentals.length) return;
  const inserted = await client.query<{ rental_id: number }>(statement('rentals'), [
    copyCandidates,
    rentals.map((slot) => slot.second),
    rentals.map((slot) => slot.customerPick),
    rentals.map((slot) => slot.staffPick),
    day.start,
  ]);
  // inserted in slot order: the i-th smallest id is slot i
  const rentalIds = ids(inserted.rows, 'rental_id').sort((a, b) => a - b);
  const slots = rentals.slice(0, rentalIds.length);
  const { earliestHours, maxDaysLate } = day.config.returns;
  await client.query(statement('planned-returns'), [
    day.schema,
    rentalIds,
    slots.map((slot) => slot.returnKind),
    slots.map((slot) => slot.delayPick),
    earliestHours * 3600,
    maxDaysLate,
  ]);
  for (const id of rentalIds) written.rentalIds.add(id);
  written.rows.rental.inserted = rentalIds.length;
  if (rentalIds.length < rentals.length) {
    written.notes.push(
      `${rentalIds.length} of ${rentals.length} planned rentals: no other copy of the ${copyCandidates.length} drawn was in stock`,
    );
  }
}

async function returnAndPay(client: pg.ClientBase, day: DayContext, written: Written): Promise<void> {
  const { rows } = await client.query<{ rental_ids: number[]; payment_ids: number[] }>(statement('returns'), [
    day.schema,
    day.end,
    day.config.lateFeePerDay.toFixed(2),
    day.plan.seed,
  ]);
  const { rental_ids: returned, payment_ids: payments } = rows[0]!;
  for (const id of returned) written.rentalIds.add(id);
  written.paymentIds.push(...payments);
  written.rows.rental.updated = returned.length;
  written.rows.payment.inserted = payments.length;
}

async function checksum(client: pg.ClientBase, written: Written): Promise<string> {
  const { rows } = await client.query<{ checksum: string }>(statement('checksum'), [
    [...written.rentalIds],
    written.paymentIds,
    [...written.customerIds],
    written.addressIds,
  ]);
  return rows[0]!.checksum;
}

interface DayContext {
  schema: string;
  config: DailyActivityConfig;
  businessDate: string;
  simulatedDate: string;
  start: string;
  end: string;
  plan: DayPlan;
}

async function writeNewDay(client: pg.ClientBase, day: DayContext, firstDay: boolean, step: (name: string) => void) {
  const written: Written = {
    rentalIds: new Set(),
    paymentIds: [],
    customerIds: new Set(),
    addressIds: [],
    rows: {
      rental: { inserted: 0, updated: 0 },
      payment: { inserted: 0, updated: 0 },
      customer: { inserted: 0, updated: 0 },
      address: { inserted: 0, updated: 0 },
    },
    notes: [],
  };
  if (firstDay) {
    step('backlog');
    const { backlogDays, neverShare } = day.config.returns;
    await client.query(statement('backlog'), [
      day.schema,
      day.plan.seed,
      day.start,
      backlogDays * SECONDS_PER_DAY,
      neverShare,
    ]);
  }
  step('deactivations');
  await deactivate(client, day, written);
  step('new customers');
  for (const customer of day.plan.newCustomers) await addCustomer(client, day, customer, written);
  step('rentals');
  await rent(client, day, written);
  step('returns and payments');
  await returnAndPay(client, day, written);
  step('checksum');
  const result: DayResult = {
    businessDate: day.businessDate,
    simulatedDate: day.simulatedDate,
    alreadyRun: false,
    rows: written.rows,
    checksum: await checksum(client, written),
    notes: written.notes,
  };
  await recordDay(client, { schema: day.schema, seed: day.plan.seed, configHash: configHash(day.config), result });
  return result;
}

async function writeInTransaction(client: pg.ClientBase, options: WriteDayOptions): Promise<DayResult> {
  const { config, businessDate } = options;
  const step = (name: string) => {
    options.signal?.throwIfAborted();
    options.onStep?.(name);
  };
  await lockLedger(client);
  await checkSource(client, config.schema);
  await client.query(`set local search_path to ${pg.escapeIdentifier(config.schema)}`);
  await client.query(`set local datestyle to 'ISO, MDY'`);
  const recorded = await recordedDay(client, config.schema, businessDate);
  if (recorded) {
    const { configHash: hash, ...result } = recorded;
    if (hash !== configHash(config))
      result.notes = [...result.notes, 'this day ran with another config: kept as it was'];
    return result;
  }
  const span = await ledgerSpan(client, config.schema);
  const problem = dayOrderProblem(span, businessDate, config.schema);
  if (problem) throw new DaysOutOfOrder(problem);
  const mapped = simulatedDateOf(span, businessDate, {
    mode: config.simulatedDates,
    sourceNextDay: span ? '' : await sourceNextDay(client, businessDate),
  });
  if ('problem' in mapped) throw new DaysOutOfOrder(mapped.problem);
  const simulatedDate = mapped.date;
  const day: DayContext = {
    schema: config.schema,
    config,
    businessDate,
    simulatedDate,
    start: `${simulatedDate} 00:00:00`,
    end: `${addDays(simulatedDate, 1)} 00:00:00`,
    plan: planDay(config, businessDate),
  };
  return writeNewDay(client, day, !span, step);
}

/** Writes one business day (or nothing, when the ledger has it) in one transaction. */
export async function writeDay(options: WriteDayOptions): Promise<DayResult> {
  return inTransaction(options.source, (client) => writeInTransaction(client, options));
}
