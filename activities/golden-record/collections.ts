// MongoDB names of the golden record, shared by activities, workflows and the lineage command (no imports).

export const GOLDEN_RECORD_COLLECTION = 'CustomersGoldenRecord';
export const QUARANTINE_COLLECTION = 'CustomersGoldenRecord_quarantine';
/** One document per collection-wide fact; the consolidation's freshness lives under FRESHNESS_ID. */
export const GOLDEN_RECORD_META_COLLECTION = 'CustomersGoldenRecord_meta';
export const FRESHNESS_ID = 'freshness';
/** In the meta collection: the token that ties this store to its compact state (activities/golden-record/state.ts). */
export const STATE_META_ID = 'state';
