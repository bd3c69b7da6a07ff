import { Context } from '@temporalio/activity';
import type { CategorizeConfig } from '../../workflows/categorize/config';
import { DEFAULT_ASSIGN_BATCH_SIZE, type AssignSummary } from '../../workflows/categorize/types';
import { withKeepAlive } from '../../common/heartbeat';
import type { ActivityDeps } from '../deps';
import { assignCategories, type AssignProgress } from './assign';
import { evaluateSavedModel, trainModel, type TrainOptions } from './fit';
import { ensureRegistry, modelByVersion } from './registry';

export function categorizeActivities({ targetPg, mongo }: ActivityDeps) {
  const stores = () => ({ target: targetPg, mongo, signal: Context.current().cancellationSignal });
  return {
    /** Creates the model registry (schema categorize, table model) when missing; idempotent. */
    categorizeEnsureRegistry() {
      return ensureRegistry(targetPg);
    },

    /** The newest saved model of this config scored on today's golden records (reads only). */
    categorizeEvaluate({ config }: { config: CategorizeConfig }) {
      return evaluateSavedModel(stores(), config);
    },

    /** Fits, scores and saves a model (once per run); throws NoModelReachesThreshold below the threshold. */
    categorizeTrain(options: TrainOptions) {
      return trainModel(stores(), options);
    },

    /**
     * Writes each customer's category and the model version where either changed. Heartbeats the last
     * customer done (with the counts); a retried attempt resumes after it.
     */
    async categorizeAssign({ version, batchSize }: { version: number; batchSize?: number }) {
      const context = Context.current();
      return withKeepAlive<AssignProgress, AssignSummary>(async (beat) =>
        assignCategories({
          mongo,
          model: await modelByVersion(targetPg, version),
          batchSize: batchSize ?? DEFAULT_ASSIGN_BATCH_SIZE,
          resumeFrom: context.info.heartbeatDetails as AssignProgress | undefined,
          onBatch: beat,
          signal: context.cancellationSignal,
        }),
      );
    },
  };
}

export type CategorizeActivities = ReturnType<typeof categorizeActivities>;
