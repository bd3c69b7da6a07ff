import { decideModel } from '../../../workflows/categorize/plan';

const today = (score: number) => ({ score, method: 'exact' as const, sampleSize: 599, customers: 599 });

describe('reuse or retrain', () => {
  test('no saved model: train', () => {
    expect(decideModel(0.5, null, 'abc')).toEqual({ action: 'retrain', reason: 'no saved model for config abc' });
  });
  test("reused while today's score reaches the threshold, retrained under it; the reason gives the scores", () => {
    const reuse = decideModel(0.5, { version: 3, trainedSilhouette: 0.77, today: today(0.5) }, 'abc');
    expect(reuse).toEqual({
      action: 'reuse',
      reason: "model v3 scores 0.5000 (exact over 599 customers) on today's data, at least the threshold 0.5",
    });
    const retrain = decideModel(0.5, { version: 3, trainedSilhouette: 0.77, today: today(0.49) }, 'abc');
    expect(retrain.action).toBe('retrain');
    expect(retrain.reason).toBe(
      "model v3 scores 0.4900 (exact over 599 customers) on today's data, under the threshold 0.5 (it scored 0.7700 when trained)",
    );
  });
});
