export * from './golden-record';
export * from './refresh-views';
export * from './upsert-golden-records';
