// migrationWorkflow's scheduling on the time-skipping server, its activities stubbed: the real workflow code
// decides what starts when; the stubs only record it.
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { migrationWorkflow } from '../../../workflows';
import { dependents } from '../../../workflows/migration/plan';
import type { MigrationInput, MigrationResult } from '../../../workflows/migration/types';
import { DVD_RENTAL } from '../../support/migration-config';
import { indexOfEvent, migrationStubs, startedTables } from '../../support/stub-activities';
import { startTimeSkipping, withWorkflowWorker } from '../../support/time-skipping';

const input = (parallelism: number): MigrationInput => ({
  configName: 'migration',
  tables: DVD_RENTAL,
  options: { mode: 'auto', deletes: 'delete', parallelism, recreate: false },
});

describe('migration workflow with stubbed activities (time-skipping)', () => {
  let environment: TestWorkflowEnvironment;
  beforeAll(async () => {
    environment = await startTimeSkipping();
  });
  afterAll(() => environment?.teardown());

  const migrate = (stubs: ReturnType<typeof migrationStubs>, workflowId: string, parallelism: number) =>
    withWorkflowWorker(environment, stubs.activities, (taskQueue) =>
      environment.client.workflow.execute(migrationWorkflow, { taskQueue, workflowId, args: [input(parallelism)] }),
    );

  test.each([1, 3])('copies every table in dependency order, at most %i at once', async (parallelism) => {
    // long enough that copies started together overlap on a busy machine too (mostAtOnce counts them)
    const stubs = migrationStubs({ copyMs: 200 });
    const result = await migrate(stubs, `migration-order-${parallelism}`, parallelism);

    expect(result.status).toBe('succeeded');
    expect(result.tables.map((table) => table.state)).toEqual(DVD_RENTAL.map(() => 'copied'));
    expect(startedTables(stubs.log).sort()).toEqual(DVD_RENTAL.map((table) => table.name).sort());
    expect(DVD_RENTAL.filter((table) => indexOfEvent(stubs.log, `end ${table.name}`) < 0)).toEqual([]);
    const tooEarly = DVD_RENTAL.flatMap((table) =>
      table.depends_on
        .filter(
          (dependency) => indexOfEvent(stubs.log, `start ${table.name}`) < indexOfEvent(stubs.log, `end ${dependency}`),
        )
        .map((dependency) => `${table.name} started before ${dependency} was copied`),
    );
    expect(tooEarly).toEqual([]);
    expect(stubs.log.mostAtOnce).toBe(parallelism);
  });

  // One copy at a time: when film fails nothing else is in flight, so a table that starts after it was started
  // by the workflow after it saw the failure (with more at once, a copy it started just before can log later).
  test('stops at the first failing table: it is failed, its dependents not_run, nothing starts after it', async () => {
    const stubs = migrationStubs({ failing: 'film' });
    const failure = await migrate(stubs, 'migration-film-fails', 1).then(
      () => {
        throw new Error('expected the migration to fail');
      },
      (error: unknown) => error as WorkflowFailedError,
    );

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = failure.cause as { type?: string; message: string; details?: unknown[] };
    expect(cause.type).toBe('MigrationFailed');
    expect(cause.message).toContain('dvd_rental.film');
    const result = cause.details![0] as MigrationResult;
    const state = Object.fromEntries(result.tables.map((table) => [table.table, table.state]));
    expect(state.film).toBe('failed');
    for (const dependent of dependents(DVD_RENTAL, 'film'))
      expect([dependent, state[dependent]]).toEqual([dependent, 'not_run']);

    const failedAt = indexOfEvent(stubs.log, 'fail film');
    expect(failedAt).toBeGreaterThan(-1);
    expect(stubs.log.events.slice(failedAt).filter((event) => event.startsWith('start '))).toEqual([]);
    const started = new Set(startedTables(stubs.log));
    for (const [table, tableState] of Object.entries(state)) {
      expect([table, tableState]).toEqual([
        table,
        started.has(table) ? expect.stringMatching(/^(copied|failed)$/) : 'not_run',
      ]);
    }
    expect(started.size).toBeLessThan(DVD_RENTAL.length);
  });
});
