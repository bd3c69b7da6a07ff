export * from './migration';
