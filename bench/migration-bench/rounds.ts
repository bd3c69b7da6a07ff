// The full-copy contenders run in rounds, one of each per round, interleaved: a slow spell of the machine
// (same code, 54 s to 71 s in one session) then slows one round of every contender instead of deciding a
// ratio, and each contender's median round is what the goals compare.
import type { Measurement } from './support';

/** The index of the median of `values` (the lower middle for an even count). */
export function medianIndex(values: readonly number[]): number {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  return order[(order.length - 1) >> 1]!.index;
}

/**
 * Per contender (same position in every round): its median round, the note saying every round's time.
 * The statements are that round's, so the diagnostics describe the time the goals use.
 */
export function medianMeasurements(rounds: readonly Measurement[][]): Measurement[] {
  if (rounds.length === 1) return rounds[0]!;
  return rounds[0]!.map((first, position) => {
    const runs = rounds.map((round) => round[position]!);
    if (runs.some((run) => run.contender !== first.contender)) throw new Error('rounds ran different contenders');
    const median = runs[medianIndex(runs.map((run) => run.seconds))]!;
    const times = runs.map((run) => run.seconds.toFixed(1)).join(', ');
    return { ...median, note: `${median.note}; median of ${runs.length} rounds (${times} s)` };
  });
}
