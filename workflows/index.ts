export * from './health-check';
export * from './migration';
