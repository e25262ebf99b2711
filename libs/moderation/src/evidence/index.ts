export * from './evidence-file-type';
export * from './evidence-store';
export * from './evidence.use-case';
