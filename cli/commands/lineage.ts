// `lineage [--json] [--views F] [--migration F]`: the golden record's lineage graph as Mermaid (or JSON),
// each asset with its last copy, refresh or consolidation time.
import { Command } from 'commander';
import { z } from 'zod';
import { loadEnv } from '../../common/env';
import { openResources } from '../../common/resources';
import { buildLineage, toMermaid, type LineageGraph } from '../../activities/golden-record/lineage';
import { readAssetTimes } from '../../activities/golden-record/lineage-reader';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../activities/golden-record/views-config-file';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../activities/migration/config-file';

const optionsSchema = z.strictObject({
  json: z.boolean().default(false),
  views: z.string().min(1),
  migration: z.string().min(1),
});

export type LineageOptions = z.infer<typeof optionsSchema>;

/** The graph from the config files and the times the servers hold now. */
export async function currentLineage(options: Pick<LineageOptions, 'views' | 'migration'>): Promise<LineageGraph> {
  const views = await readViewsConfigFile(options.views);
  const migration = await readMigrationConfigFile(options.migration);
  const resources = await openResources(loadEnv());
  try {
    const times = await readAssetTimes({ target: resources.targetPg, mongo: resources.mongo, views, migration });
    return buildLineage(views, times);
  } finally {
    await resources.close();
  }
}

/** `globals` are the CLI's own options: its `--json` is given before or after the subcommand. */
export function lineageCommand(globals: () => { json?: boolean } = () => ({})): Command {
  return new Command('lineage')
    .description(
      "print the golden record lineage (source tables -> views -> collection) with each asset's last update, as Mermaid",
    )
    .option('--json', 'print {nodes, edges} as JSON instead of Mermaid')
    .option('--views <file>', 'views config', GOLDEN_RECORD_VIEWS_CONFIG)
    .option('--migration <file>', 'migration config (maps the migration ledger to tables)', DVD_RENTAL_MIGRATION_CONFIG)
    .action(async (raw: unknown) => {
      const options = optionsSchema.parse({
        ...(raw as object),
        json: Boolean((raw as { json?: boolean }).json || globals().json),
      });
      const graph = await currentLineage(options);
      process.stdout.write(options.json ? `${JSON.stringify(graph, null, 2)}\n` : toMermaid(graph));
    });
}
