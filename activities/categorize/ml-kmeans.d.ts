// ml-kmeans ships ESM types behind `exports`, which this project's `moduleResolution: node` does not read.
declare module 'ml-kmeans' {
  export * from 'ml-kmeans/lib/kmeans';
}
