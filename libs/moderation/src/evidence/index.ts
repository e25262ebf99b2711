export * from './evidence-file-type';
export * from './evidence-store';
export * from './evidence.use-case';
export * from './preservation';
export * from './retention.use-case';
export * from './retention.module';
