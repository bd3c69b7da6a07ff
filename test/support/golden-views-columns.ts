// The golden-record views' columns as the issue lists them: shared by the views tests.
export const TIMESTAMP = 'timestamp without time zone';

/** The columns in its order, with the types chosen for them. */
export const COLUMNS = {
  customers_mv: [
    ['customer_id', 'integer'], ['first_name', 'text'], ['last_name', 'text'], ['is_active', 'boolean'],
    ['address', 'text'], ['district', 'text'], ['city', 'text'], ['longitude', 'numeric(9,6)'],
    ['latitude', 'numeric(9,6)'], ['country', 'text'], ['full_address', 'text'], ['phone', 'text'],
    ['email', 'text'], ['postal_code', 'text'], ['assistant_name', 'text'], ['assistant_last_name', 'text'],
    ['assistant_email', 'text'], ['last_refresh_date', TIMESTAMP],
  ],
  customer_aggr_mv: [
    ['customer_id', 'integer'], ['overdue_score', 'integer'], ['most_recent_store', 'text'],
    ['last_rental_film', 'text'], ['last_rental_date', TIMESTAMP], ['lifetime_value', 'numeric(12,2)'],
    ['total_rental_count', 'integer'], ['average_rental_duration', 'numeric(10,2)'],
    ['average_rental_payment', 'numeric(10,2)'], ['average_film_duration', 'numeric(10,2)'],
    ['last_year_rental_count', 'integer'], ['last_year_payments_sum', 'numeric(12,2)'],
    ['last_payment', 'numeric(5,2)'], ['most_recent_category', 'text'], ['second_most_recent_category', 'text'],
    ['third_most_recent_category', 'text'], ['most_recent_film_title', 'text'], ['most_recent_film_actor', 'text'],
    ['most_recent_film_year', 'text'], ['last_refresh_date', TIMESTAMP],
  ],
  last_rentals_mv: [
    ['rental_id', 'integer'], ['customer_id', 'integer'], ['title', 'text'], ['category', 'text'],
    ['amount', 'numeric(10,2)'], ['rental_date', TIMESTAMP], ['return_date', TIMESTAMP],
    ['rental_duration', 'integer'], ['is_completed', 'boolean'], ['is_overdue', 'boolean'], ['store', 'text'],
    ['last_refresh_date', TIMESTAMP],
  ],
} as const;

export type ViewName = keyof typeof COLUMNS;
export const VIEWS = Object.keys(COLUMNS) as ViewName[];
