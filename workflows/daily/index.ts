export * from './daily-pipeline';
