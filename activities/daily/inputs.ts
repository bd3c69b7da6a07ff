import path from 'node:path';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../golden-record/views-config-file';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../migration/config-file';
import { DEFAULT_UPSERT_BATCH_SIZE } from '../../workflows/golden-record/types';
import { DEFAULT_MIGRATION_OPTIONS, type MigrationOptions } from '../../workflows/migration/types';
import { dailyPipelineInputSchema, type DailyPipelineInput, type DailyStep } from '../../workflows/daily/types';

export interface DailyInputOptions {
  configName?: string;
  migrationConfig?: string;
  viewsConfig?: string;
  businessDate?: string;
  fromStep?: DailyStep;
  migrationOptions?: Partial<MigrationOptions>;
}

/** The daily pipeline's input from the config files (validated: a bad file is an error naming it). */
export async function dailyPipelineInput(options: DailyInputOptions = {}): Promise<DailyPipelineInput> {
  const migrationConfig = options.migrationConfig ?? DVD_RENTAL_MIGRATION_CONFIG;
  const tables = await readMigrationConfigFile(migrationConfig);
  const views = await readViewsConfigFile(options.viewsConfig ?? GOLDEN_RECORD_VIEWS_CONFIG);
  return dailyPipelineInputSchema.parse({
    configName: options.configName ?? 'dvd_rental',
    businessDate: options.businessDate,
    fromStep: options.fromStep,
    migration: {
      configName: path.basename(migrationConfig, path.extname(migrationConfig)),
      tables,
      options: { ...DEFAULT_MIGRATION_OPTIONS, ...options.migrationOptions },
    },
    goldenRecord: { views, batchSize: DEFAULT_UPSERT_BATCH_SIZE },
  });
}
