// Feature vectors for the categorize model's unit tests: well-separated groups, from a fixed seed.

/** A small deterministic generator (mulberry32): tests need reproducible noise, not quality randomness. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `perGroup` points around each centre, each coordinate within ±spread. */
export function groupedPoints(centres: number[][], perGroup: number, spread: number, seed = 7): number[][] {
  const random = seededRandom(seed);
  return centres.flatMap((centre) =>
    Array.from({ length: perGroup }, () => centre.map((value) => value + (random() * 2 - 1) * spread)),
  );
}
