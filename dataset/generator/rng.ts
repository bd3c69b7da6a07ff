// Seeded randomness: a sequential sfc32 stream per table, plus a stateless hash for
// attributes that several tables must agree on (e.g. an inventory item's store).

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** 128-bit string hash (cyrb128), used only to seed the generators. */
function hashString(text: string): [number, number, number, number] {
  let h1 = 1779033703,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

function sfc32(seed: [number, number, number, number]): () => number {
  let [a, b, c, d] = seed;
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function wrap(next: () => number): Rng {
  const below = (n: number): number => Math.floor(next() * n);
  return {
    next,
    below,
    between: (min, max) => min + below(max - min + 1),
    pick: <T>(items: readonly T[]): T => items[below(items.length)] as T,
    chance: (p) => next() < p,
  };
}

/** Independent stream for one purpose (usually a table) of one seed. */
export function streamRng(seed: number, purpose: string): Rng {
  const next = sfc32(hashString(`${seed}/${purpose}`));
  for (let i = 0; i < 12; i++) next(); // sfc32 needs a few rounds to mix its seed
  return wrap(next);
}

/** 32-bit key naming one stateless attribute of one seed. */
export function attributeKey(seed: number, attribute: string): number {
  return hashString(`${seed}#${attribute}`)[0];
}

/** Stateless uniform integer in [0, n) for entity `id` under `key` (murmur3 finalizer). */
export function hashBelow(key: number, id: number, n: number): number {
  let h = (key ^ Math.imul(id, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return Math.floor((h / 4294967296) * n);
}
