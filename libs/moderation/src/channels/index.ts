export * from './channel-links.query';
export * from './link-channels.use-case';
export * from './review-link.use-case';
export * from './migrations.query';
