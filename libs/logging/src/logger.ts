import type { LogFormat, LogLevel } from '@vigil/config';
import pino, { DestinationStream, Level, Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { currentLogFields } from './log-context';

/** LOG_LEVEL in Nest's words, as pino's levels: Nest's `log` is pino's `info`, `verbose` is `trace`. */
export const PINO_LEVEL: Record<LogLevel, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Paths removed from any object logged, should one ever be: request and response headers (Authorization, X-Api-Key,
 * X-Tracking-Token, cookies), and what a database error carries of the statement's values (TypeORM's
 * QueryFailedError holds the parameters, and PostgreSQL's detail quotes the offending value, an email for instance).
 * Our own lines never log these; this is the net under them (docs/decisions.md).
 */
export const REDACTED_PATHS = [
  'headers',
  'req.headers',
  'res.headers',
  'request.headers',
  'authorization',
  'cookie',
  'err.parameters',
  'err.detail',
  'err.driverError',
  'err.cause.parameters',
  'err.cause.detail',
];

export interface LoggerOptions {
  /** `api`, `worker`: the `name` field of every line. */
  name: string;
  /** Where the lines go; standard output when absent (a test passes a stream to read them). */
  destination?: DestinationStream;
}

/** The process's pino logger for LOG_LEVEL and LOG_FORMAT; every line carries the fields of withLogFields. */
export function createLogger(
  config: { logLevel: LogLevel; logFormat: LogFormat },
  { name, destination }: LoggerOptions,
): Logger {
  const target = destination ?? pino.destination({ dest: 1, sync: true });
  let stream: DestinationStream = target;
  if (config.logFormat === 'pretty') {
    // Formatted in this thread, line by line (no transport worker): the pretty form is for a person at a terminal.
    const prettify = prettyFactory({
      colorize: destination === undefined && process.stdout.isTTY === true,
      ignore: 'context',
      messageFormat: '{if context}[{context}] {end}{msg}',
    });
    stream = { write: (line: string) => target.write(prettify(line)) };
  }
  return pino(
    {
      name,
      level: PINO_LEVEL[config.logLevel],
      // No pid or hostname: the container or the service manager names the process already.
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A copy: pino merges the line's own fields into the object the mixin returns.
      mixin: () => ({ ...currentLogFields() }),
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    stream,
  );
}
