// MongoDB names of the golden record, shared by activities, workflows and the lineage command (no imports).

export const GOLDEN_RECORD_COLLECTION = 'CustomersGoldenRecord';
export const QUARANTINE_COLLECTION = 'CustomersGoldenRecord_quarantine';
/** One document per collection-wide fact; the consolidation's freshness lives under FRESHNESS_ID. */
export const GOLDEN_RECORD_META_COLLECTION = 'CustomersGoldenRecord_meta';
export const FRESHNESS_ID = 'freshness';
/** One small entry per customer: the hash of its source rows when last built (activities/golden-record/state.ts). */
export const STATE_COLLECTION = 'CustomersGoldenRecord_state';
/** In the meta collection: what the last complete run left in the state (entry count, builder version). */
export const STATE_META_ID = 'state';
