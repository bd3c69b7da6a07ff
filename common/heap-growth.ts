import v8 from 'node:v8';

/**
 * Lets V8's old generation grow to twice its live size between full collections; for a heap capped near
 * 128 MB V8 allows 1.3x. The socket buffers of a COPY count against that limit until a full collection frees
 * them, so with 1.3x the worker collected in full every 250 to 600 ms, each collection keeping the next one's
 * buffers alive: 69 per full copy at scale 625 and 7.6 s of the worker's CPU. With 2x: 11, 3.1 s, the same
 * peak RSS (bench:migration, README). A GC tuning flag V8 reads at each collection, so it can be set at start.
 */
export const HEAP_GROWING_PERCENT = 100;

export function allowHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
