import type { GoldenCollections } from './batch-writer';

/**
 * After a full pass over a collection that was not empty: whatever the pass did not write belongs to a
 * customer no longer in the source. Quarantine entries it did not see are dropped (valid again or gone);
 * current documents it did not write, other than those of customers still in quarantine, are marked
 * missing. One filtered scan of each collection: a full pass reads everything anyway.
 */
export async function finishFullPass(
  { records, quarantine }: GoldenCollections,
  at: Date,
  intoEmpty: boolean,
): Promise<number> {
  await quarantine.deleteMany({ last_seen: { $ne: at } });
  if (intoEmpty) return 0;
  const quarantined = (await quarantine.find({}, { projection: { _id: 1 } }).toArray()).map(({ _id }) => _id);
  const marked = await records.updateMany(
    { is_current: { $ne: false }, last_consolidation_date: { $ne: at }, _id: { $nin: quarantined } },
    { $set: { is_current: false, missing_since: at } },
  );
  return marked.modifiedCount;
}
