export * from './channel-links.query';
export * from './link-channels.use-case';
