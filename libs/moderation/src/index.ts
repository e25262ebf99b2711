// The library's door: each stage folder's own door (its index.ts), and the Nest module that provides them all.
export * from './shared';
export * from './reporters';
export * from './channels';
export * from './incidents';
export * from './evidence';
export * from './outcomes';
export * from './intake';
export * from './triage';
export * from './review';
export * from './appeals';
export * from './transparency';
export * from './moderation.module';
