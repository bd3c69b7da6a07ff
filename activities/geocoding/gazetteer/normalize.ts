// Name keys for matching dvd_rental's dirty city names against GeoNames. Pure functions, no I/O.

/** Letters NFD does not decompose, spelled the way ASCII transliterations spell them. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ʻ: '',
  ʼ: '',
  '’': '',
  '‘': '',
};

const SAINT_WORDS: Record<string, string> = { st: 'saint', ste: 'sainte', sta: 'santa', sto: 'santo', mt: 'mount' };

/** Leading articles that sources write or drop at will (al-Manama, Manama; el-Mahalla, Mahalla). */
const ARTICLE = /^(al|el|ar|as|ad|an|at|az|ash|ath|ul)\s+/;

/** Trailing words one side writes and the other leaves out. */
const SUFFIX = /\s+(city|shi|si|gun|town)$/;

/**
 * The comparable form of a name: accents stripped, non-ASCII left over deleted, lower case, punctuation as
 * single spaces, St./Ste. spelled out, a trailing "city" dropped.
 */
export function normalizeName(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^ -~\t]/g, (letter) => SPECIAL_LETTERS[letter] ?? '')
    .toLowerCase()
    .replace(/['`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((word) => SAINT_WORDS[word] ?? word)
    .join(' ');
  return words.replace(SUFFIX, '');
}

/** A name as the dvd_rental dump spells it: every non-ASCII character deleted (Asunción -> Asuncin). */
export const asDumpLostIt = (name: string): string => name.replace(/İ/g, 'I').replace(/[^ -~\t]/g, '');

/** The normalized name without a leading article, or undefined when it has none. */
export function withoutArticle(key: string): string | undefined {
  const stripped = key.replace(ARTICLE, '');
  return stripped !== key && stripped.length > 0 ? stripped : undefined;
}

/** Spellings of one sound in the transliterations GeoNames and the dump mix (German, French, English, Czech). */
const PHONETIC_RULES: ReadonlyArray<[RegExp, string]> = [
  [/tsch|shch|sch|ch|tch/g, 'c'],
  [/zh|sh|sz|s/g, 's'],
  [/z/g, 's'],
  [/kh|gh|ck|q|c(?=[aou])/g, 'k'],
  [/ph/g, 'f'],
  [/th|dh/g, 't'],
  [/w/g, 'v'],
  [/ou|oo|u/g, 'u'],
  [/ee|ie|ij|j|y/g, 'i'],
  [/ae/g, 'e'],
  [/h/g, ''],
  [/(.)\1+/g, '$1'],
];

/** A key that spellings of one pronunciation share (Nabereznyje ~ Naberezhnyye). */
export function phoneticKey(key: string): string {
  let result = key.replace(/ /g, '');
  for (const [pattern, replacement] of PHONETIC_RULES) result = result.replace(pattern, replacement);
  return result;
}

/**
 * The names a dvd_rental city name stands for: itself, and for `A Corua (La Corua)` each part, the
 * parenthesised alternative too.
 */
export function nameVariants(name: string): string[] {
  const variants = [name.trim()];
  const match = /^(.*?)\s*\(([^)]*)\)\s*(.*)$/.exec(name);
  if (match) {
    const [, before = '', inside = '', after = ''] = match;
    variants.push(`${before} ${after}`.trim(), inside.trim());
  }
  return [...new Set(variants.filter((variant) => variant.length > 0))];
}

/** True when a name is written in Latin letters (other scripts fold to nothing useful). */
export const isLatin = (name: string): boolean => /^[\p{Script=Latin}\p{M}\p{N}\p{P}\p{Zs}'`’ʻʼ-]+$/u.test(name);

/** The parts of a twin-city name (`Hubli-Dharwad`, `Kowloon and New Kowloon`), when it has several. */
export function nameParts(name: string): string[] {
  const parts = name.split(/\s*-\s*|\s+and\s+/).filter((part) => part.length >= 4);
  return parts.length > 1 ? parts : [];
}
