export * from './outbox-dispatcher';
export * from './close-case';
export * from './webhook-sender';
export * from './apply-decision-outcome.use-case';
export * from './enforce-decision.use-case';
export * from './send-notification.use-case';
export * from './retry-enforcement.use-case';
export * from './send-sla-alert.use-case';
