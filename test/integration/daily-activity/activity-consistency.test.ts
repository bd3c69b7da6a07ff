// Seven consecutive days through the backfill workflow (real worker, Temporal and Postgres): the data stays
// consistent by every rule, each day is its own child run labelled for the Web UI, and a rerun adds nothing.
import pg from 'pg';
import { WorkflowFailedError } from '@temporalio/client';
import { dailyActivityBackfillWorkflow, dailyActivityWorkflow } from '../../../workflows';
import { BUSINESS_DATE, PIPELINE } from '../../../workflows/shared/search-attributes';
import { dayWorkflowId, type BackfillProgress } from '../../../workflows/daily-activity/types';
import { datesBetween } from '../../../workflows/daily-activity/dates';
import {
  baselineOf,
  BUSY_CONFIG,
  contentChecksum,
  foreignKeysChecked,
  loadedSource,
  paymentsBreakingTheRule,
  poolOf,
  ruleViolations,
  sourceEnv,
  type Baseline,
} from '../../support/daily-activity';
import { withWorker } from '../../support/stack';

const DATABASE = 'activity_consistency';
// workflow ids carry the business date and the test stack may be reused: each run takes days of its own
const YEAR = 2100 + Math.floor(Math.random() * 800);
const DAYS = datesBetween(`${YEAR}-03-01`, `${YEAR}-03-07`);

let pool: pg.Pool;
let base: Baseline;
let backfill: BackfillProgress;
let rerunError: unknown;
let rerun: Awaited<ReturnType<typeof dailyActivityWorkflow>>;
let contentAfterBackfill: Record<string, string>;
let contentAfterRerun: Record<string, string>;
const searchAttributes: Array<[string | undefined, string | undefined]> = [];

beforeAll(async () => {
  await loadedSource(DATABASE);
  pool = poolOf(DATABASE);
  base = await baselineOf(pool);
  await withWorker(async ({ client, taskQueue }) => {
    backfill = await client.workflow.execute(dailyActivityBackfillWorkflow, {
      taskQueue,
      workflowId: `activity-backfill-test-${YEAR}`,
      args: [{ config: BUSY_CONFIG, from: DAYS[0]!, to: DAYS.at(-1)!, configName: 'test' }],
    });
    for (const date of [DAYS[0]!, DAYS.at(-1)!]) {
      const child = await client.workflow.getHandle(dayWorkflowId(date)).describe();
      searchAttributes.push([
        child.typedSearchAttributes.get(PIPELINE),
        child.typedSearchAttributes.get(BUSINESS_DATE),
      ]);
    }
    contentAfterBackfill = await contentChecksum(pool);
    rerun = await client.workflow.execute(dailyActivityWorkflow, {
      taskQueue,
      workflowId: `${dayWorkflowId(DAYS[3]!)}-rerun`,
      args: [{ ...BUSY_CONFIG, businessDate: DAYS[3]! }],
    });
    contentAfterRerun = await contentChecksum(pool);
    rerunError = await client.workflow
      .execute(dailyActivityWorkflow, {
        taskQueue,
        workflowId: `${dayWorkflowId(`${YEAR}-03-09`)}`,
        args: [{ ...BUSY_CONFIG, businessDate: `${YEAR}-03-09` }],
      })
      .catch((error: unknown) => error);
  }, sourceEnv(DATABASE));
});
afterAll(() => pool?.end());

test('the backfill ran each day as its own child, in order, labelled with its business date', () => {
  expect(backfill.status).toBe('succeeded');
  expect(backfill.days.map((day) => [day.businessDate, day.state, day.workflowId])).toEqual(
    DAYS.map((date) => [date, 'done', dayWorkflowId(date)]),
  );
  expect(searchAttributes).toEqual([
    ['daily-activity', DAYS[0]],
    ['daily-activity', DAYS.at(-1)],
  ]);
  const simulated = backfill.days.map((day) => day.result!.simulatedDate);
  expect(simulated).toEqual(datesBetween(simulated[0]!, simulated.at(-1)!));
});

test('every day wrote rentals, returns, payments; the week new and deactivated customers', () => {
  const results = backfill.days.map((day) => day.result!);
  for (const { rows } of results) {
    expect(rows.rental.inserted).toBeGreaterThan(300);
    expect(rows.rental.updated).toBeGreaterThan(0);
    expect(rows.payment.inserted).toBe(rows.rental.updated);
  }
  const total = (pick: (r: (typeof results)[number]) => number) => results.reduce((sum, r) => sum + pick(r), 0);
  expect(total((r) => r.rows.customer.inserted)).toBeGreaterThan(0);
  expect(total((r) => r.rows.address.inserted)).toBe(total((r) => r.rows.customer.inserted));
  expect(total((r) => r.rows.customer.updated)).toBeGreaterThan(0);
});

test('every foreign key holds', async () => {
  const { checked, violations } = await foreignKeysChecked(pool);
  expect(checked).toBeGreaterThanOrEqual(18);
  expect(violations).toEqual([]);
});

test('no copy out twice, returns after rentals and within the days, stores and customers as the rules say', async () => {
  expect(await ruleViolations(pool, base)).toEqual({
    copyOutTwice: 0,
    returnNotAfterRental: 0,
    outsideTheDays: 0,
    customerOfAnotherStore: 0,
    rentedByInactiveOrUnborn: 0,
    returnsNotPaidOnce: 0,
  });
  const open = await pool.query('select count(*)::int as n from rental where rental_id > $1 and return_date is null', [
    base.rental,
  ]);
  expect(open.rows[0].n).toBeGreaterThan(0);
});

test('every payment is the rental rate plus the late fee per day over rental_duration, by staff of the store', async () => {
  const { payments, late, broken } = await paymentsBreakingTheRule(pool, base, BUSY_CONFIG.lateFeePerDay);
  expect(payments).toBeGreaterThan(100);
  expect(late).toBeGreaterThan(0);
  expect(broken).toEqual([]);
});

test('a day rerun writes nothing and answers what the day wrote', () => {
  expect(rerun).toEqual({ ...backfill.days[3]!.result, alreadyRun: true });
  expect(contentAfterRerun).toEqual(contentAfterBackfill);
});

test('a day after a gap fails at once, naming the missing day', () => {
  expect(rerunError).toBeInstanceOf(WorkflowFailedError);
  const cause = (rerunError as WorkflowFailedError).cause as { type?: string; message: string };
  expect(cause.type).toBe('DaysOutOfOrder');
  expect(cause.message).toContain(`run the 1 missing day(s) first: ${YEAR}-03-08`);
});
