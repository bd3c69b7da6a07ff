import { definePipeline } from '../../common/pipeline';
import { goldenCommand, goldenRecordProgressLine } from '../../cli/commands/golden-record';
import { goldenRecordWorkflows } from '../../workflows/golden-record/pipeline';
import { DEFAULT_UPSERT_BATCH_SIZE, type GoldenRecordInput } from '../../workflows/golden-record/types';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from './views-config-file';
import { goldenRecordActivities } from '.';

export const goldenRecordPipeline = definePipeline({
  workflows: goldenRecordWorkflows,
  activities: goldenRecordActivities,
  command: goldenCommand,
  config: { file: GOLDEN_RECORD_VIEWS_CONFIG, read: readViewsConfigFile },
  progress: goldenRecordProgressLine,
  async dailyInput({ configFiles }): Promise<GoldenRecordInput> {
    const views = await readViewsConfigFile(configFiles?.['golden-record'] ?? GOLDEN_RECORD_VIEWS_CONFIG);
    return { views, batchSize: DEFAULT_UPSERT_BATCH_SIZE };
  },
});
