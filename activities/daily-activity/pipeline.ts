import { definePipeline } from '../../common/pipeline';
import { activityCommand, dailyActivityProgressLine } from '../../cli/commands/daily-activity';
import { dailyActivityWorkflows } from '../../workflows/daily-activity/pipeline';
import type { DailyActivityInput } from '../../workflows/daily-activity/types';
import { DAILY_ACTIVITY_CONFIG, readDailyActivityConfigFile } from './config-file';
import { dailyActivityActivities } from '.';

export const dailyActivityPipeline = definePipeline({
  workflows: dailyActivityWorkflows,
  activities: dailyActivityActivities,
  command: activityCommand,
  config: { file: DAILY_ACTIVITY_CONFIG, read: readDailyActivityConfigFile },
  progress: dailyActivityProgressLine,
  // the daily pipeline adds its business date
  async dailyInput({ configFiles }): Promise<DailyActivityInput> {
    return readDailyActivityConfigFile(configFiles?.['daily-activity'] ?? DAILY_ACTIVITY_CONFIG);
  },
});
