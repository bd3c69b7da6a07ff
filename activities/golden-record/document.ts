import { z } from 'zod';

const text = z.string();
const optionalText = z.string().nullable();
const optionalEmail = z.email().nullable();
const amount = z.number().min(0);
const count = z.number().int().min(0);
const date = z.date();

/**
 * Fields the document takes from `customers_mv` (`assistant_name` joins the assistant's first and last name).
 * The view left-joins the address: its parts may be missing (null) without making the customer invalid.
 */
const customerShape = {
  first_name: text,
  last_name: text,
  is_active: z.boolean(),
  address: optionalText,
  district: optionalText,
  city: optionalText,
  longitude: z.number().min(-180).max(180).nullable(),
  latitude: z.number().min(-90).max(90).nullable(),
  country: optionalText,
  full_address: optionalText,
  phone: optionalText,
  email: optionalEmail,
  postal_code: optionalText,
  assistant_name: optionalText,
  assistant_email: optionalEmail,
};

/** Fields the document takes from `customer_aggr_mv`; a customer without rentals has no row there. */
const aggregateShape = {
  overdue_score: count.max(100).nullable(),
  most_recent_store: optionalText,
  last_rental_film: optionalText,
  last_rental_date: date.nullable(),
  lifetime_value: amount,
  total_rental_count: count,
  average_rental_duration: z.number().min(0).nullable(),
  average_rental_payment: amount.nullable(),
  average_film_duration: z.number().min(0).nullable(),
  last_year_rental_count: count,
  last_year_payments_sum: amount,
  last_payment: amount.nullable(),
  most_recent_category: optionalText,
  second_most_recent_category: optionalText,
  third_most_recent_category: optionalText,
  most_recent_film_title: optionalText,
  most_recent_film_actor: optionalText,
  most_recent_film_year: optionalText,
};

/** One of `last_rentals_mv`'s rows: `_id` is the rental_id; no customer_id, no last_refresh_date. */
export const rentalSchema = z.object({
  _id: z.number().int(),
  title: text,
  category: optionalText,
  amount,
  rental_date: date,
  return_date: date.nullable(),
  rental_duration: count,
  is_completed: z.boolean(),
  is_overdue: z.boolean(),
  store: optionalText,
});

/** Lineage of the document: which view supplied which fields, and when that view was refreshed. */
export const sourceSchema = z.object({
  path: text,
  fields: z.array(text),
  last_refresh_date: date.nullable(),
});

export const goldenRecordSchema = z.object({
  _id: z.number().int().positive(),
  ...customerShape,
  ...aggregateShape,
  last_ten_rentals: z.array(rentalSchema).max(10),
  last_consolidation_date: date,
  sources: z.array(sourceSchema),
});

export type GoldenRecord = z.infer<typeof goldenRecordSchema>;
export type GoldenRental = z.infer<typeof rentalSchema>;
export type GoldenRecordSource = z.infer<typeof sourceSchema>;

/** What the collection stores: the record, its data hash and whether the customer is still in the source. */
export type StoredGoldenRecord = GoldenRecord & { data_hash: string; is_current: boolean; missing_since?: Date };

export const CUSTOMER_FIELDS = Object.keys(customerShape) as (keyof typeof customerShape)[];
export const AGGREGATE_FIELDS = Object.keys(aggregateShape) as (keyof typeof aggregateShape)[];
export const RENTAL_FIELDS = Object.keys(rentalSchema.shape) as (keyof GoldenRental)[];

/** For a customer without rentals these are 0; every other aggregate is null. */
export const ZERO_WHEN_NO_RENTALS = [
  'lifetime_value',
  'total_rental_count',
  'last_year_rental_count',
  'last_year_payments_sum',
] as const satisfies readonly (keyof typeof aggregateShape)[];

export interface QuarantineReason {
  path: string;
  message: string;
}

export type Validation = { valid: true; record: GoldenRecord } | { valid: false; reasons: QuarantineReason[] };

export function validateGoldenRecord(candidate: unknown): Validation {
  const result = goldenRecordSchema.safeParse(candidate);
  if (result.success) return { valid: true, record: result.data };
  const reasons = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(document)',
    message: issue.message,
  }));
  return { valid: false, reasons };
}
