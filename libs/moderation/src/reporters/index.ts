export * from './reporter-identity';
export * from './reporter-standings';
export * from './reveal-reporter.use-case';
export * from './reinstate-reporter.use-case';
