// Which simulated day a business date is, and which business dates the ledger refuses. Pure.
import { addDays, datesBetween, daysBetween } from '../../workflows/daily-activity/dates';

/** The ledger's days of one schema: contiguous from `first` to `last`. */
export interface LedgerSpan {
  first: { businessDate: string; simulatedDate: string };
  last: string;
}

const MISSING_LISTED = 10;

function listDays(days: string[]): string {
  if (days.length <= MISSING_LISTED) return days.join(', ');
  return `${days.slice(0, MISSING_LISTED).join(', ')} and ${days.length - MISSING_LISTED} more`;
}

/** Why `businessDate` cannot run now (undefined when it can: the next day, or a day the ledger already has). */
export function dayOrderProblem(
  span: LedgerSpan | undefined,
  businessDate: string,
  schema: string,
): string | undefined {
  if (!span) return undefined;
  const { first, last } = span;
  if (daysBetween(first.businessDate, businessDate) < 0) {
    return (
      `business date ${businessDate} is before the first simulated day of schema ${schema} ` +
      `(${first.businessDate}; the ledger holds ${first.businessDate} to ${last}): days cannot be added before it`
    );
  }
  if (daysBetween(last, businessDate) <= 1) return undefined;
  const missing = datesBetween(addDays(last, 1), addDays(businessDate, -1));
  return (
    `business date ${businessDate} would leave a gap: schema ${schema} was simulated up to ${last}; ` +
    `run the ${missing.length} missing day(s) first: ${listDays(missing)} ` +
    `(activity backfill --from ${addDays(last, 1)} --to ${businessDate})`
  );
}

export type SimulatedDates = 'after-source' | 'business-date';

/**
 * The simulated day of a business date: the ledger's first business date maps to the day after the source's
 * latest rental (`after-source`) or to itself (`business-date`, refused unless it comes after that rental);
 * each later one to as many days after it.
 */
export function simulatedDateOf(
  span: LedgerSpan | undefined,
  businessDate: string,
  first: { mode: SimulatedDates; sourceNextDay: string },
): { date: string } | { problem: string } {
  if (span) return { date: addDays(span.first.simulatedDate, daysBetween(span.first.businessDate, businessDate)) };
  if (first.mode === 'after-source') return { date: first.sourceNextDay };
  if (daysBetween(first.sourceNextDay, businessDate) >= 0) return { date: businessDate };
  return {
    problem:
      `business date ${businessDate} cannot be the first simulated day with simulatedDates "business-date": ` +
      `the source has rentals up to ${addDays(first.sourceNextDay, -1)} (start on ${first.sourceNextDay} or later, ` +
      'or use "after-source")',
  };
}
