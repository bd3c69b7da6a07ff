import path from 'node:path';
import { definePipeline } from '../../common/pipeline';
import { migrateCommand, migrationProgressLine } from '../../cli/commands/migration';
import { migrationWorkflows } from '../../workflows/migration/pipeline';
import { DEFAULT_MIGRATION_OPTIONS, type MigrationInput } from '../../workflows/migration/types';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from './config-file';
import { migrationActivities } from '.';

export const migrationPipeline = definePipeline({
  workflows: migrationWorkflows,
  activities: migrationActivities,
  command: migrateCommand,
  config: { file: DVD_RENTAL_MIGRATION_CONFIG, read: readMigrationConfigFile },
  progress: migrationProgressLine,
  /** The whole config, synced (`auto`: a full copy into an empty table). */
  async dailyInput({ configFiles }): Promise<MigrationInput> {
    const file = configFiles?.migration ?? DVD_RENTAL_MIGRATION_CONFIG;
    const tables = await readMigrationConfigFile(file);
    return { configName: path.basename(file, path.extname(file)), tables, options: { ...DEFAULT_MIGRATION_OPTIONS } };
  },
});
