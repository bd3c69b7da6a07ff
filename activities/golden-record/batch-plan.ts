import { documentHash } from './document-hash';
import { validateGoldenRecord, type GoldenRecord, type QuarantineReason } from './document';

/** What the collection holds for an _id of the batch's range (projection: hash and currency only). */
export interface StoredState {
  _id: number;
  data_hash?: string;
  is_current?: boolean;
}

export interface HashedRecord {
  record: GoldenRecord;
  hash: string;
}

export interface QuarantineEntry {
  _id: number;
  reasons: QuarantineReason[];
  document: Record<string, unknown>;
  data_hash: string;
}

export interface BatchPlan {
  /** Not in the collection yet. */
  inserts: HashedRecord[];
  /** In the collection with other data, or marked missing and back in the source. */
  updates: HashedRecord[];
  unchanged: number;
  /** Every invalid document of the batch; `quarantine` holds those whose entry must be (re)written. */
  quarantined: number;
  quarantine: QuarantineEntry[];
  /** Valid again, or gone from the source. */
  releaseFromQuarantine: number[];
  /** Current in the collection, inside the batch's range but no longer in the source. */
  missing: number[];
  /** Per candidate: valid or not, and the data_hash of its document (valid) or of its quarantine entry. */
  outcomes: Map<number, { valid: boolean; hash: string }>;
}

function emptyPlan(): BatchPlan {
  return {
    inserts: [],
    updates: [],
    unchanged: 0,
    quarantined: 0,
    quarantine: [],
    releaseFromQuarantine: [],
    missing: [],
    outcomes: new Map(),
  };
}

function planValid(plan: BatchPlan, record: GoldenRecord, stored: StoredState | undefined): void {
  const hashed = { record, hash: documentHash(record) };
  plan.outcomes.set(record._id, { valid: true, hash: hashed.hash });
  if (!stored) plan.inserts.push(hashed);
  else if (stored.data_hash === hashed.hash && stored.is_current !== false) plan.unchanged += 1;
  else plan.updates.push(hashed);
}

/**
 * Decides, for one batch of candidate documents (ascending _id) and what the collections hold for them
 * and for the rest of the batch's _id range, what to write. `inSource` are the range's customers still in
 * the source (by default the candidates: every customer of the range was built). Pure: equal inputs give
 * equal plans, so a retried batch does the same.
 */
export function planBatch(
  candidates: readonly (Record<string, unknown> & { _id: number })[],
  stored: readonly StoredState[],
  inQuarantine: readonly StoredState[],
  inSource: ReadonlySet<number> = new Set(candidates.map((candidate) => candidate._id)),
): BatchPlan {
  const plan = emptyPlan();
  const storedById = new Map(stored.map((state) => [state._id, state]));
  const quarantinedHash = new Map(inQuarantine.map((state) => [state._id, state.data_hash]));
  const inBatch = inSource;
  for (const candidate of candidates) {
    const validation = validateGoldenRecord(candidate);
    if (validation.valid) {
      planValid(plan, validation.record, storedById.get(candidate._id));
      if (quarantinedHash.has(candidate._id)) plan.releaseFromQuarantine.push(candidate._id);
      continue;
    }
    plan.quarantined += 1;
    const hash = documentHash(candidate);
    plan.outcomes.set(candidate._id, { valid: false, hash });
    if (quarantinedHash.get(candidate._id) !== hash) {
      plan.quarantine.push({ _id: candidate._id, reasons: validation.reasons, document: candidate, data_hash: hash });
    }
  }
  plan.missing = stored
    .filter((state) => !inBatch.has(state._id) && state.is_current !== false)
    .map((state) => state._id);
  plan.releaseFromQuarantine.push(...inQuarantine.filter((state) => !inBatch.has(state._id)).map((state) => state._id));
  return plan;
}
