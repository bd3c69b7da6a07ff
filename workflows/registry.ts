// The pipelines' workflow halves, in one list. The daily pipeline runs the ones with a daily step in this
// order; the Node halves (activities, CLI, npm run dev) are listed by the same names in pipelines.ts.
import { categorizeWorkflows } from './categorize/pipeline';
import { dailyActivityWorkflows } from './daily-activity/pipeline';
import { geocodingWorkflows } from './geocoding/pipeline';
import { goldenRecordWorkflows } from './golden-record/pipeline';
import { healthCheckWorkflows } from './health-check/pipeline';
import { migrationWorkflows } from './migration/pipeline';

export const PIPELINE_WORKFLOWS = [
  healthCheckWorkflows,
  dailyActivityWorkflows,
  migrationWorkflows,
  geocodingWorkflows,
  goldenRecordWorkflows,
  categorizeWorkflows,
] as const;

export type RegisteredWorkflows = (typeof PIPELINE_WORKFLOWS)[number];
