// `npm run migration:cdc-drop -- --config migration`: ends CDC for a config and the target of TARGET_DATABASE_URL
// (README "CDC"): a slot left behind keeps the source's write-ahead log forever.
import { Command } from 'commander';
import { loadEnv } from '../../common/env';
import { openPool } from '../../common/resources';
import { dropCdc } from './cdc-capture';

const program = new Command('migration:cdc-drop')
  .description("Drop a config's CDC slot and publication on the source, and its change log in the target")
  .requiredOption('--config <name>', 'the config name the runs used (its file name without .json)')
  .action(async (options: { config: string }) => {
    const env = loadEnv();
    const source = openPool('source', env.SOURCE_DATABASE_URL);
    const target = openPool('target', env.TARGET_DATABASE_URL);
    try {
      const result = await dropCdc({ source, target, configName: options.config });
      console.log(
        `${result.slot}: slot ${result.slotDropped ? 'dropped' : 'not found'}, publication dropped; ` +
          `${result.tables.length ? result.tables.join(', ') : 'no table'} will be compared in full on the next run`,
      );
    } finally {
      await Promise.all([source.end(), target.end()]);
    }
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
