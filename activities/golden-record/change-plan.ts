// Which customers of a batch must be built: decided from the source hashes (computed in the database) and
// the compact state, before any document leaves Postgres. Pure.
import type { StoredState } from './batch-plan';
import type { StateEntry } from './state';
import type { SourceHash } from './view-cursor';

export interface ChangePlan {
  /** Customers to build, validate and write: new, changed, or back in the source. */
  build: number[];
  /** Same hash as when last built, and valid then (nothing to do). */
  unchanged: number;
  /** Same hash as when last built, and in quarantine then (still invalid, nothing to do). */
  stillQuarantined: number;
  /** State entries of the batch's range whose customer is no longer in the source (not already marked). */
  gone: StateEntry[];
  /** Every source customer of the range. */
  inSource: Set<number>;
  /** The state entries of `build` and `gone`, by _id. */
  entries: Map<number, StateEntry>;
}

export function planChanges(hashes: readonly SourceHash[], entries: readonly StateEntry[]): ChangePlan {
  const byId = new Map(entries.map((entry) => [entry._id, entry]));
  const plan: ChangePlan = {
    build: [],
    unchanged: 0,
    stillQuarantined: 0,
    gone: [],
    inSource: new Set(hashes.map((row) => row.customer_id)),
    entries: new Map(),
  };
  for (const { customer_id: id, source_hash: hash } of hashes) {
    const entry = byId.get(id);
    if (entry?.h === hash) {
      if (entry.q === undefined) plan.unchanged += 1;
      else plan.stillQuarantined += 1;
      continue;
    }
    plan.build.push(id);
    if (entry) plan.entries.set(id, entry);
  }
  for (const entry of entries) {
    if (plan.inSource.has(entry._id) || entry.h === null) continue;
    plan.gone.push(entry);
    plan.entries.set(entry._id, entry);
  }
  return plan;
}

/** What the collections hold for the entries, as planBatch takes it. */
export function storedFromEntries(entries: Iterable<StateEntry>): {
  stored: StoredState[];
  inQuarantine: StoredState[];
} {
  const stored: StoredState[] = [];
  const inQuarantine: StoredState[] = [];
  for (const entry of entries) {
    if (entry.d !== null) stored.push({ _id: entry._id, data_hash: entry.d, is_current: entry.h !== null });
    if (entry.q !== undefined) inQuarantine.push({ _id: entry._id, data_hash: entry.q });
  }
  return { stored, inQuarantine };
}
