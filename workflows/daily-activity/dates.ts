// Calendar days as 'YYYY-MM-DD' text, in UTC. Pure: workflow code imports it.
import { z } from 'zod';

const DAY_MS = 86_400_000;

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-26')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && toDate(value) === value, 'is not a real day');

const epochDay = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const toDate = (value: string): string => new Date(epochDay(value) * DAY_MS).toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string =>
  new Date((epochDay(date) + days) * DAY_MS).toISOString().slice(0, 10);

/** Days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => epochDay(to) - epochDay(from);

/** Every day from `from` to `to`, both included, in order. */
export function datesBetween(from: string, to: string): string[] {
  return Array.from({ length: Math.max(0, daysBetween(from, to) + 1) }, (_, i) => addDays(from, i));
}
