export * from './triage-report.use-case';
export * from './reconcile-reports.use-case';
export * from './requeue-reports.use-case';
export * from './sla-clocks.use-case';
export * from './sla-state-counts.query';
