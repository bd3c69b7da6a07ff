import { planChanges, storedFromEntries } from '../../../activities/golden-record/change-plan';
import type { StateEntry } from '../../../activities/golden-record/state';

const AT = new Date('2026-04-01T06:00:00Z');
const entry = (id: number, h: string | null, extra: Partial<StateEntry> = {}): StateEntry => ({
  _id: id,
  h,
  d: `doc${id}`,
  at: AT,
  ...extra,
});
const hashes = (...pairs: [number, string][]) =>
  pairs.map(([customer_id, source_hash]) => ({ customer_id, source_hash }));

describe('planChanges: which customers of a batch are built', () => {
  test('same hash: unchanged (or still quarantined); other hash, no entry or back from missing: built', () => {
    const plan = planChanges(hashes([1, 'a'], [2, 'b'], [3, 'c'], [4, 'd'], [5, 'e']), [
      entry(1, 'a'),
      entry(2, 'old'),
      entry(4, 'd', { q: 'quarantined' }),
      entry(5, null),
    ]);
    expect(plan.build).toEqual([2, 3, 5]);
    expect(plan.unchanged).toBe(1);
    expect(plan.stillQuarantined).toBe(1);
    expect(plan.gone).toEqual([]);
    expect([...plan.entries.keys()]).toEqual([2, 5]);
  });

  test('entries with no source row are gone, unless already marked missing', () => {
    const plan = planChanges(hashes([2, 'b']), [entry(1, 'a'), entry(2, 'b'), entry(3, null)]);
    expect(plan.gone.map((gone) => gone._id)).toEqual([1]);
    expect(plan.build).toEqual([]);
    expect(plan.inSource).toEqual(new Set([2]));
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
