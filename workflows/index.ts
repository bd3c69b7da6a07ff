// Every workflow the worker registers: each pipeline's own, re-exported (the sandbox loads this module).
export * from './health-check';
export * from './migration';
export * from './geocoding';
export * from './golden-record';
export * from './categorize';
export * from './daily-activity';
export * from './daily';
