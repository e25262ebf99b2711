import type { LoggerService } from '@nestjs/common';

/**
 * While Redis is away BullMQ objects emit an error per reconnect attempt, and while PostgreSQL is down every request
 * fails alike: one line per this interval is enough.
 */
export const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * A listener for repeated errors (a BullMQ object's 'error' events — without one BullMQ prints each with its stack
 * trace to the console — or an outage's failed requests): a warning through `logger`, at most one every
 * `intervalMs`, saying how many were held back since the last.
 */
export function throttledErrorLog(
  logger: Pick<LoggerService, 'warn'>,
  label: string,
  { intervalMs = ERROR_LOG_INTERVAL_MS, now = Date.now }: { intervalMs?: number; now?: () => number } = {},
): (error: Error) => void {
  let lastLogged = -Infinity;
  let heldBack = 0;
  return (error) => {
    if (now() - lastLogged < intervalMs) {
      heldBack++;
      return;
    }
    lastLogged = now();
    const more = heldBack > 0 ? ` (${heldBack} more held back since the last)` : '';
    heldBack = 0;
    logger.warn(`${label}: ${error.message}${more}`);
  };
}
