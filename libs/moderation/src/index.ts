export * from './reporter-identity';
export * from './cursor';
export * from './submit-report.use-case';
export * from './triage-report.use-case';
export * from './reconcile-reports.use-case';
export * from './report-status.query';
export * from './case-queries';
export * from './moderation.module';
