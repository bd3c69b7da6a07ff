import { ApplicationFailure, defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CategorizeActivities } from '../../activities/categorize';
import { directCause } from '../shared/failures';
import { parseInput } from '../shared/parse-input';
import { heartbeatingActivity } from '../shared/heartbeat';
import { connectionRetry } from '../shared/retry';
import { CATEGORIZE_NON_RETRYABLE, NoModelReachesThreshold } from './errors';
import { decideModel, describeScore } from './plan';
import {
  categorizeInputSchema,
  DEFAULT_ASSIGN_BATCH_SIZE,
  type CategorizeInput,
  type CategorizeResult,
  type CategorizeStatus,
  type EvaluateResult,
} from './types';

export const categorizeStatusQuery = defineQuery<CategorizeStatus>('categorizeStatus');

const retry = connectionRetry(CATEGORIZE_NON_RETRYABLE);
const { categorizeEnsureRegistry, categorizeEvaluate, categorizeTrain } = proxyActivities<CategorizeActivities>({
  startToCloseTimeout: '30 minutes',
  retry,
});
const { categorizeAssign } = proxyActivities<CategorizeActivities>(
  heartbeatingActivity({ startToCloseTimeout: '6 hours', retry }),
);

/** The threshold failure, with the saved model's score too: nothing has been written to the golden records. */
function noModelFailure(error: unknown, evaluation: EvaluateResult): never {
  const cause = directCause(error);
  if (cause.type !== NoModelReachesThreshold.name) throw error;
  const saved = evaluation.saved
    ? `; saved model v${evaluation.saved.version} scores ${describeScore(evaluation.saved.today)}`
    : '';
  throw ApplicationFailure.nonRetryable(
    `${cause.message}${saved}; the golden records' categories were left as they were`,
    NoModelReachesThreshold.name,
  );
}

/**
 * Segments the customers of the golden record: the saved model is reused while it still scores at least the
 * threshold on today's data, else a new one is trained (and saved); then every current customer's category
 * and the model version are written where they changed.
 */
export async function categorizeWorkflow(raw: CategorizeInput): Promise<CategorizeResult> {
  const input = parseInput(categorizeInputSchema, raw, 'categorize');
  const status: CategorizeStatus = { stage: 'evaluating' };
  setHandler(categorizeStatusQuery, () => status);
  const { config } = input;

  await categorizeEnsureRegistry();
  const evaluation = await categorizeEvaluate({ config });
  const decision = decideModel(config.threshold, evaluation.saved, evaluation.configHash);
  status.reason = decision.reason;
  let model: CategorizeResult['model'];
  if (decision.action === 'reuse' && evaluation.saved) {
    model = { version: evaluation.saved.version, silhouette: evaluation.saved.today };
  } else {
    status.stage = 'training';
    const { workflowId, runId } = workflowInfo();
    const trained = await categorizeTrain({
      configName: input.configName,
      config,
      runKey: `${workflowId}/${runId}`,
      reason: decision.reason,
    }).catch((error: unknown) => noModelFailure(error, evaluation));
    model = { version: trained.version, silhouette: trained.silhouette };
  }
  Object.assign(status, { stage: 'assigning', version: model.version });
  const assignment = await categorizeAssign({
    version: model.version,
    batchSize: input.batchSize ?? DEFAULT_ASSIGN_BATCH_SIZE,
  });
  status.stage = 'done';
  return {
    configHash: evaluation.configHash,
    decision: decision.action === 'reuse' ? 'reused' : 'trained',
    reason: decision.reason,
    model,
    assignment,
  };
}
