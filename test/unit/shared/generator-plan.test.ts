import { readFileSync } from 'node:fs';
import path from 'node:path';
import { widenCustomerKeys } from '../../../dataset/generator';
import { needsWideCustomerKeys, planCounts, SMALLINT_MAX } from '../../../dataset/generator/plan';

describe('generator sizes past smallint', () => {
  const preData = readFileSync(path.join(__dirname, '..', '..', '..', 'sql', 'dvdrental-schema.sql'), 'utf8');

  test('the scale alone never passes the smallint keys; the schema text stays as it is', () => {
    const counts = planCounts(1000);
    expect(counts.address).toBeLessThanOrEqual(SMALLINT_MAX);
    expect(needsWideCustomerKeys(counts)).toBe(false);
    expect(widenCustomerKeys(preData, counts)).toBe(preData);
  });

  test('a million customers: rentals per customer set the rentals, and exactly three key columns widen', () => {
    const counts = planCounts(1, { customers: 1_000_000, rentalsPerCustomer: 2 });
    expect(counts).toMatchObject({ customer: 1_000_000, rental: 2_000_000, address: 1_000_004 });
    expect(counts.payment).toBe(Math.round((2_000_000 * 14596) / 16044));
    const widened = widenCustomerKeys(preData, counts);
    const smallints = (sql: string) => (sql.match(/ smallint/g) ?? []).length;
    expect(smallints(preData) - smallints(widened)).toBe(3);
    expect(widened).toMatch(/CREATE TABLE public\.customer \([^;]*\n\s+address_id integer NOT NULL/);
    expect(widened).toMatch(/CREATE TABLE public\.rental \([^;]*\n\s+customer_id integer NOT NULL/);
    expect(widened).toMatch(/CREATE TABLE public\.payment \([^;]*\n\s+customer_id integer NOT NULL/);
  });
});
