import { DVD_RENTAL_TABLES } from '../../../dataset/tables';
import { MigrationConfigError } from '../../../workflows/migration/errors';
import { dependents, findCycles, planMigration, readyTables } from '../../../workflows/migration/plan';
import { DVD_RENTAL, errorOf, table } from '../../support/migration-config';

describe('migration plan', () => {
  const dependenciesOf = (name: string) => DVD_RENTAL.find((spec) => spec.name === name)!.depends_on;

  test('the dvd_rental order puts every table after its dependencies, level by level', () => {
    const { order, levels } = planMigration(DVD_RENTAL);
    expect([...order].sort()).toEqual([...DVD_RENTAL_TABLES].sort());
    for (const name of order) {
      for (const dep of dependenciesOf(name)) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(name));
    }
    expect(levels).toEqual([
      ['actor', 'category', 'country', 'language'],
      ['city', 'film'],
      ['address', 'film_actor', 'film_category', 'inventory'],
      ['customer', 'staff'],
      ['rental', 'store'],
      ['payment'],
    ]);
    expect(order).toEqual(levels.flat());
  });

  test('the plan does not depend on the order of the config', () => {
    const reversed = [...DVD_RENTAL].reverse();
    expect(planMigration(reversed)).toEqual(planMigration(DVD_RENTAL));
  });

  test('a cycle stops the plan and is printed', () => {
    expect(errorOf(() => planMigration([table('a', ['b']), table('b', ['a']), table('c')])).message).toBe(
      'dependency cycle: a -> b -> a',
    );
  });

  test('findCycles finds each cycle', () => {
    const tables = [
      table('a', ['b']),
      table('b', ['a']),
      table('c', ['d']),
      table('d', ['e']),
      table('e', ['c']),
      table('f', ['a']),
    ];
    expect(findCycles(tables)).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'e', 'c'],
    ]);
    expect(findCycles(DVD_RENTAL)).toEqual([]);
  });

  test('readyTables starts the tables whose dependencies are done, within the parallelism', () => {
    const ready = (done: string[], running: string[], parallelism: number, excluded?: string[]) =>
      readyTables({ tables: DVD_RENTAL, done, running, parallelism, excluded });
    expect(ready([], [], 2)).toEqual(['actor', 'category']);
    expect(ready([], [], 8)).toEqual(['actor', 'category', 'country', 'language']);
    expect(ready([], ['actor'], 2)).toEqual(['category']);
    expect(ready([], ['actor', 'category'], 2)).toEqual([]);
    expect(ready(['actor', 'category', 'language'], ['country'], 8)).toEqual(['film']);
    const beforeRental = [
      'actor',
      'category',
      'country',
      'language',
      'city',
      'film',
      'address',
      'film_actor',
      'film_category',
      'inventory',
      'customer',
    ];
    expect(ready(beforeRental, [], 8)).toEqual(['staff']);
    expect(ready([...beforeRental, 'staff'], [], 8)).toEqual(['rental', 'store']);
    expect(ready([...beforeRental, 'staff'], [], 8, ['rental'])).toEqual(['store']);
  });

  test('readyTables counts a dependency outside the run as done', () => {
    const only = DVD_RENTAL.filter((spec) => ['rental', 'payment'].includes(spec.name));
    expect(readyTables({ tables: only, done: [], running: [], parallelism: 4 })).toEqual(['rental']);
    expect(readyTables({ tables: only, done: ['rental'], running: [], parallelism: 4 })).toEqual(['payment']);
  });

  test('readyTables lets free tables (no foreign key in the target yet) start before their dependencies, in plan order', () => {
    const free = ['rental', 'payment'];
    const ready = (done: string[], running: string[], parallelism: number) =>
      readyTables({ tables: DVD_RENTAL, done, running, parallelism, free });
    expect(ready([], [], 4)).toEqual(['actor', 'category', 'country', 'language']);
    expect(ready([], [], 8)).toEqual(['actor', 'category', 'country', 'language', 'rental', 'payment']);
    expect(ready(['actor', 'category', 'country', 'language'], ['city'], 8)).toEqual(['film', 'rental', 'payment']);
  });

  test('readyTables rejects a parallelism below 1', () => {
    expect(() => readyTables({ tables: DVD_RENTAL, done: [], running: [], parallelism: 0 })).toThrow(
      MigrationConfigError,
    );
    expect(() => readyTables({ tables: DVD_RENTAL, done: [], running: [], parallelism: 1.5 })).toThrow('parallelism');
  });

  // Unbounded, this finishing order never has more than 5 tables ready at once.
  test.each([
    [1, 1],
    [3, 3],
    [20, 5],
  ])('a whole run scheduled with readyTables at parallelism %i runs up to %i at once', (parallelism, widest) => {
    const done: string[] = [];
    let running: string[] = [];
    let mostAtOnce = 0;
    for (let step = 0; done.length < DVD_RENTAL.length; step++) {
      const starting = readyTables({ tables: DVD_RENTAL, done, running, parallelism });
      for (const name of starting) expect(dependenciesOf(name).every((dep) => done.includes(dep))).toBe(true);
      running = [...running, ...starting];
      mostAtOnce = Math.max(mostAtOnce, running.length);
      expect(running.length).toBeLessThanOrEqual(parallelism);
      expect(running.length).toBeGreaterThan(0);
      // The longest-running table finishes last: finish the first started one.
      done.push(running.shift()!);
      expect(step).toBeLessThan(DVD_RENTAL.length);
    }
    expect([...done].sort()).toEqual([...DVD_RENTAL_TABLES].sort());
    expect(mostAtOnce).toBe(widest);
  });

  test('dependents are transitive and sorted', () => {
    expect(dependents(DVD_RENTAL, 'address')).toEqual(['customer', 'payment', 'rental', 'staff', 'store']);
    expect(dependents(DVD_RENTAL, 'film')).toEqual(['film_actor', 'film_category', 'inventory', 'payment', 'rental']);
    expect(dependents(DVD_RENTAL, 'country')).toEqual([
      'address',
      'city',
      'customer',
      'payment',
      'rental',
      'staff',
      'store',
    ]);
    expect(dependents(DVD_RENTAL, 'payment')).toEqual([]);
  });
});
