// "Every response code the API can give is described" (issue 27), checked against what the API really answers: every
// TestSystem records each status it gives, by the route pattern Fastify matched, and a suite that has sent many kinds
// of requests (test/e2e/authorization-matrix, test/e2e/hostile-input) asks which of them the OpenAPI document omits.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { TestSystem } from './test-system';

/** Adds `METHOD /route/:pattern STATUS` to `answered` for every response `api` sends (call before it listens). */
export function recordAnswers(api: NestFastifyApplication, answered: Set<string>): void {
  const fastify: FastifyInstance = api.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', async (request, reply) => {
    // No pattern: no route matched (Fastify's own 404), which no operation of the document is about.
    const route = request.routeOptions.url;
    if (route !== undefined) answered.add(`${request.method} ${route} ${reply.statusCode}`);
  });
}

/**
 * The answers `system` gave on routes the OpenAPI document lists whose status that operation does not describe, e.g.
 * `GET /v1/cases/:id 400` (an empty list when all are described). Routes left out of the document (/metrics,
 * /docs-json, the console's files) are not operations, so are not checked.
 */
export async function undescribedAnswers(system: TestSystem): Promise<string[]> {
  const document = await system.request('GET', '/docs-json');
  if (document.status !== 200) throw new Error(`/docs-json answered ${document.status}`);
  const described = new Map<string, Set<string>>();
  for (const [path, operations] of Object.entries(document.body.paths as Record<string, Record<string, unknown>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      const route = `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
      described.set(route, new Set(Object.keys((operation as { responses: object }).responses)));
    }
  }
  return [...system.answered].sort().filter((answer) => {
    const [method, route, status] = answer.split(' ');
    const statuses = described.get(`${method} ${route}`);
    return statuses !== undefined && !statuses.has(status) && !statuses.has(`${status[0]}XX`);
  });
}
