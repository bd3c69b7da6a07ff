// Load (issue 14): 10 migrations of different configs started at once against one worker process. Config i
// copies tables t<i> and t<i+1> (so every source table is read by two configs at once) into a target schema
// of its own, load_<i>. All complete, each schema holds exactly its config's tables, equal to the source by
// count and checksum, and the worker's peak RSS is reported next to that of one migration alone.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { connectClient } from '../../../common/temporal-client';
import { tableChecksum } from '../../../dataset/checksum';
import type { WorkerProcess } from '../../../stack/worker-process';
import type { MigrationResult, TableSpec } from '../../../workflows/migration/types';
import { faultRecorder } from '../../support/fault-results';
import { faultStack, startMigrationOf, startWorker, type FaultStack } from '../../support/worker-faults';

const CONFIGS = 10;
const ROWS_PER_TABLE = 40_000;
/** A bound far above what was measured (see the console output), to catch a worker holding tables in memory. */
const PEAK_RSS_LIMIT_MB = 1024;

const tableName = (i: number) => `t${i % CONFIGS}`;
const configTables = (i: number): TableSpec[] =>
  [tableName(i), tableName(i + 1)].map((name) => ({
    name,
    schema_in: 'public',
    schema_out: `load_${i}`,
    depends_on: [],
  }));

describe('10 migrations of different configs at once, one worker', () => {
  const recorder = faultRecorder('load: 10 migrations at once, one worker');
  let stack: FaultStack;
  let client: Client;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    stack = await faultStack('load_ten', { rows: 0 });
    for (let i = 0; i < CONFIGS; i++) {
      // different widths and sizes per table
      await stack.source.query(
        `create table ${tableName(i)} as select g as id, repeat(md5(g::text), ${1 + (i % 4)}) as payload,
                g * ${i + 1} as amount from generate_series(1, ${ROWS_PER_TABLE + i * 1000}) g`,
      );
      await stack.source.query(`alter table ${tableName(i)} add primary key (id)`);
    }
    client = await connectClient(stack.env);
  }, 180_000);

  afterAll(async () => {
    recorder.write();
    await worker?.stop();
    await client?.connection.close();
    await Promise.all([stack?.source.end(), stack?.target.end()]);
  });

  async function runAll(configs: number[]): Promise<{ results: MigrationResult[]; peakMb: number; ms: number }> {
    worker = await startWorker(stack);
    const started = Date.now();
    const handles: WorkflowHandle[] = await Promise.all(
      configs.map((i) =>
        startMigrationOf(stack, client, {
          id: `load-${i}`,
          configName: `load_${i}`,
          tables: configTables(i),
          parallelism: 1 + (i % 2),
        }),
      ),
    );
    const results = (await Promise.all(handles.map((handle) => handle.result()))) as MigrationResult[];
    const ms = Date.now() - started;
    const peakMb = await worker.stop();
    worker = undefined;
    return { results, peakMb, ms };
  }

  test('all complete, none touches another’s tables, the worker’s memory stays bounded', async () => {
    await recorder.trial(async () => {
      const alone = await runAll([0]);
      await stack.target.query('drop schema load_0 cascade');
      const all = await runAll([...Array(CONFIGS).keys()]);
      console.log(
        `load: one migration alone ${(alone.ms / 1000).toFixed(1)} s, worker peak RSS ${alone.peakMb.toFixed(0)} MB; ` +
          `${CONFIGS} at once ${(all.ms / 1000).toFixed(1)} s, worker peak RSS ${all.peakMb.toFixed(0)} MB`,
      );
      expect(all.results.map((result) => result.status)).toEqual(Array(CONFIGS).fill('succeeded'));

      const { rows: tables } = await stack.target.query<{ schema: string; table: string }>(
        `select table_schema as schema, table_name as "table" from information_schema.tables
          where table_schema like 'load\\_%' order by 1, 2`,
      );
      const expected = [...Array(CONFIGS).keys()]
        .flatMap((i) => configTables(i).map((spec) => ({ schema: spec.schema_out, table: spec.name })))
        .sort((a, b) => `${a.schema}.${a.table}`.localeCompare(`${b.schema}.${b.table}`));
      expect(tables).toEqual(expected);
      let rowsChecked = 0;
      for (const { schema, table } of expected) {
        const [source, target] = await Promise.all([
          tableChecksum(stack.source, 'public', table),
          tableChecksum(stack.target, schema, table),
        ]);
        expect(target).toEqual(source);
        rowsChecked += target.rows;
      }
      expect(all.peakMb).toBeLessThan(PEAK_RSS_LIMIT_MB);
      return { rowsChecked };
    });
  }, 600_000);
});
