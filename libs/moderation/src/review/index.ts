export * from './case-queries';
export * from './channel-queries';
export * from './claim-case.use-case';
export * from './lease.use-case';
export * from './record-decision.use-case';
export * from './bulk-decide.use-case';
export * from './view-case.use-case';
export * from './operations-counts.query';
