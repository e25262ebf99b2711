// Time ranges of the transparency figures, the statements-of-reasons export and the actioned-channels feed
// (docs/transparency.md). A range is half-open, [from, to): an event exactly at `to` belongs to the next range, so
// consecutive ranges never count one event twice.
import { DomainError } from './errors';

/** The range a report or an export covers when the caller names neither end: the last 30 days. */
export const DEFAULT_REPORTING_DAYS = 30;

export interface TimeRange {
  from: Date;
  to: Date;
}

// A calendar date (taken as UTC midnight), or a date and time with an explicit offset. A time without an offset
// would mean the server's local time, which the caller cannot know: refused rather than guessed.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO 8601 time as the API accepts it: `2026-11-25`, `2026-11-25T10:00Z`, `2026-11-25T10:00:00.123+01:00`.
 * Milliseconds are kept, finer fractions dropped. Anything else (week and ordinal dates, no offset, 30 February,
 * year 0) is the caller's mistake.
 */
export function parseIsoTime(raw: string, name: string): Date {
  const refuse = (why: string) => new DomainError('INVALID_INPUT', `${name} must be an ISO 8601 time${why}`);
  const date = DATE.exec(raw);
  const dateTime = date ? null : DATE_TIME.exec(raw);
  const parts = date ?? dateTime;
  if (!parts) {
    const withoutOffset = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(raw);
    throw refuse(withoutOffset ? ' with an offset, e.g. 2026-11-25T10:00:00Z' : ', e.g. 2026-11-25T10:00:00Z');
  }
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(parts[i] ?? 0));
  const millis = Number((dateTime?.[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = dateTime ? offsetMinutes(dateTime[8]) : 0;
  if (offset === null) throw refuse(' (the offset is not a valid one)');
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  local.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  const valid =
    year >= 1 &&
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute &&
    local.getUTCSeconds() === second;
  if (!valid) throw refuse(' (no such date or time)');
  const time = new Date(local.getTime() - offset * 60_000);
  // An offset can push year 1 into year 0, or 9999 into 10000, which PostgreSQL would refuse (a 500, not a 400).
  if (time.getTime() < EARLIEST || time.getTime() > LATEST) throw refuse(' between the years 1 and 9999 (UTC)');
  return time;
}

const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');


function offsetMinutes(text: string): number | null {
  if (text === 'Z') return 0;
  const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})$/.exec(text)!;
  if (Number(hours) > 23 || Number(minutes) > 59) return null;
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}

/**
 * The range a caller asked for: `to` defaults to now and `from` to DEFAULT_REPORTING_DAYS before `to`.
 * `from` must be strictly before `to`.
 */
export function reportingRange(input: { from?: string; to?: string }, now: Date): TimeRange {
  const to = input.to === undefined ? now : parseIsoTime(input.to, 'to');
  const from =
    input.from === undefined
      ? new Date(to.getTime() - DEFAULT_REPORTING_DAYS * 86_400_000)
      : parseIsoTime(input.from, 'from');
  if (!(from.getTime() < to.getTime())) throw new DomainError('INVALID_INPUT', '`from` must be before `to`');
  return { from, to };
}
