import { ApplicationFailure, defineQuery, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { DAILY_PIPELINE } from '../shared/names';
import { labelPairs, SCHEDULED_START_TIME } from '../shared/search-attributes';
import { DAILY_STEPS, dailyPipelineInputSchema, type DailyPipelineInput, type DailyPipelineResult } from './types';
import { STEP_RUNNERS } from './steps';

export const dailyPipelineProgressQuery = defineQuery<DailyPipelineResult>('dailyPipelineProgress');

/** The input's date, else the schedule's time (so backfills get their own day), else the start time. */
function businessDateOf(input: DailyPipelineInput): string {
  if (input.businessDate) return input.businessDate;
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(SCHEDULED_START_TIME);
  return (scheduled ?? info.startTime).toISOString().slice(0, 10);
}

function parseInput(raw: DailyPipelineInput): DailyPipelineInput {
  const parsed = dailyPipelineInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
  throw ApplicationFailure.nonRetryable(`invalid daily pipeline input: ${problems.join('; ')}`, 'ConfigError');
}

const rootCause = (error: unknown): string => {
  let current = error as { cause?: unknown; message?: string };
  while (current.cause) current = current.cause as typeof current;
  return current.message ?? String(error);
};

/**
 * The daily jobs as child workflows in their dependency order. Stops at the first failure, which fails
 * this run with every step's state; a rerun with `fromStep` (the CLI's `daily rerun`) or a reset in the
 * Web UI continues from the failed step.
 */
export async function dailyPipelineWorkflow(raw: DailyPipelineInput): Promise<DailyPipelineResult> {
  const input = parseInput(raw);
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
    const started = Date.now();
    Object.assign(status, { state: 'running', workflowId: `${workflowId}-${status.step}` });
    try {
      await STEP_RUNNERS[status.step]({ input, businessDate, workflowId: status.workflowId! });
      Object.assign(status, { state: 'done', elapsedMs: Date.now() - started });
    } catch (error) {
      Object.assign(status, { state: 'failed', elapsedMs: Date.now() - started, error: rootCause(error) });
      result.steps.filter((step) => step.state === 'pending').forEach((step) => (step.state = 'not_run'));
      result.status = 'failed';
      throw ApplicationFailure.nonRetryable(`step ${status.step} failed: ${status.error}`, 'DailyStepFailed', result);
    }
  }
  result.status = 'succeeded';
  return result;
}
