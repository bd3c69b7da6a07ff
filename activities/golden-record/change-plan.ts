// Which customers of a batch must be built: the changed customers the database returned (their source
// hash differs from their state entry), as the batch planner takes them. Pure.
import type { StoredState } from './batch-plan';
import type { StateEntry } from './state';
import type { ChangedCustomer } from './view-cursor';

export interface ChangePlan {
  /** Customers to build, validate and write: new, changed, or back in the source. */
  build: number[];
  /** Their source hashes. */
  sourceHash: Map<number, string>;
  /** Built customers whose entry had a quarantine hash (not among the still quarantined). */
  leftQuarantineEntries: number;
  /** State entries of customers no longer in the source (not already marked). */
  gone: StateEntry[];
  /** Every source customer of the batch (the built ones). */
  inSource: Set<number>;
  /** The state entries of `build` and `gone`, by _id. */
  entries: Map<number, StateEntry>;
}

const entryOf = (row: ChangedCustomer, at: Date): StateEntry => ({
  _id: row.customer_id,
  h: row.h,
  d: row.d,
  ...(row.q === null ? {} : { q: row.q }),
  at,
});

/** `at`: not read from the state (the planner does not use it). */
export function planChanges(rows: readonly ChangedCustomer[], at = new Date(0)): ChangePlan {
  const plan: ChangePlan = {
    build: [],
    sourceHash: new Map(),
    leftQuarantineEntries: 0,
    gone: [],
    inSource: new Set(),
    entries: new Map(),
  };
  for (const row of rows) {
    const entry = row.known ? entryOf(row, at) : undefined;
    if (entry) plan.entries.set(row.customer_id, entry);
    if (row.source_hash === null) {
      if (entry) plan.gone.push(entry);
      continue;
    }
    plan.build.push(row.customer_id);
    plan.sourceHash.set(row.customer_id, row.source_hash);
    plan.inSource.add(row.customer_id);
    if (entry?.q !== undefined && entry.h !== null) plan.leftQuarantineEntries += 1;
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
