// The data contract of the golden-record views (issue 4, section 1) formulated again, in TypeScript over
// the raw dvd_rental rows, so that tests can check the views' SQL against something it does not share.
// Every value is text, as PostgreSQL prints it (`col::text`), so comparisons are exact.
import type pg from 'pg';

export type Row = Record<string, string | null>;

const TABLES = {
  customer: ['customer_id', 'store_id', 'first_name', 'last_name', 'email', 'address_id', 'activebool'],
  address: ['address_id', 'address', 'district', 'city_id', 'postal_code', 'phone'],
  city: ['city_id', 'city', 'country_id', 'longitude', 'latitude'],
  country: ['country_id', 'country'],
  store: ['store_id', 'manager_staff_id', 'address_id'],
  staff: ['staff_id', 'first_name', 'last_name', 'email'],
  rental: ['rental_id', 'rental_date', 'inventory_id', 'customer_id', 'return_date'],
  payment: ['payment_id', 'customer_id', 'rental_id', 'amount', 'payment_date'],
  inventory: ['inventory_id', 'film_id', 'store_id'],
  film: ['film_id', 'title', 'release_year', 'rental_duration', 'rental_rate', 'length'],
  film_category: ['film_id', 'category_id'],
  category: ['category_id', 'name'],
  film_actor: ['actor_id', 'film_id'],
  actor: ['actor_id', 'first_name', 'last_name'],
} as const;

export type DvdRental = Record<keyof typeof TABLES, Row[]>;

export async function loadDvdRental(db: pg.Pool): Promise<DvdRental> {
  const entries = await Promise.all(
    Object.entries(TABLES).map(async ([table, columns]) => {
      const list = columns.map((column) => `${column}::text as ${column}`).join(', ');
      const { rows } = await db.query<Row>(`select ${list} from dvd_rental.${table}`);
      return [table, rows] as const;
    }),
  );
  return Object.fromEntries(entries) as DvdRental;
}

// ---- values --------------------------------------------------------------------------------------

/** A column of a row (null when there is no row, as with a left join); a column not loaded is a bug. */
function get(row: Row | undefined, column: string): string | null {
  if (row === undefined) return null;
  const value = row[column];
  if (value === undefined) throw new Error(`no ${column} in ${JSON.stringify(row)}`);
  return value;
}
const text = (row: Row | undefined, column: string): string => get(row, column) ?? '';
const num = (row: Row | undefined, column: string): number => Number(text(row, column));

/** `2005-05-24 22:53:30[.996577]` (a timestamp without time zone) as microseconds since 1970. */
export function micros(timestamp: string): number {
  const match = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/.exec(timestamp);
  if (!match) throw new Error(`not a timestamp: ${timestamp}`);
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + Number((match[7] ?? '').padEnd(6, '0'));
}

/** timestamp - interval '1 year': the same day a year earlier, 29 February becoming the 28th. */
function oneYearBefore(timestamp: string): number {
  const [date = '', time = ''] = timestamp.split(' ');
  const [y = '', m = '', d = ''] = date.split('-');
  const day = m === '02' && d === '29' ? '28' : d;
  return micros(`${String(Number(y) - 1).padStart(4, '0')}-${m}-${day} ${time}`);
}

const cents = (amount: string): number => Math.round(Number(amount) * 100);

/** a / b rounded to an integer, halves away from zero (PostgreSQL's numeric round). */
function roundDiv(a: number, b: number): number {
  return Math.sign(a) * Math.floor((2 * Math.abs(a) + b) / (2 * b));
}

/** A count of hundredths as numeric(…, 2) prints it. */
function hundredths(value: number): string {
  const abs = Math.abs(value);
  return `${value < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const trimmed = (value: string | null): string | null => value?.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '') ?? null;

/** `address, city, country (district)`, parts trimmed, no ` (district)` when blank. */
function addressLabel(address: Row | undefined, city: Row | undefined, country: Row | undefined): string {
  const parts = [get(address, 'address'), get(city, 'city'), get(country, 'country')].map(trimmed);
  const district = trimmed(get(address, 'district'));
  return parts.filter((part) => part !== null).join(', ') + (district ? ` (${district})` : '');
}

/** Collation "C": byte order of the UTF-8 text. */
const byBytes = (a: string | null, b: string | null): number =>
  a === null || b === null ? Number(a === null) - Number(b === null) : Buffer.compare(Buffer.from(a), Buffer.from(b));

function indexBy(rows: Row[], column: string): Map<string, Row> {
  return new Map(rows.map((row) => [text(row, column), row]));
}

function groupBy<T>(items: T[], keyOf: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== null) groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

// ---- the model -------------------------------------------------------------------------------------

interface Places {
  address: Map<string, Row>;
  city: Map<string, Row>;
  country: Map<string, Row>;
}

function placesOf(db: DvdRental): Places {
  return {
    address: indexBy(db.address, 'address_id'),
    city: indexBy(db.city, 'city_id'),
    country: indexBy(db.country, 'country_id'),
  };
}

function labelOfAddress(
  places: Places,
  addressId: string | null,
): { address?: Row; city?: Row; country?: Row; label: string } {
  const address = places.address.get(addressId ?? '');
  const city = places.city.get(get(address, 'city_id') ?? '');
  const country = places.country.get(get(city, 'country_id') ?? '');
  return { address, city, country, label: addressLabel(address, city, country) };
}

/** One rental with everything the views say about it. */
interface Fact {
  rentalId: number;
  customerId: string;
  rentalDate: string;
  at: number;
  returnDate: string | null;
  filmId: string;
  title: string;
  length: number | null;
  year: string | null;
  category: string | null;
  /** In hundredths (cents), exact. */
  amount: number;
  /** rental_duration: whole days to the return, or to the refresh time. */
  days: number;
  overdue: boolean;
  storeId: string;
  store: string | null;
  actors: Row[];
}

function filmCategories(db: DvdRental): Map<string, string> {
  const names = indexBy(db.category, 'category_id');
  const first = new Map<string, string>();
  for (const link of db.film_category) {
    const name = text(names.get(text(link, 'category_id')), 'name');
    const current = first.get(text(link, 'film_id'));
    if (current === undefined || byBytes(name, current) < 0) first.set(text(link, 'film_id'), name);
  }
  return first;
}

function storeLabels(db: DvdRental): Map<string, string> {
  const places = placesOf(db);
  return new Map(
    db.store.map((store) => [text(store, 'store_id'), labelOfAddress(places, get(store, 'address_id')).label]),
  );
}

function paidCents(db: DvdRental): Map<string, number> {
  const paid = new Map<string, number>();
  for (const payment of db.payment) {
    const rental = text(payment, 'rental_id');
    paid.set(rental, (paid.get(rental) ?? 0) + cents(text(payment, 'amount')));
  }
  return paid;
}

function rentalFacts(db: DvdRental, refreshedAt: number): Fact[] {
  const inventory = indexBy(db.inventory, 'inventory_id');
  const films = indexBy(db.film, 'film_id');
  const categories = filmCategories(db);
  const stores = storeLabels(db);
  const paid = paidCents(db);
  const actorsById = indexBy(db.actor, 'actor_id');
  const actorsOfFilm = groupBy(db.film_actor, (link) => text(link, 'film_id'));
  return db.rental.map((rental) => {
    const item = inventory.get(text(rental, 'inventory_id'));
    const filmId = text(item, 'film_id');
    const film = films.get(filmId);
    const at = micros(text(rental, 'rental_date'));
    const returnDate = get(rental, 'return_date');
    const days = Math.floor(((returnDate === null ? refreshedAt : micros(returnDate)) - at) / 86_400_000_000);
    const length = get(film, 'length');
    return {
      rentalId: num(rental, 'rental_id'),
      customerId: text(rental, 'customer_id'),
      rentalDate: text(rental, 'rental_date'),
      at,
      returnDate,
      filmId,
      title: text(film, 'title'),
      length: length === null ? null : Number(length),
      year: get(film, 'release_year'),
      category: categories.get(filmId) ?? null,
      amount: paid.get(text(rental, 'rental_id')) ?? cents(text(film, 'rental_rate')),
      days,
      overdue: days > num(film, 'rental_duration'),
      storeId: text(item, 'store_id'),
      store: stores.get(text(item, 'store_id')) ?? null,
      actors: (actorsOfFilm.get(filmId) ?? []).map((link) => actorsById.get(text(link, 'actor_id'))!),
    };
  });
}

/** Newest first: by rental_date, then rental_id. */
const newestFirst = (a: Fact, b: Fact): number => b.at - a.at || b.rentalId - a.rentalId;

interface Ranked {
  value: string | null;
  facts: Fact[];
}

/** Most often first, then most recently (latest rental), then `tieBreak`. */
function mostOften<G extends Ranked>(groups: Map<string, G>, tieBreak: (a: G, b: G) => number): (string | null)[] {
  const latest = (group: Ranked) => Math.max(...group.facts.map((fact) => fact.at));
  return [...groups.values()]
    .sort((a, b) => b.facts.length - a.facts.length || latest(b) - latest(a) || tieBreak(a, b))
    .map((group) => group.value);
}

function rankedBy(
  facts: Fact[],
  keyOf: (fact: Fact) => string | null,
  valueOf: (fact: Fact) => string | null,
): Map<string, Ranked> {
  return new Map([...groupBy(facts, keyOf)].map(([key, group]) => [key, { value: valueOf(group[0]!), facts: group }]));
}

function favouriteActor(facts: Fact[]): string | null {
  const byActor = new Map<string, Ranked & { id: number }>();
  for (const fact of facts) {
    for (const actor of fact.actors) {
      const id = text(actor, 'actor_id');
      const entry = byActor.get(id) ?? {
        id: Number(id),
        value: `${text(actor, 'first_name')} ${text(actor, 'last_name')}`,
        facts: [],
      };
      entry.facts.push(fact);
      byActor.set(id, entry);
    }
  }
  return mostOften(byActor, (a, b) => byBytes(a.value, b.value) || a.id - b.id)[0] ?? null;
}

function favourites(facts: Fact[]): Row {
  const categories = mostOften(
    rankedBy(
      facts,
      (f) => f.category,
      (f) => f.category,
    ),
    (a, b) => byBytes(a.value, b.value),
  );
  const idOf = (group: Ranked, key: 'storeId' | 'filmId') => Number(group.facts[0]![key]);
  return {
    most_recent_store:
      mostOften(
        rankedBy(
          facts,
          (f) => f.storeId,
          (f) => f.store,
        ),
        (a, b) => byBytes(a.value, b.value) || idOf(a, 'storeId') - idOf(b, 'storeId'),
      )[0] ?? null,
    most_recent_category: categories[0] ?? null,
    second_most_recent_category: categories[1] ?? null,
    third_most_recent_category: categories[2] ?? null,
    most_recent_film_title:
      mostOften(
        rankedBy(
          facts,
          (f) => f.filmId,
          (f) => f.title,
        ),
        (a, b) => byBytes(a.value, b.value) || idOf(a, 'filmId') - idOf(b, 'filmId'),
      )[0] ?? null,
    most_recent_film_actor: favouriteActor(facts),
    most_recent_film_year:
      mostOften(
        rankedBy(
          facts,
          (f) => f.year,
          (f) => f.year,
        ),
        (a, b) => Number(b.value) - Number(a.value),
      )[0] ?? null,
  };
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** The average of values counted in hundredths, rounded to 2 decimals, as numeric text; null over nothing. */
function average(values: number[]): string | null {
  return values.length === 0 ? null : hundredths(roundDiv(sum(values), values.length));
}

function latestPayments(db: DvdRental): Map<string, Row> {
  const latest = new Map<string, Row>();
  const key = (payment: Row) => [micros(text(payment, 'payment_date')), num(payment, 'payment_id')] as const;
  for (const payment of db.payment) {
    const current = latest.get(text(payment, 'customer_id'));
    const [at, id] = key(payment);
    const [currentAt, currentId] = current ? key(current) : [-Infinity, -Infinity];
    if (at > currentAt || (at === currentAt && id > currentId)) latest.set(text(payment, 'customer_id'), payment);
  }
  return latest;
}

function aggregate(
  customerId: string,
  facts: Fact[],
  lastPayment: Row | undefined,
  yearAgo: number,
  refresh: string,
): Row {
  const last = [...facts].sort(newestFirst)[0]!;
  const lastYear = facts.filter((fact) => fact.at >= yearAgo);
  return {
    customer_id: customerId,
    overdue_score: String(Math.floor((100 * facts.filter((fact) => fact.overdue).length) / facts.length)),
    last_rental_film: last.title,
    last_rental_date: last.rentalDate,
    lifetime_value: hundredths(sum(facts.map((fact) => fact.amount))),
    total_rental_count: String(facts.length),
    average_rental_duration: average(facts.map((fact) => fact.days * 100)),
    average_rental_payment: average(facts.map((fact) => fact.amount)),
    average_film_duration: average(facts.flatMap((fact) => (fact.length === null ? [] : [fact.length * 100]))),
    last_year_rental_count: String(lastYear.length),
    last_year_payments_sum: hundredths(sum(lastYear.map((fact) => fact.amount))),
    last_payment: lastPayment ? hundredths(cents(text(lastPayment, 'amount'))) : null,
    ...favourites(facts),
    last_refresh_date: refresh,
  };
}

/** customer_aggr_mv for refresh time `refresh` (its last_refresh_date, as text). */
export function expectedCustomerAggr(db: DvdRental, refresh: string): Row[] {
  const byCustomer = groupBy(rentalFacts(db, micros(refresh)), (fact) => fact.customerId);
  const payments = latestPayments(db);
  const yearAgo = oneYearBefore(refresh);
  return [...byCustomer].map(([customerId, facts]) =>
    aggregate(customerId, facts, payments.get(customerId), yearAgo, refresh),
  );
}

/** last_rentals_mv for refresh time `refresh`. */
export function expectedLastRentals(db: DvdRental, refresh: string): Row[] {
  const byCustomer = groupBy(rentalFacts(db, micros(refresh)), (fact) => fact.customerId);
  return [...byCustomer.values()].flatMap((facts) =>
    [...facts]
      .sort(newestFirst)
      .slice(0, 10)
      .map((fact) => ({
        rental_id: String(fact.rentalId),
        customer_id: fact.customerId,
        title: fact.title,
        category: fact.category,
        amount: hundredths(fact.amount),
        rental_date: fact.rentalDate,
        return_date: fact.returnDate,
        rental_duration: String(fact.days),
        is_completed: String(fact.returnDate !== null),
        is_overdue: String(fact.overdue),
        store: fact.store,
        last_refresh_date: refresh,
      })),
  );
}

/** customers_mv for refresh time `refresh`. */
export function expectedCustomers(db: DvdRental, refresh: string): Row[] {
  const places = placesOf(db);
  const stores = indexBy(db.store, 'store_id');
  const staff = indexBy(db.staff, 'staff_id');
  return db.customer.map((customer) => {
    const { address, city, country, label } = labelOfAddress(places, get(customer, 'address_id'));
    const manager = staff.get(get(stores.get(text(customer, 'store_id')), 'manager_staff_id') ?? '');
    return {
      customer_id: text(customer, 'customer_id'),
      first_name: get(customer, 'first_name'),
      last_name: get(customer, 'last_name'),
      is_active: get(customer, 'activebool'),
      address: get(address, 'address'),
      district: get(address, 'district'),
      city: get(city, 'city'),
      longitude: get(city, 'longitude'),
      latitude: get(city, 'latitude'),
      country: get(country, 'country'),
      full_address: label,
      phone: get(address, 'phone'),
      email: get(customer, 'email'),
      postal_code: get(address, 'postal_code'),
      assistant_name: manager ? get(manager, 'first_name') : null,
      assistant_last_name: manager ? get(manager, 'last_name') : null,
      assistant_email: manager ? get(manager, 'email') : null,
      last_refresh_date: refresh,
    };
  });
}
