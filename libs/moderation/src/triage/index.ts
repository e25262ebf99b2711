export * from './triage-report.use-case';
export * from './reconcile-reports.use-case';
