// COPY text-format encoding and deterministic value formatting (UTC, no locale).

export const NULL = '\\N';

/** Escapes a value for COPY text format; null becomes \N. */
export function text(value: string | null): string {
  if (value === null) return NULL;
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, escapeChar) : value;
}

function escapeChar(ch: string): string {
  return ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r';
}

/** One COPY line; fields must already be encoded. */
export const line = (fields: ReadonlyArray<string | number>): string => `${fields.join('\t')}\n`;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

const dayCache = new Map<number, string>();

function dayText(day: number): string {
  let cached = dayCache.get(day);
  if (cached === undefined) {
    cached = new Date(day * 86400000).toISOString().slice(0, 10);
    dayCache.set(day, cached);
  }
  return cached;
}

/** Whole UTC seconds since the epoch as a `timestamp without time zone` literal. */
export function timestamp(seconds: number): string {
  const day = Math.floor(seconds / 86400);
  const rest = seconds - day * 86400;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  return `${dayText(day)} ${pad2(h)}:${pad2(m)}:${pad2(rest % 60)}`;
}

/** Integer cents as a numeric literal, e.g. 499 -> "4.99". */
export const money = (cents: number): string => `${Math.floor(cents / 100)}.${pad2(cents % 100)}`;

export const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
