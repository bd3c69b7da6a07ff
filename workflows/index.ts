export * from './health-check';
export * from './migration';
export * from './refresh-views';
