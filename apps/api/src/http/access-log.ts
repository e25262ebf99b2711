import { withLogFields } from '@vigil/logging';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** Probed every few seconds by orchestrators and Prometheus: logged at debug, so they do not drown the rest. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One access line per request (`request completed`: method, route pattern, status, durationMs, reqId), and the
 * request's `reqId` on every line logged while it is handled. The route is Fastify's pattern (`/v1/cases/:id`), never
 * the URL, which may carry a token in its path or query; headers, the client's address and bodies are not logged.
 */
export function addAccessLog(fastify: FastifyInstance, logger: Logger): void {
  // A callback hook, so that the rest of the request runs inside the run; Fastify carries the async context across
  // body parsing (its content-type parser is an AsyncResource), so the handler of a POST sees it too.
  fastify.addHook('onRequest', (request, _reply, done) => withLogFields({ reqId: request.id }, done));
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? null;
    const status = reply.statusCode;
    const level = route !== null && QUIET_ROUTES.has(route) ? 'debug' : status >= 500 ? 'error' : 'info';
    logger[level](
      {
        reqId: request.id,
        method: request.method,
        route,
        status,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });
}
