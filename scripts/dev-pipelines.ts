import type { Client } from '@temporalio/client';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../migration/config-file';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../golden-record/views-config-file';
import { goldenRecordWorkflow, healthCheckWorkflow, migrationWorkflow } from '../workflows';

export interface DevPipeline {
  name: string;
  /** Runs the pipeline to its end and returns a one-line summary. */
  run(client: Client, ids: { taskQueue: string; workflowId: string }): Promise<string>;
}

/** What `npm run dev` runs once, in order; each pipeline issue adds its entry here. */
export const DEV_PIPELINES: DevPipeline[] = [
  {
    name: 'health-check',
    async run(client, { taskQueue, workflowId }) {
      const result = await client.workflow.execute(healthCheckWorkflow, {
        taskQueue,
        workflowId,
        args: [{ requestedBy: 'npm run dev' }],
      });
      const c = result.connections;
      return `source Postgres ${c.sourcePostgres}, target Postgres ${c.targetPostgres}, MongoDB ping ok=${c.mongoPing}`;
    },
  },
  {
    name: 'migration',
    async run(client, { taskQueue, workflowId }) {
      const tables = await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG);
      const result = await client.workflow.execute(migrationWorkflow, {
        taskQueue,
        workflowId,
        args: [{ configName: 'migration', tables, options: { mode: 'auto', deletes: 'delete', parallelism: 2, recreate: false } }],
      });
      const rows = result.tables.reduce((sum, table) => sum + table.rows, 0);
      const modes = [...new Set(result.tables.map((table) => table.mode))].join('/');
      return `${result.tables.length} tables (${modes}), ${rows} rows now in the target schema dvd_rental`;
    },
  },
  {
    name: 'golden-record',
    async run(client, { taskQueue, workflowId }) {
      const views = await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG);
      const { upsert } = await client.workflow.execute(goldenRecordWorkflow, {
        taskQueue,
        workflowId,
        args: [{ views, batchSize: 1000 }],
      });
      return `${views.length} views refreshed; CustomersGoldenRecord: ${upsert.inserted} inserted, ${upsert.updated} updated, ${upsert.unchanged} unchanged, ${upsert.quarantined} quarantined`;
    },
  },
];
