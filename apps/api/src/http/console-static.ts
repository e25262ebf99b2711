import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The console's client-side routes (CONSOLE.md): a reload on any of them gets index.html, and nothing else does, so
 * /v1, /docs, /health and /metrics keep their own 404s.
 */
export const CONSOLE_ROUTES = [
  '/',
  '/login',
  '/cases/:id',
  '/appeals',
  '/appeals/:id',
  '/audit',
  '/transparency',
  '/admin/users',
  '/admin/api-keys',
  '/incidents',
  '/report',
  '/track',
  '/appeal',
] as const;

const CONSOLE_PATH = new RegExp(
  `^(?:${CONSOLE_ROUTES.map((route) => route.replace(/:id/g, '[^/?#]+')).join('|')}|/assets/[^?#]*)(?:[?#]|$)`,
);

/** Whether a request path is one of the console's pages or its built assets. */
export function isConsolePath(url: string): boolean {
  return CONSOLE_PATH.test(url);
}

/**
 * Serves the built console (`npm run build` writes it to config.consoleDir): hashed assets cached for a year, the
 * page itself never cached, so a deploy is picked up at the next navigation. The page routes exist with or without a
 * build (the API's routes do not depend on what was built); without one they answer 404 saying so.
 */
export async function serveConsole(app: NestFastifyApplication, consoleDir: string): Promise<void> {
  const root = path.resolve(consoleDir);
  const indexFile = path.join(root, 'index.html');
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const built = existsSync(indexFile);
  if (built) {
    // One route per built file (wildcard off): nothing else under /assets/ reaches the file system.
    await app.register(fastifyStatic, {
      root: path.join(root, 'assets'),
      prefix: '/assets/',
      wildcard: false,
      immutable: true,
      maxAge: '365d',
      index: false,
    });
  } else {
    new Logger('Console').warn(`no console build at ${root} (run npm run build); its pages answer 404`);
  }
  // Vite writes index.html once per build, and the process serves one build: read it once.
  const index = built ? readFileSync(indexFile) : null;
  for (const route of CONSOLE_ROUTES) {
    fastify.get(route, async (_request, reply) =>
      index
        ? reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index)
        : reply
            .code(404)
            .send({ statusCode: 404, error: 'Not Found', message: 'the console is not built: npm run build' }),
    );
  }
}
