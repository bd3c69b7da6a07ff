/**
 * Where an upsert's time goes, for the benchmark: seconds per phase, summed over the run.
 * - check: the state's self-check and the choice of pass;
 * - select: the changes cursor (per customer hash, compared with the state, in SQL);
 * - fetch: the changed customers' view rows; build: their documents built, validated and hashed;
 * - write: the documents written to the store; state: the state entries written to Postgres;
 * - finish: the end of the run (a full pass's final sweep, the state's meta row, the freshness).
 */
export type UpsertPhase = 'check' | 'select' | 'fetch' | 'build' | 'write' | 'state' | 'finish';
export type PhaseSeconds = Partial<Record<UpsertPhase, number>>;

/** Runs fn, adding its time to `phases[phase]` (when phases is given). */
export async function inPhase<T>(
  phases: PhaseSeconds | undefined,
  phase: UpsertPhase,
  fn: () => T | Promise<T>,
): Promise<T> {
  if (phases === undefined) return fn();
  const started = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    phases[phase] = (phases[phase] ?? 0) + Number(process.hrtime.bigint() - started) / 1e9;
  }
}
