import v8 from 'node:v8';

/**
 * Lets V8's old generation grow to twice its live size between full collections; for a heap capped near
 * 128 MB V8 allows 1.3x. The socket buffers of a COPY count against that limit until a full collection frees
 * them: with 1.3x the worker collected in full every 250 to 600 ms (69 times per full copy at scale 625, 7.6 s
 * of its CPU); with 2x, 11 times and 3.1 s at the same peak RSS (bench:migration, README). Node leaves flags set
 * after start to V8; this one is read at each collection (set so, the same copy made 13 full collections).
 */
const HEAP_GROWING_PERCENT = 100;

export function allowHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
