import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authenticator, Principal, QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH } from '@vigil/identity';
import { ALL_QUEUES, QueueProducer } from '@vigil/queues';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { assertHoldsRole, principalFromHeaders } from './access.guard';
import { ErrorBody, errorBody, ErrorFilter } from './error.filter';

/** Bull Board only reads: its actions (retry, clean, promote, remove, pause…) are PUT, PATCH, POST and DELETE. */
const READ_METHODS = new Set(['GET', 'HEAD']);
/** Bull Board's page links a Google Fonts stylesheet: dropped, so no admin's browser calls a third party from here. */
const THIRD_PARTY_STYLESHEET = /<link\b[^>]*\bhref="https:\/\/fonts\.(?:googleapis|gstatic)\.com[^>]*>\s*/g;

/** The Set-Cookie of a board session (OpenQueueBoard's token): HttpOnly, SameSite=Strict, sent to the board only. */
export function queueBoardCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return stringifySetCookie({
    name: QUEUE_BOARD_COOKIE,
    value: token,
    path: QUEUE_BOARD_PATH,
    maxAge: maxAgeSeconds,
    httpOnly: true,
    sameSite: 'strict',
    secure,
  });
}

/**
 * Bull Board at /admin/queues, read-only, for admins alone. Nest's AccessGuard does not see Fastify's own routes, so
 * a hook in front of every board route (page, static assets, its /api calls) authenticates with the same
 * Authenticator: a bearer token (curl), or the board session cookie the console obtains from
 * POST /v1/admin/queues/board-session. Anything else is refused before Bull Board runs. Registered in its own
 * encapsulated plugin, so neither the hook nor Bull Board's error handler reaches any other route.
 */
export async function serveQueueBoard(app: NestFastifyApplication): Promise<void> {
  const producer = app.get(QueueProducer);
  const authenticator = app.get(Authenticator);
  const logger = new Logger('QueueBoard');
  const errors = new ErrorFilter();
  const serverAdapter = new FastifyAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    // The API's own queue handles: this deployment's QUEUE_PREFIX and its fail-fast connection.
    queues: ALL_QUEUES.map((name) => new BullMQAdapter(producer.queue(name), { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Vigil queues' } },
  });

  await app.register(
    async (board: FastifyInstance) => {
      board.addHook('onRequest', async (request, reply) => {
        const refusal = await refuse(request, authenticator, errors);
        if (refusal) return reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
        // Job data and counts: not for shared caches.
        reply.header('cache-control', 'no-store');
      });
      board.addHook('onSend', async (request, reply, payload) => {
        if (typeof payload !== 'string') return payload;
        const type = String(reply.getHeader('content-type') ?? '');
        if (type.startsWith('text/html')) return payload.replace(THIRD_PARTY_STYLESHEET, '');
        if (reply.statusCode >= 400 && type.startsWith('application/json')) {
          return JSON.stringify(inContractShape(request, reply, payload, logger));
        }
        return payload;
      });
      // An unknown path under /admin/queues passes the same hook first: a stranger learns nothing, not even a 404.
      board.setNotFoundHandler((request, reply) =>
        reply.code(404).send(errorBody(404, `Cannot ${request.method} ${pathOf(request)}`)),
      );
      await board.register(serverAdapter.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}

/**
 * Bull Board's errors (`{error: {key, message?}}`) in API.md's error shape. Its 5xx are the queues not answering
 * (Redis away: the API's connections fail fast), so they become a 503, logged, never a 500.
 */
function inContractShape(request: FastifyRequest, reply: FastifyReply, payload: string, logger: Logger): ErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = undefined;
  }
  const ours = parsed as Partial<ErrorBody> | undefined;
  if (ours && ours.statusCode === reply.statusCode && typeof ours.error === 'string') return ours as ErrorBody;
  const theirs = (parsed as { error?: { key?: unknown; message?: unknown } } | undefined)?.error;
  const detail =
    typeof theirs?.message === 'string' ? theirs.message : typeof theirs?.key === 'string' ? theirs.key : '';
  if (reply.statusCode >= 500) {
    logger.warn(`Bull Board could not answer ${request.method} ${pathOf(request)}: ${detail || reply.statusCode}`);
    void reply.code(503);
    return errorBody(503, 'the queues cannot be read now (Redis is unreachable?)');
  }
  return errorBody(reply.statusCode, detail || STATUS_CODES[reply.statusCode] || 'Error');
}

interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
}

/** Why a board request may not go on (401, 403, 405), or null when it may. */
async function refuse(
  request: FastifyRequest,
  authenticator: Authenticator,
  errors: ErrorFilter,
): Promise<Refusal | null> {
  try {
    const principal = await boardPrincipal(request, authenticator);
    if (!principal) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Bearer' },
        body: errorBody(401, 'authentication required: a bearer token, or open the board from the console'),
      };
    }
    assertHoldsRole(principal, ['admin']);
    if (!READ_METHODS.has(request.method)) {
      return { status: 405, headers: { allow: 'GET, HEAD' }, body: errorBody(405, 'the queue board is read-only') };
    }
    return null;
  } catch (error) {
    // As on every API route: a domain error's status, an outage's 503, anything else a logged 500.
    const { body, headers } = errors.respond(error, request);
    return { status: body.statusCode, headers, body };
  }
}

/**
 * Headers first, as on every API route (a wrong bearer token is a 401, never a fall-back to the cookie); without
 * them, the board session cookie.
 */
async function boardPrincipal(request: FastifyRequest, authenticator: Authenticator): Promise<Principal | null> {
  const fromHeaders = await principalFromHeaders(request.headers, authenticator);
  if (fromHeaders) return fromHeaders;
  const cookieHeader = request.headers.cookie;
  const token = cookieHeader ? parseCookie(cookieHeader)[QUEUE_BOARD_COOKIE] : undefined;
  return token ? authenticator.fromQueueBoardSession(token) : null;
}

/** The request's path without its query string, which the logs never hold. */
const pathOf = (request: FastifyRequest): string => request.url.split('?')[0];
