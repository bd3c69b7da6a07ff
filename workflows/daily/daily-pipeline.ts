import {
  ApplicationFailure,
  defineQuery,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FAILURE, rootCause } from '../shared/failures';
import { DAILY_PIPELINE } from '../shared/names';
import { parseInput } from '../shared/parse-input';
import { labelPairs, SCHEDULED_START_TIME } from '../shared/search-attributes';
import { runStep, whyNotRun } from './steps';
import {
  DAILY_STEPS,
  dailyPipelineInputSchema,
  type DailyPipelineInput,
  type DailyPipelineResult,
  type StepStatus,
} from './types';

export const dailyPipelineProgressQuery = defineQuery<DailyPipelineResult>('dailyPipelineProgress');

/** The input's date, else the schedule's time (so backfills get their own day), else the start time. */
function businessDateOf(input: DailyPipelineInput): string {
  if (input.businessDate) return input.businessDate;
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(SCHEDULED_START_TIME);
  return (scheduled ?? info.startTime).toISOString().slice(0, 10);
}

function childOf(status: StepStatus, configName: string, businessDate: string) {
  return {
    workflowId: status.workflowId!,
    memo: { startedBy: DAILY_PIPELINE, businessDate },
    typedSearchAttributes: labelPairs({ pipeline: status.step, config: configName, businessDate }),
  };
}

/**
 * The daily jobs as child workflows in their dependency order. Stops at the first failure, which fails
 * this run with every step's state; a rerun with `fromStep` (the CLI's `daily rerun`) or a reset in the
 * Web UI continues from the failed step.
 */
export async function dailyPipelineWorkflow(raw: DailyPipelineInput): Promise<DailyPipelineResult> {
  const input = parseInput(dailyPipelineInputSchema, raw, 'daily pipeline');
  const businessDate = businessDateOf(input);
  const { workflowId } = workflowInfo();
  upsertSearchAttributes(labelPairs({ pipeline: DAILY_PIPELINE, config: input.configName, businessDate }));

  const first = input.fromStep ? DAILY_STEPS.indexOf(input.fromStep) : 0;
  const result: DailyPipelineResult = {
    businessDate,
    status: 'running',
    steps: DAILY_STEPS.map((step, index) => ({ step, state: index < first ? 'skipped' : 'pending' })),
  };
  setHandler(dailyPipelineProgressQuery, () => result);

  for (const status of result.steps.slice(first)) {
    const reason = whyNotRun(status.step, input);
    if (reason) {
      Object.assign(status, { state: 'skipped', note: reason });
      continue;
    }
    const started = Date.now();
    Object.assign(status, { state: 'running', workflowId: `${workflowId}-${status.step}` });
    try {
      await runStep(status.step, input, { businessDate, child: childOf(status, input.configName, businessDate) });
      Object.assign(status, { state: 'done', elapsedMs: Date.now() - started });
    } catch (error) {
      Object.assign(status, { state: 'failed', elapsedMs: Date.now() - started, error: rootCause(error).message });
      result.steps.filter((step) => step.state === 'pending').forEach((step) => (step.state = 'not_run'));
      result.status = 'failed';
      throw ApplicationFailure.nonRetryable(
        `step ${status.step} failed: ${status.error}`,
        FAILURE.dailyStepFailed,
        result,
      );
    }
  }
  result.status = 'succeeded';
  return result;
}
