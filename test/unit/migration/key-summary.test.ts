// The target's recorded key summary: totals from ranges, keys added by an upsert, and when its ranges still fit.
import { fitsLayout, totalOf, withAdded, type KeySummary } from '../../../activities/migration/key-summary';

const layout = { lo: '100', width: '10' };

test('the whole side is the sum of the range counts and the XOR of their prints', () => {
  expect(totalOf(['2:5', '1:-3'])).toEqual({ count: 3, print: String(5n ^ -3n) });
  expect(totalOf([])).toEqual({ count: 0, print: '' });
});

test('keys added go into their range, and into the totals', () => {
  const summary: KeySummary = {
    count: 3,
    print: String(5n ^ 6n),
    byRange: { ...layout, prints: { '0': '2:5', '3': '1:6' } },
  };

  const after = withAdded(
    summary,
    new Map([
      ['3', '1:9'],
      ['7', '2:-4'],
    ]),
  );

  expect(after.byRange!.prints).toEqual({ '0': '2:5', '3': `2:${6n ^ 9n}`, '7': '2:-4' });
  expect(after).toMatchObject({ count: 6, print: String(5n ^ 6n ^ 9n ^ -4n) });
  expect(totalOf(Object.values(after.byRange!.prints))).toEqual({ count: after.count, print: after.print });
  expect(summary.byRange!.prints['3']).toBe('1:6'); // the recorded summary is left as it was
});

test('a summary without ranges adds to its totals only; nothing added changes nothing', () => {
  expect(withAdded({ count: 1, print: '7' }, new Map([['', '2:1']]))).toEqual({ count: 3, print: String(7n ^ 1n) });
  expect(withAdded({ count: 0, print: '' }, new Map())).toEqual({ count: 0, print: '' });
});

test('the source fits the recorded ranges unless a key lies below them or past 2048 ranges', () => {
  const recorded = { ...layout, prints: {} };
  expect(fitsLayout(recorded, '100', '20570')).toBe(true);
  expect(fitsLayout(recorded, null, null)).toBe(true); // an empty source
  expect(fitsLayout(recorded, '99', '200')).toBe(false); // (99 - 100) / 10 would be range 0, not -1
  expect(fitsLayout(recorded, '100', '20580')).toBe(false);
});
