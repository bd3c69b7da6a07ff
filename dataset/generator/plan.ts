// Row counts per scale factor, and the fixed constants every table shares.

/** Largest id a smallint foreign-key column (customer_id, address_id, city_id, film_id) can hold. */
export const SMALLINT_MAX = 32767;

/** Sizes set directly instead of by the scale factor (the golden-record benchmark's million customers). */
export interface CountOverrides {
  /** Customers (one address each). Past what smallint columns hold, those columns become integer. */
  customers?: number;
  /** Rentals per customer on average (payments follow in the archive's proportion). */
  rentalsPerCustomer?: number;
}

export interface Counts {
  language: number;
  category: number;
  country: number;
  actor: number;
  city: number;
  address: number;
  film: number;
  film_actor: number;
  film_category: number;
  staff: number;
  store: number;
  customer: number;
  inventory: number;
  rental: number;
  payment: number;
}

const linear = (base: number, scale: number, max = Number.MAX_SAFE_INTEGER): number =>
  Math.min(max, Math.max(1, Math.round(base * scale)));

const INT_MAX = 2 ** 31 - 1;

/**
 * Scale 1 reproduces the archive's counts exactly. Lookups stay fixed; films and stores grow
 * with sqrt(scale); the rest grow linearly, capped where the archive's smallint columns end
 * (unless the overrides ask for more customers: then the generator widens those columns).
 */
export function planCounts(scale: number, overrides: CountOverrides = {}): Counts {
  const film = linear(1000, Math.sqrt(scale), SMALLINT_MAX);
  const store = Math.max(2, Math.round(2 * Math.sqrt(scale)));
  const staff = store; // one manager per store, as in the archive
  const customer = overrides.customers ?? linear(599, scale, SMALLINT_MAX - store - staff);
  const rental =
    overrides.rentalsPerCustomer === undefined
      ? linear(16044, scale, INT_MAX)
      : linear(customer, overrides.rentalsPerCustomer, INT_MAX);
  const payment =
    overrides.rentalsPerCustomer === undefined
      ? Math.min(rental, linear(14596, scale))
      : Math.min(rental, linear(rental, 14596 / 16044));
  return {
    language: 6,
    category: 16,
    country: 109,
    actor: 200,
    city: linear(600, scale, SMALLINT_MAX),
    address: store + staff + customer,
    film,
    film_actor: Math.max(film, Math.round((5462 * film) / 1000)),
    film_category: film,
    staff,
    store,
    customer,
    inventory: linear(4581, scale, INT_MAX),
    rental,
    payment,
  };
}

/** The referencing key columns that hold a customer or address id: smallint in the archive. */
export const CUSTOMER_KEY_COLUMNS = [
  ['customer', 'address_id'],
  ['rental', 'customer_id'],
  ['payment', 'customer_id'],
] as const;

/** True when some customer or address id would not fit those smallint columns. */
export const needsWideCustomerKeys = (counts: Counts): boolean => counts.address > SMALLINT_MAX;

const utcSeconds = (iso: string): number => Date.parse(`${iso}Z`) / 1000;

/** Rental dates span the archive's range. */
export const FIRST_RENTAL = utcSeconds('2005-05-24T22:53:30');
export const LAST_RENTAL = utcSeconds('2006-02-14T15:16:03');
/** Returns due after this instant stay NULL, which leaves about 1% of rentals open. */
export const SNAPSHOT = LAST_RENTAL + 2.5 * 86400;

/** The archive's last_update value per table (payment has no last_update). */
export const LAST_UPDATE = {
  actor: '2013-05-26 14:47:57.62',
  address: '2006-02-15 09:45:30',
  category: '2006-02-15 09:46:27',
  city: '2006-02-15 09:45:25',
  country: '2006-02-15 09:44:00',
  customer: '2013-05-26 14:49:45.738',
  film: '2013-05-26 14:50:58.951',
  film_actor: '2006-02-15 10:05:03',
  film_category: '2006-02-15 10:07:09',
  inventory: '2006-02-15 10:09:17',
  language: '2006-02-15 10:02:19',
  rental: '2006-02-16 02:30:53',
  staff: '2006-05-16 16:13:11.79328',
  store: '2006-02-15 09:57:12',
} as const;

export const CUSTOMER_CREATE_DATE = '2006-02-14';

/** What every row producer needs. */
export interface GenContext {
  seed: number;
  counts: Counts;
}
