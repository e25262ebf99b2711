export * from './submit-report.use-case';
export * from './intake-group-commit';
export * from './report-status.query';
