// The 15 tables in foreign-key load order, with their COPY columns and row producers.
// staff precedes store: the archive has store.manager_staff_id -> staff but no FK on staff.store_id.
import { filmActorRows, filmCategoryRows, filmRows } from './films';
import { actorRows, categoryRows, countryRows, languageRows } from './lookups';
import { customerRows, staffRows, storeRows } from './people';
import { addressRows, cityRows } from './places';
import type { Counts, GenContext } from './plan';
import { inventoryRows, paymentRows, rentalRows } from './rentals';

export interface TableSpec {
  name: keyof Counts;
  /** Primary-key column backed by `<name>_<idColumn>_seq`; absent for link tables. */
  idColumn?: string;
  columns: readonly string[];
  rows(ctx: GenContext): Iterable<string>;
}

const LAST = 'last_update';

export const TABLES: readonly TableSpec[] = [
  { name: 'language', idColumn: 'language_id', columns: ['language_id', 'name', LAST], rows: languageRows },
  { name: 'category', idColumn: 'category_id', columns: ['category_id', 'name', LAST], rows: categoryRows },
  { name: 'country', idColumn: 'country_id', columns: ['country_id', 'country', LAST], rows: countryRows },
  { name: 'actor', idColumn: 'actor_id', columns: ['actor_id', 'first_name', 'last_name', LAST], rows: actorRows },
  { name: 'city', idColumn: 'city_id', columns: ['city_id', 'city', 'country_id', LAST], rows: cityRows },
  {
    name: 'address',
    idColumn: 'address_id',
    columns: ['address_id', 'address', 'address2', 'district', 'city_id', 'postal_code', 'phone', LAST],
    rows: addressRows,
  },
  {
    name: 'film',
    idColumn: 'film_id',
    // fulltext is left out: film_fulltext_trigger computes it from title and description.
    columns: [
      'film_id',
      'title',
      'description',
      'release_year',
      'language_id',
      'rental_duration',
      'rental_rate',
      'length',
      'replacement_cost',
      'rating',
      LAST,
      'special_features',
    ],
    rows: filmRows,
  },
  { name: 'film_actor', columns: ['actor_id', 'film_id', LAST], rows: filmActorRows },
  { name: 'film_category', columns: ['film_id', 'category_id', LAST], rows: filmCategoryRows },
  {
    name: 'staff',
    idColumn: 'staff_id',
    columns: [
      'staff_id',
      'first_name',
      'last_name',
      'address_id',
      'email',
      'store_id',
      'active',
      'username',
      'password',
      LAST,
      'picture',
    ],
    rows: staffRows,
  },
  {
    name: 'store',
    idColumn: 'store_id',
    columns: ['store_id', 'manager_staff_id', 'address_id', LAST],
    rows: storeRows,
  },
  {
    name: 'customer',
    idColumn: 'customer_id',
    columns: [
      'customer_id',
      'store_id',
      'first_name',
      'last_name',
      'email',
      'address_id',
      'activebool',
      'create_date',
      LAST,
      'active',
    ],
    rows: customerRows,
  },
  {
    name: 'inventory',
    idColumn: 'inventory_id',
    columns: ['inventory_id', 'film_id', 'store_id', LAST],
    rows: inventoryRows,
  },
  {
    name: 'rental',
    idColumn: 'rental_id',
    columns: ['rental_id', 'rental_date', 'inventory_id', 'customer_id', 'return_date', 'staff_id', LAST],
    rows: rentalRows,
  },
  {
    name: 'payment',
    idColumn: 'payment_id',
    columns: ['payment_id', 'customer_id', 'staff_id', 'rental_id', 'amount', 'payment_date'],
    rows: paymentRows,
  },
];
