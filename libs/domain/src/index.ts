export * from './taxonomy';
export * from './errors';
export * from './text-normalisation';
export * from './organisations';
export * from './priority';
export * from './sla';
export * from './case-state';
export * from './channel-key';
