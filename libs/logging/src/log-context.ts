import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields that say what a log line was written for: a request's `reqId`, a job's `jobId`, `queue` and `jobName`. */
export type LogFields = Record<string, string | number | undefined>;

const context = new AsyncLocalStorage<LogFields>();

/**
 * Runs `fn` so that every line logged inside it, across its awaits and the timers it starts, carries `fields` (on top
 * of the fields of an enclosing run). The loggers of createLogger read them, whichever Nest `Logger` wrote the line.
 */
export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** The fields of the run this code is in ({} outside any). */
export function currentLogFields(): LogFields {
  return context.getStore() ?? {};
}
