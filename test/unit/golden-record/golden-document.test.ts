import { GOLDEN_RECORD_TYPES } from '../../../activities/golden-record/golden-record-query';
import { planBatch, type StoredState } from '../../../activities/golden-record/batch-plan';
import {
  buildGoldenRecord,
  buildSources,
  utcDate,
  viewPath,
  type ViewRow,
} from '../../../activities/golden-record/build-document';
import { validateGoldenRecord, type GoldenRecord } from '../../../activities/golden-record/document';
import { documentHash } from '../../../activities/golden-record/document-hash';

const TARGET_URL = 'postgres://etl:s3cret@db.example:6543/ware%20house?sslmode=require';
const REFRESHED = new Date('2026-01-02T03:04:05.678Z');
const sources = buildSources(TARGET_URL, {
  customers_mv: REFRESHED,
  customer_aggr_mv: REFRESHED,
  last_rentals_mv: REFRESHED,
});
const run = { consolidationDate: new Date('2026-01-02T04:00:00Z'), sources };

function viewRow(overrides: Partial<ViewRow> = {}): ViewRow {
  return {
    customer_id: 7,
    first_name: 'Maria',
    last_name: 'Miller',
    is_active: true,
    address: '900 Santiago de Compostela Parkway',
    district: 'Central Serbia',
    city: 'Kragujevac',
    longitude: 20.9167,
    latitude: 44.0167,
    country: 'Yugoslavia',
    full_address: '900 Santiago de Compostela Parkway, Kragujevac, Yugoslavia (Central Serbia)',
    phone: '716571220373',
    email: 'maria.miller@sakilacustomer.org',
    postal_code: '93896',
    assistant_name: 'Mike',
    assistant_last_name: 'Hillyer',
    assistant_email: 'Mike.Hillyer@sakilastaff.com',
    has_aggregates: true,
    overdue_score: 40,
    most_recent_store: '47 MySakila Drive, Lethbridge, Canada (Alberta)',
    last_rental_film: 'Bride Intrigue',
    last_rental_date: new Date('2005-08-23T10:00:00Z'),
    lifetime_value: 12.97,
    total_rental_count: 3,
    average_rental_duration: 4.33,
    average_rental_payment: 4.32,
    average_film_duration: 100.5,
    last_year_rental_count: 0,
    last_year_payments_sum: 0,
    last_payment: 0.99,
    most_recent_category: 'Drama',
    second_most_recent_category: 'Comedy',
    third_most_recent_category: null,
    most_recent_film_title: 'Bride Intrigue',
    most_recent_film_actor: 'Penelope Guiness',
    most_recent_film_year: '2006',
    last_ten_rentals: [
      {
        _id: 16000,
        title: 'Bride Intrigue',
        category: 'Drama',
        amount: 0.99,
        rental_date: '2005-08-23T10:00:00',
        return_date: null,
        rental_duration: 7000,
        is_completed: false,
        is_overdue: true,
        store: 'S1',
      },
      {
        _id: 15000,
        title: 'Airport Pollock',
        category: 'Comedy',
        amount: '5.99',
        rental_date: '2005-08-22T09:30:15.5',
        return_date: '2005-08-25T09:30:15',
        rental_duration: 3,
        is_completed: true,
        is_overdue: false,
        store: 'S2',
      },
    ],
    ...overrides,
  };
}

const validRecord = (overrides: Partial<ViewRow> = {}): GoldenRecord => {
  const validation = validateGoldenRecord(buildGoldenRecord(viewRow(overrides), run));
  if (!validation.valid) throw new Error(JSON.stringify(validation.reasons));
  return validation.record;
};

describe('golden-record document', () => {
  test('takes every view field, joins the assistant name and drops view-only columns', () => {
    const record = validRecord();
    expect(record._id).toBe(7);
    expect(record.assistant_name).toBe('Mike Hillyer');
    expect(record).not.toHaveProperty('assistant_last_name');
    expect(record).not.toHaveProperty('customer_id');
    expect(record).not.toHaveProperty('has_aggregates');
    expect(record).not.toHaveProperty('last_refresh_date');
    expect(record.lifetime_value).toBe(12.97);
    expect(record.last_consolidation_date).toEqual(run.consolidationDate);
  });

  test('rentals: _id is the rental, numbers are numbers, view timestamps are UTC dates', () => {
    const [first, second] = validRecord().last_ten_rentals;
    expect(first).toEqual({
      _id: 16000,
      title: 'Bride Intrigue',
      category: 'Drama',
      amount: 0.99,
      rental_date: new Date(Date.UTC(2005, 7, 23, 10)),
      return_date: null,
      rental_duration: 7000,
      is_completed: false,
      is_overdue: true,
      store: 'S1',
    });
    expect(second?.amount).toBe(5.99);
    expect(second?.rental_date).toEqual(new Date(Date.UTC(2005, 7, 22, 9, 30, 15, 500)));
  });

  test('a customer without rentals has counts and sums 0, other aggregates null, no rentals', () => {
    const nulls = Object.fromEntries(
      Object.keys(viewRow())
        .filter((k) => k !== 'customer_id')
        .map((k) => [k, null]),
    );
    const record = validRecord({
      ...nulls,
      first_name: 'A',
      last_name: 'B',
      is_active: false,
      has_aggregates: false,
      last_ten_rentals: null,
    });
    expect(record).toMatchObject({
      lifetime_value: 0,
      total_rental_count: 0,
      last_year_rental_count: 0,
      last_year_payments_sum: 0,
      overdue_score: null,
      last_payment: null,
      average_rental_payment: null,
      last_rental_date: null,
      most_recent_category: null,
      assistant_name: null,
      email: null,
      longitude: null,
    });
    expect(record.last_ten_rentals).toEqual([]);
  });

  test('sources name each view by host, database, schema and view, without credentials', () => {
    expect(sources.map((s) => s.path)).toEqual([
      'postgres://db.example:6543/ware house/v_dvd_rental/customers_mv',
      'postgres://db.example:6543/ware house/v_dvd_rental/customer_aggr_mv',
      'postgres://db.example:6543/ware house/v_dvd_rental/last_rentals_mv',
    ]);
    expect(JSON.stringify(sources)).not.toMatch(/etl|s3cret|sslmode/);
    expect(sources[0]?.fields).toEqual(expect.arrayContaining(['_id', 'email', 'assistant_name']));
    expect(sources[0]?.fields).not.toContain('assistant_last_name');
    expect(sources[1]?.fields).toContain('overdue_score');
    expect(sources[2]?.fields).toContain('last_ten_rentals._id');
    expect(viewPath('postgresql://u:p@h/db', 'v', 's')).toBe('postgres://h/db/s/v');
  });

  test.each([
    ['email', { email: 'not-an-email' }],
    ['assistant_email', { assistant_email: 'nobody' }],
    ['latitude', { latitude: 90.5 }],
    ['longitude', { longitude: -180.01 }],
    ['lifetime_value', { lifetime_value: -1 }],
    ['last_payment', { last_payment: -0.01 }],
    ['overdue_score', { overdue_score: 101 }],
    ['_id', { customer_id: Number.NaN }],
  ])('rejects a bad %s with its path', (path, overrides) => {
    const validation = validateGoldenRecord(buildGoldenRecord(viewRow(overrides as Partial<ViewRow>), run));
    expect(validation.valid).toBe(false);
    if (!validation.valid) expect(validation.reasons.map((r) => r.path)).toEqual([path]);
  });

  test('rejects a negative rental amount and an unparseable rental date, by their paths', () => {
    const rentals = viewRow().last_ten_rentals!;
    const bad = [
      { ...rentals[0], amount: -2 },
      { ...rentals[1], rental_date: 'yesterday' },
    ];
    const validation = validateGoldenRecord(buildGoldenRecord(viewRow({ last_ten_rentals: bad }), run));
    expect(validation.valid ? [] : validation.reasons.map((r) => r.path)).toEqual([
      'last_ten_rentals.0.amount',
      'last_ten_rentals.1.rental_date',
    ]);
  });
});

describe('timestamps without time zone', () => {
  const parse = GOLDEN_RECORD_TYPES.getTypeParser(1114 as never, 'text') as (value: string) => Date;

  test('are read as UTC by the query parser and by utcDate', () => {
    expect(parse('2005-05-24 22:53:30')).toEqual(new Date(Date.UTC(2005, 4, 24, 22, 53, 30)));
    expect(parse('2026-11-26 08:01:49.734567')).toEqual(new Date(Date.UTC(2026, 10, 26, 8, 1, 49, 734)));
    expect(utcDate('2005-05-24T22:53:30+02:00')).toEqual(new Date(Date.UTC(2005, 4, 24, 20, 53, 30)));
    expect(utcDate('2005-05-24')).toEqual(new Date(Date.UTC(2005, 4, 24)));
    expect(utcDate(null)).toBeNull();
  });

  test('numeric and bigint columns parse as numbers', () => {
    expect((GOLDEN_RECORD_TYPES.getTypeParser(1700 as never, 'text') as (v: string) => unknown)('12.50')).toBe(12.5);
    expect((GOLDEN_RECORD_TYPES.getTypeParser(20 as never, 'text') as (v: string) => unknown)('42')).toBe(42);
  });
});

describe('documentHash', () => {
  const record = validRecord();

  test('ignores consolidation and refresh times and key order', () => {
    const later = new Date('2030-01-01T00:00:00Z');
    const rerun = {
      ...record,
      last_consolidation_date: later,
      sources: record.sources.map((s) => ({ ...s, last_refresh_date: later })),
    };
    const reordered = Object.fromEntries(Object.entries(record).reverse()) as GoldenRecord;
    expect(documentHash(rerun)).toBe(documentHash(record));
    expect(documentHash(reordered)).toBe(documentHash(record));
    expect(documentHash(record)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('changes with any data, nested dates included', () => {
    const [first, ...rest] = record.last_ten_rentals;
    const movedRental = { ...record, last_ten_rentals: [{ ...first!, rental_date: new Date(0) }, ...rest] };
    expect(documentHash({ ...record, phone: '1' })).not.toBe(documentHash(record));
    expect(documentHash({ ...record, lifetime_value: 12.98 })).not.toBe(documentHash(record));
    expect(documentHash(movedRental)).not.toBe(documentHash(record));
    expect(documentHash({ ...record, email: null })).not.toBe(documentHash(record));
  });
});

describe('planBatch', () => {
  const candidate = (id: number, overrides: Partial<ViewRow> = {}) =>
    buildGoldenRecord(viewRow({ customer_id: id, ...overrides }), run);
  const hashOf = (id: number, overrides: Partial<ViewRow> = {}) => documentHash(candidate(id, overrides));
  const ids = (records: { record: { _id: number } }[]) => records.map(({ record }) => record._id);

  test('inserts new, updates changed or no longer current, skips equal hashes', () => {
    const stored: StoredState[] = [
      { _id: 2, data_hash: hashOf(2), is_current: true },
      { _id: 3, data_hash: 'old', is_current: true },
      { _id: 4, data_hash: hashOf(4), is_current: false },
    ];
    const plan = planBatch(
      [1, 2, 3, 4].map((id) => candidate(id)),
      stored,
      [],
    );
    expect(ids(plan.inserts)).toEqual([1]);
    expect(ids(plan.updates)).toEqual([3, 4]);
    expect(plan.unchanged).toBe(1);
    expect(plan.inserts[0]?.hash).toBe(hashOf(1));
    expect(plan).toMatchObject({ quarantined: 0, quarantine: [], missing: [], releaseFromQuarantine: [] });
  });

  test('quarantines invalid documents with reasons, rewriting an entry only when its data changed', () => {
    const invalid = { email: 'not-an-email' };
    const plan = planBatch(
      [candidate(1, invalid), candidate(2, invalid)],
      [],
      [{ _id: 2, data_hash: hashOf(2, invalid) }],
    );
    expect(plan.quarantined).toBe(2);
    expect(plan.quarantine.map((entry) => entry._id)).toEqual([1]);
    expect(plan.quarantine[0]?.reasons).toEqual([{ path: 'email', message: expect.stringMatching(/email/i) }]);
    expect(plan.quarantine[0]?.document.email).toBe('not-an-email');
    expect(plan.inserts).toEqual([]);
  });

  test('releases from quarantine the valid again and the gone; marks the gone current ones missing', () => {
    const stored: StoredState[] = [
      { _id: 1, data_hash: 'x', is_current: true },
      { _id: 5, data_hash: 'x', is_current: true },
      { _id: 6, data_hash: 'x', is_current: false },
    ];
    const plan = planBatch([candidate(1)], stored, [
      { _id: 1, data_hash: 'q' },
      { _id: 9, data_hash: 'q' },
    ]);
    expect(plan.releaseFromQuarantine).toEqual([1, 9]);
    expect(plan.missing).toEqual([5]);
  });

  test('an empty batch (the range after the last customer) marks every current document in it missing', () => {
    const plan = planBatch([], [{ _id: 700, is_current: true }, { _id: 701 }], []);
    expect(plan.missing).toEqual([700, 701]);
    expect(plan.inserts.length + plan.updates.length + plan.unchanged).toBe(0);
  });
});
