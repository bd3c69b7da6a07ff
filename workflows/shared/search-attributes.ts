// Custom search attributes, so runs can be filtered in the Web UI (e.g. `BusinessDate = "2026-11-26"`).
// No Node imports: workflows use this module.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PIPELINE = defineSearchAttributeKey('Pipeline', SearchAttributeType.KEYWORD);
export const PIPELINE_CONFIG = defineSearchAttributeKey('PipelineConfig', SearchAttributeType.KEYWORD);
/** The UTC calendar day a run is for: its schedule time, or the day asked for on the command line. */
export const BUSINESS_DATE = defineSearchAttributeKey('BusinessDate', SearchAttributeType.KEYWORD);

export const CUSTOM_SEARCH_ATTRIBUTES = [PIPELINE, PIPELINE_CONFIG, BUSINESS_DATE];

/** Set by the server on runs a schedule starts. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

export interface RunLabels {
  pipeline: string;
  config: string;
  businessDate: string;
}

export const labelPairs = (labels: RunLabels) => [
  { key: PIPELINE, value: labels.pipeline },
  { key: PIPELINE_CONFIG, value: labels.config },
  { key: BUSINESS_DATE, value: labels.businessDate },
];
