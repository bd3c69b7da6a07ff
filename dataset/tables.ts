/** The 15 tables of dvd_rental with their row counts in the sample archive. */
export const DVD_RENTAL_SAMPLE_COUNTS = {
  actor: 200,
  address: 603,
  category: 16,
  city: 600,
  country: 109,
  customer: 599,
  film: 1000,
  film_actor: 5462,
  film_category: 1000,
  inventory: 4581,
  language: 6,
  payment: 14596,
  rental: 16044,
  staff: 2,
  store: 2,
} as const;

export type DvdRentalTable = keyof typeof DVD_RENTAL_SAMPLE_COUNTS;

export const DVD_RENTAL_TABLES = Object.keys(DVD_RENTAL_SAMPLE_COUNTS) as DvdRentalTable[];
