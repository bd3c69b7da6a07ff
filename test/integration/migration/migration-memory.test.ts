import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { connectClient } from '../../../common/temporal-client';
import { startWorkerProcess } from '../../../stack/worker-process';
import { migrationWorkflow } from '../../../workflows';
import { envWithDatabases } from '../../support/dvdrental';
import { freshDatabase } from '../../support/stack';

const ROWS = 1_500_000;
const HEAP_LIMIT_MB = 96;

describe('migration memory', () => {
  test(`copies a ~300 MB table with a worker whose heap is limited to ${HEAP_LIMIT_MB} MB`, async () => {
    const source = await freshDatabase('memory_source');
    await (await freshDatabase('memory_target')).end();
    await source.query(`create table wide (id bigint primary key, payload text not null)`);
    await source.query(`insert into wide select i, repeat(md5(i::text), 6) from generate_series(1, ${ROWS}) i`);
    const { rows } = await source.query(`select pg_total_relation_size('wide') as bytes`);
    await source.end();
    expect(Number(rows[0].bytes)).toBeGreaterThan(3 * HEAP_LIMIT_MB * 1024 * 1024);

    const env = envWithDatabases({ source: 'memory_source', target: 'memory_target' });
    const taskQueue = `memory-${randomUUID()}`;
    const worker = await startWorkerProcess({
      env: {
        SOURCE_DATABASE_URL: env.SOURCE_DATABASE_URL,
        TARGET_DATABASE_URL: env.TARGET_DATABASE_URL,
        TEMPORAL_TASK_QUEUE: taskQueue,
      },
      maxOldSpaceMb: HEAP_LIMIT_MB,
      logFile: path.join(env.STACK_DATA_DIR, 'logs', 'memory-test-worker.log'),
    });
    const client = await connectClient(env);
    try {
      const result = await client.workflow.execute(migrationWorkflow, {
        taskQueue,
        workflowId: `migration-memory-${taskQueue}`,
        args: [
          {
            configName: 'memory',
            tables: [{ name: 'wide', schema_in: 'public', schema_out: 'big', depends_on: [] }],
            options: { mode: 'auto', deletes: 'delete', parallelism: 1, recreate: false },
          },
        ],
      });
      expect(result.tables).toEqual([expect.objectContaining({ table: 'wide', state: 'copied', rows: ROWS })]);
    } finally {
      const peak = await worker.stop();
      console.log(`worker peak RSS ${peak.toFixed(0)} MB (heap limit ${HEAP_LIMIT_MB} MB)`);
      await client.connection.close();
    }
    const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 1 });
    const copied = await target.query('select count(*)::int as n from big.wide');
    await target.end();
    expect(copied.rows[0].n).toBe(ROWS);
  });
});
