export * from './health-check/health-check';
export * from './migration/migration';
export * from './golden-record/refresh-views';
export * from './golden-record/golden-record';
export * from './golden-record/upsert-golden-records';
export * from './daily/daily-pipeline';
