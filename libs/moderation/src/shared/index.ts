export * from './cursor';
export * from './case-lock';
export * from './unresolved-case';
