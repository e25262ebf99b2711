export * from './transparency.query';
export * from './statements-of-reasons.query';
export * from './actioned-channels.query';
export * from './actioned-channels-feed';
export * from './feed-signature';
export * from './download-statements.use-case';
