import path from 'node:path';
import { definePipeline } from '../../common/pipeline';
import { categorizeCommand, categorizeProgressLine } from '../../cli/commands/categorize';
import { categorizeWorkflows } from '../../workflows/categorize/pipeline';
import { DEFAULT_ASSIGN_BATCH_SIZE, type CategorizeInput } from '../../workflows/categorize/types';
import { CATEGORIZE_CONFIG, readCategorizeConfigFile } from './config-file';
import { categorizeActivities } from '.';

export const categorizePipeline = definePipeline({
  workflows: categorizeWorkflows,
  activities: categorizeActivities,
  command: categorizeCommand,
  config: { file: CATEGORIZE_CONFIG, read: readCategorizeConfigFile },
  progress: categorizeProgressLine,
  async dailyInput({ configFiles }): Promise<CategorizeInput> {
    const file = configFiles?.categorize ?? CATEGORIZE_CONFIG;
    const config = await readCategorizeConfigFile(file);
    return { configName: path.basename(file, path.extname(file)), config, batchSize: DEFAULT_ASSIGN_BATCH_SIZE };
  },
});
