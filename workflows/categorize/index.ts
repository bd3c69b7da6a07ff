export * from './categorize';
