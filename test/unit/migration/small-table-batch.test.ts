import { smallTableBatch, type BatchQuery } from '../../../workflows/migration/plan';
import { DVD_RENTAL } from '../../support/migration-config';

// scale 625's estimates: three big tables, the others small
const BIG = { rental: 10_027_555, payment: 9_122_950, inventory: 2_863_125 };
const estimatedRows = Object.fromEntries(
  DVD_RENTAL.map((table) => [table.name, BIG[table.name as keyof typeof BIG] ?? 1000]),
);
const names = (query: Partial<BatchQuery>) =>
  smallTableBatch({
    tables: DVD_RENTAL,
    pending: DVD_RENTAL.map((table) => table.name),
    done: [],
    estimatedRows,
    below: 200_000,
    created: [],
    ...query,
  }).map((table) => table.name);

describe('smallTableBatch', () => {
  test('a later run: every small table, in dependency order; the big ones left to their own activities', () => {
    const batch = names({});
    expect(batch).toHaveLength(12);
    expect(batch).not.toEqual(expect.arrayContaining(['rental', 'payment', 'inventory']));
    const spec = (name: string) => DVD_RENTAL.find((table) => table.name === name)!;
    for (const [at, name] of batch.entries())
      for (const dep of spec(name).depends_on) expect(batch.indexOf(dep)).toBeLessThan(at);
  });

  test('a table whose dependency is big and not copied yet waits for it (unless free)', () => {
    const rows = { ...estimatedRows, customer: 5_000_000 };
    expect(names({ estimatedRows: rows })).not.toContain('customer');
    expect(names({ estimatedRows: { ...rows, address: 5_000_000 } })).not.toContain('customer');
    expect(names({ estimatedRows: { ...rows, address: 5_000_000 }, free: ['store'] })).toContain('store');
  });

  test('none on a first run (tables created now), with unknown estimates, when off, or for one table', () => {
    const created = DVD_RENTAL.map((table) => `${table.schema_out}.${table.name}`);
    expect(names({ created })).toEqual([]);
    expect(names({ estimatedRows: {} })).toEqual([]);
    expect(names({ below: 0 })).toEqual([]);
    expect(names({ pending: ['actor'] })).toEqual([]);
  });

  test('copied and running tables are not batched again; their dependents may be', () => {
    const batch = names({ pending: DVD_RENTAL.map((t) => t.name).filter((n) => n !== 'country'), done: ['country'] });
    expect(batch).not.toContain('country');
    expect(batch).toContain('city');
  });
});
