import { planChanges, storedFromEntries } from '../../../activities/golden-record/change-plan';
import type { StateEntry } from '../../../activities/golden-record/state';
import type { ChangedCustomer } from '../../../activities/golden-record/view-cursor';

const AT = new Date('2026-04-01T06:00:00Z');
const entry = (id: number, h: string | null, extra: Partial<StateEntry> = {}): StateEntry => ({
  _id: id,
  h,
  d: `doc${id}`,
  at: AT,
  ...extra,
});
/** A row of changedCustomersQuery: its source hash (null: gone) and its state entry, if any. */
const row = (id: number, sourceHash: string | null, state?: { h: string | null; q?: string }): ChangedCustomer => ({
  customer_id: id,
  source_hash: sourceHash,
  known: state !== undefined,
  h: state?.h ?? null,
  d: state ? `doc${id}` : null,
  q: state?.q ?? null,
});

describe('planChanges: what the changed customers the database returned mean for the batch', () => {
  test('new, changed and back from missing: built, with their entries for the planner', () => {
    const plan = planChanges([row(2, 'b', { h: 'old' }), row(3, 'c'), row(5, 'e', { h: null })], AT);
    expect(plan.build).toEqual([2, 3, 5]);
    expect(plan.sourceHash.get(3)).toBe('c');
    expect(plan.gone).toEqual([]);
    expect([...plan.entries.keys()]).toEqual([2, 5]);
    expect(plan.entries.get(2)).toEqual(entry(2, 'old'));
    expect(plan.inSource).toEqual(new Set([2, 3, 5]));
  });

  test('no source row: gone; a changed customer that was quarantined is counted as leaving its entry', () => {
    const plan = planChanges([row(1, null, { h: 'a' }), row(4, 'd2', { h: 'd', q: 'q4' })], AT);
    expect(plan.gone.map((gone) => gone._id)).toEqual([1]);
    expect(plan.build).toEqual([4]);
    expect(plan.inSource).toEqual(new Set([4]));
    expect(plan.leftQuarantineEntries).toBe(1);
    expect(plan.entries.get(4)).toEqual(entry(4, 'd', { q: 'q4' }));
  });

  test('the entries tell planBatch what the collections hold', () => {
    const { stored, inQuarantine } = storedFromEntries([
      entry(1, 'a'),
      entry(2, null),
      entry(3, 'c', { d: null, q: 'q3' }),
    ]);
    expect(stored).toEqual([
      { _id: 1, data_hash: 'doc1', is_current: true },
      { _id: 2, data_hash: 'doc2', is_current: false },
    ]);
    expect(inQuarantine).toEqual([{ _id: 3, data_hash: 'q3' }]);
  });
});
