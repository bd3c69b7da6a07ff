// Every pipeline of the service, registered by its definition: the worker's workflows and activities, the
// CLI's commands, the daily pipeline's steps and what `npm run dev` runs are all derived from this list.
// Adding a pipeline: its folders (see README, "Adding a pipeline"), then one line here and one in workflows/registry.ts.
import { buildDailyPipelineInput, type DailyRunOptions } from './activities/daily/inputs';
import { categorizePipeline } from './activities/categorize/pipeline';
import { dailyPipeline } from './activities/daily/pipeline';
import { dailyActivityPipeline } from './activities/daily-activity/pipeline';
import { geocodingPipeline } from './activities/geocoding/pipeline';
import { goldenRecordPipeline } from './activities/golden-record/pipeline';
import { healthCheckPipeline } from './activities/health-check/pipeline';
import { migrationPipeline } from './activities/migration/pipeline';

export const PIPELINES = [
  healthCheckPipeline,
  dailyActivityPipeline,
  migrationPipeline,
  geocodingPipeline,
  goldenRecordPipeline,
  categorizePipeline,
  dailyPipeline,
] as const;

/** The daily pipeline's input from the registered steps' config files. */
export const dailyPipelineInput = (options: DailyRunOptions = {}) => buildDailyPipelineInput(PIPELINES, options);
