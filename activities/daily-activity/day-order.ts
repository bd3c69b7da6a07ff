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

/**
 * The simulated day of a business date: the first business date maps to the day after the source's latest
 * rental, each later one to as many days after it.
 */
export function simulatedDateOf(span: LedgerSpan | undefined, businessDate: string, sourceNextDay: string): string {
  if (!span) return sourceNextDay;
  return addDays(span.first.simulatedDate, daysBetween(span.first.businessDate, businessDate));
}
