import { QUEUE_BOARD_PATH } from '@vigil/identity';
import type { FastifyInstance } from 'fastify';
import { isConsolePath } from './console-static';

/** The API answers JSON only: nothing may load, run, frame or submit anything from its responses. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * The console's pages and assets: scripts, styles and calls from this origin only, nothing inline (Vite emits no
 * inline script or style, and the console sets no style attribute), nothing framed or posted elsewhere. Images may
 * also come from `blob:` URLs: evidence images are fetched with the bearer token and shown from an object URL.
 */
const CONSOLE_CSP =
  "default-src 'self'; img-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; " +
  "form-action 'self'";
/** Swagger UI (/docs) loads its own scripts, styles and inline SVG from this origin and calls the API. */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Bull Board (/admin/queues): its scripts, styles and calls from this origin, plus the inline styles and `data:`
 * images its React UI uses; `base-uri 'self'` for the page's <base href>. Still nothing framed, posted or fetched
 * elsewhere (its Google Fonts stylesheet is removed from the page, see queue-board.ts).
 */
const QUEUE_BOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'; " +
  "form-action 'none'";
/** Bull Board's page, assets and API: QUEUE_BOARD_PATH and anything below it. */
const QUEUE_BOARD = new RegExp(`^${QUEUE_BOARD_PATH}(?:[/?#]|$)`);

/**
 * The headers @fastify/helmet would set that matter for a JSON API (the package is not a dependency). HSTS only in
 * production, where TLS terminates in front of the API; in development it would pin browsers to https on localhost.
 */
export function securityHeaders(path: string, production: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'x-permitted-cross-domain-policies': 'none',
    'content-security-policy': /^\/docs(?:[/?-]|$)/.test(path)
      ? DOCS_CSP
      : QUEUE_BOARD.test(path)
        ? QUEUE_BOARD_CSP
        : isConsolePath(path)
          ? CONSOLE_CSP
          : API_CSP,
  };
  if (production) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}

/** Sets them on every response, errors and 404s included (they are set before routing). */
export function addSecurityHeaders(fastify: FastifyInstance, production: boolean): void {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.headers(securityHeaders(request.url, production));
  });
}
