export * from './action-context';
export * from './audit.service';
export * from './audit.module';
export * from './audit-event-view';
