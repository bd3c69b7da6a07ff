// Reuse or retrain: the decision from the saved model's score on today's data. Pure: the workflow imports it.
import type { SavedModelScore, SilhouetteScore } from './types';

export interface ModelDecision {
  action: 'reuse' | 'retrain';
  reason: string;
}

export const describeScore = (score: SilhouetteScore): string =>
  `${score.score.toFixed(4)} (${score.method === 'exact' ? 'exact' : `sample of ${score.sampleSize}`} over ${score.customers} customers)`;

export function decideModel(threshold: number, saved: SavedModelScore | null, configHash: string): ModelDecision {
  if (!saved) return { action: 'retrain', reason: `no saved model for config ${configHash}` };
  const today = `model v${saved.version} scores ${describeScore(saved.today)} on today's data`;
  if (saved.today.score >= threshold)
    return { action: 'reuse', reason: `${today}, at least the threshold ${threshold}` };
  return {
    action: 'retrain',
    reason: `${today}, under the threshold ${threshold} (it scored ${saved.trainedSilhouette.toFixed(4)} when trained)`,
  };
}
