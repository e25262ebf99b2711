import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const STACK = /\n\s*at /;

/**
 * Nest's LoggerService on a pino logger, so that every `new Logger(Context)` in the code writes pino lines: Nest's
 * levels map to pino's (`log` → info, `verbose` → trace), the context becomes the `context` field, an error's stack
 * the `stack` field, and an object message is merged into the line.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    // Nest's Logger appends its context last (and passes `undefined` for an error logged without a stack).
    const last = rest[rest.length - 1];
    if (rest.length > 0 && ((typeof last === 'string' && !STACK.test(last)) || last === undefined)) {
      const context = rest.pop();
      if (context !== undefined) fields.context = context;
    }
    const extra: string[] = [];
    for (const param of rest) {
      if (typeof param === 'string' && STACK.test(param)) fields.stack = param;
      else if (param instanceof Error) fields.err = param;
      else if (param !== null && typeof param === 'object') Object.assign(fields, param);
      else if (param !== undefined) extra.push(String(param));
    }
    let text: string;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (message !== null && typeof message === 'object') {
      const { msg, message: inner, ...others } = message as Record<string, unknown>;
      Object.assign(fields, others);
      text = String(msg ?? inner ?? '');
    } else {
      text = String(message);
    }
    this.pino[level](fields, [text, ...extra].join(' '));
  }
}
