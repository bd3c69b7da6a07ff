export * from './health-check';
export * from './migration';
export * from './refresh-views';
export * from './golden-record';
export * from './upsert-golden-records';
export * from './daily-pipeline';
