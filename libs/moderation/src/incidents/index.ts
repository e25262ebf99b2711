export * from './incident-view';
export * from './incident-lifecycle.use-case';
export * from './incident-clocks.use-case';
export * from './incident-queries';
