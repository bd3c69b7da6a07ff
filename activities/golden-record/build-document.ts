import {
  AGGREGATE_FIELDS,
  CUSTOMER_FIELDS,
  RENTAL_FIELDS,
  ZERO_WHEN_NO_RENTALS,
  type GoldenRecordSource,
} from './document';

export const VIEW_SCHEMA = 'v_dvd_rental';
export const CUSTOMERS_VIEW = 'customers_mv';
export const AGGREGATES_VIEW = 'customer_aggr_mv';
export const RENTALS_VIEW = 'last_rentals_mv';
export const SOURCE_VIEWS = [CUSTOMERS_VIEW, AGGREGATES_VIEW, RENTALS_VIEW] as const;
export type SourceView = (typeof SOURCE_VIEWS)[number];

/** One customer as the view query returns it: typed columns, plus its rentals as JSON (dates as text). */
export interface ViewRow {
  customer_id: number;
  assistant_last_name: string | null;
  has_aggregates: boolean;
  last_ten_rentals: Record<string, unknown>[] | null;
  [column: string]: unknown;
}

export interface RunContext {
  consolidationDate: Date;
  sources: GoldenRecordSource[];
}

/** A timestamp without time zone is UTC: '2005-05-24 22:53:30', JSON's '2005-05-24T22:53:30', a date. */
export function utcDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const [day, time = '00:00:00'] = value.split(/[ T]/);
  const zoned = /(Z|[+-]\d\d(:?\d\d)?)$/.test(time);
  return new Date(`${day}T${time}${zoned ? '' : 'Z'}`);
}

const numeric = (value: unknown): unknown => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);

const FIELD_VALUE: Partial<Record<string, (value: unknown) => unknown>> = {
  _id: numeric,
  amount: numeric,
  rental_duration: numeric,
  rental_date: utcDate,
  return_date: utcDate,
};

function rental(json: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    RENTAL_FIELDS.map((field) => [field, (FIELD_VALUE[field] ?? ((v: unknown) => v))(json[field] ?? null)]),
  );
}

function fullName(first: unknown, last: unknown): string | null {
  const name = [first, last].filter((part) => typeof part === 'string' && part.trim() !== '').join(' ');
  return name === '' ? null : name;
}

function aggregateValue(row: ViewRow, field: (typeof AGGREGATE_FIELDS)[number]): unknown {
  if (!row.has_aggregates && (ZERO_WHEN_NO_RENTALS as readonly string[]).includes(field)) return 0;
  return row[field] ?? null;
}

/** The unvalidated document of one customer: validation decides between the collection and quarantine. */
export function buildGoldenRecord(row: ViewRow, run: RunContext): Record<string, unknown> & { _id: number } {
  const customer = Object.fromEntries(CUSTOMER_FIELDS.map((field) => [field, row[field] ?? null]));
  return {
    _id: row.customer_id,
    ...customer,
    assistant_name: fullName(row.assistant_name, row.assistant_last_name),
    ...Object.fromEntries(AGGREGATE_FIELDS.map((field) => [field, aggregateValue(row, field)])),
    last_ten_rentals: (row.last_ten_rentals ?? []).map(rental),
    last_consolidation_date: run.consolidationDate,
    sources: run.sources,
  };
}

/** `postgres://host:port/db/schema/view`: the target's address without user or password. */
export function viewPath(targetUrl: string, view: string, schema = VIEW_SCHEMA): string {
  const url = new URL(targetUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return `postgres://${url.host}/${database}/${schema}/${view}`;
}

const SUPPLIED_FIELDS: Record<SourceView, string[]> = {
  [CUSTOMERS_VIEW]: ['_id', ...CUSTOMER_FIELDS],
  [AGGREGATES_VIEW]: [...AGGREGATE_FIELDS],
  [RENTALS_VIEW]: RENTAL_FIELDS.map((field) => `last_ten_rentals.${field}`),
};

export function buildSources(
  targetUrl: string,
  refreshDates: Record<SourceView, Date | null>,
  schema = VIEW_SCHEMA,
): GoldenRecordSource[] {
  return SOURCE_VIEWS.map((view) => ({
    path: viewPath(targetUrl, view, schema),
    fields: SUPPLIED_FIELDS[view],
    last_refresh_date: refreshDates[view],
  }));
}
