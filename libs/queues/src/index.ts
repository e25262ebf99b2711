export * from './queue-names';
export * from './jobs';
export * from './queues.module';
export * from './queue-producer';
export * from './queue-counts';
export * from './redis-client';
export * from './job-schedules';
export * from './with-timeout';
