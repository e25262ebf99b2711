export * from './file-appeal.use-case';
export * from './resolve-appeal.use-case';
export * from './appeal-queries';
