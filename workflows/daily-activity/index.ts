export * from './daily-activity';
