import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError } from '@vigil/domain';
import { throttledErrorLog } from '@vigil/logging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { isDependencyOutage } from './dependency-outage';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  errorId?: string;
}

export function errorBody(statusCode: number, message: string | string[]): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** Seconds a client is asked to wait when PostgreSQL or Redis is unreachable. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * One mapping from errors to API.md's error shape: domain error codes to their status, Nest's HTTP exceptions and
 * Fastify's own client errors as they are, PostgreSQL or Redis out of reach a 503 with Retry-After (nothing was
 * committed: the client may try again), anything else a 500 carrying an error id that is also logged.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  /** An outage fails every request at once: one line every few seconds says so, with how many were held back. */
  private readonly logOutage = throttledErrorLog(this.logger, 'A dependency is unreachable (answered 503)');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { body, headers } = this.respond(exception, request);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    void reply.status(body.statusCode).send(body);
  }

  /** The answer to `exception` in the contract's shape, and its headers (also for routes Nest does not serve). */
  respond(exception: unknown, request: FastifyRequest): { body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      const headers: Record<string, string> =
        exception.retryAfterSeconds !== undefined ? { 'retry-after': String(exception.retryAfterSeconds) } : {};
      return { body: errorBody(exception.status, exception.message), headers };
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const status = exception.getStatus();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? (response as { message: string | string[] }).message
          : exception.message;
      if (status === 503 && typeof response === 'object' && response !== null && 'details' in response) {
        // A readiness check that failed: keep which dependency is down.
        return { body: { ...errorBody(status, 'a dependency is not ready'), ...(response as object) }, headers: {} };
      }
      const headers: Record<string, string> =
        status === 429 ? { 'retry-after': String((exception as { retryAfter?: number }).retryAfter ?? 60) } : {};
      return { body: errorBody(status, message), headers };
    }
    const fastifyStatus = (exception as { statusCode?: unknown } | null | undefined)?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { body: errorBody(fastifyStatus, (exception as Error).message), headers: {} };
    }
    if (isDependencyOutage(exception)) {
      this.logOutage(exception as Error);
      return {
        body: errorBody(
          HttpStatus.SERVICE_UNAVAILABLE,
          'The service is briefly unavailable (its database or queue cannot be reached); nothing was changed, retry shortly',
        ),
        headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) },
      };
    }
    const errorId = randomUUID();
    // The route pattern, not the URL: a path or query string may carry a token.
    this.logger.error(
      `Unexpected error ${errorId} on ${request.method} ${request.routeOptions?.url ?? '(no route)'}: ` +
        `${(exception as Error)?.stack ?? String(exception)}`,
    );
    return {
      body: { ...errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error'), errorId },
      headers: {},
    };
  }
}
