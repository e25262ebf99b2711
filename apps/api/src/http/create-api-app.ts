import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { VigilConfig } from '@vigil/config';
import { BootstrapAdmin } from '@vigil/identity';
import { createLogger, PinoNestLogger } from '@vigil/logging';
import { FEED_SIGNATURE_HEADERS } from '@vigil/moderation';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import { ApiModule } from '../api.module';
import { addAccessLog } from './access-log';
import { serveConsole } from './console-static';
import { MetricsRegistry } from './metrics';
import { errorBody } from './error.filter';
import { completeApiDocument } from './openapi-document';
import { serveQueueBoard } from './queue-board';
import { addSecurityHeaders } from './security-headers';

export const BODY_LIMIT_BYTES = 64 * 1024;
/** The routes that take `multipart/form-data`. */
const MULTIPART_ROUTES = new Set(['/v1/reports/:id/evidence']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface ApiAppOptions {
  /** Where the log lines go instead of standard output (a test reads them). */
  logDestination?: DestinationStream;
}

/** Builds the HTTP app (not yet listening): Fastify, body limit, request ids, logs, OpenAPI, the first admin. */
export async function createApiApp(config: VigilConfig, options: ApiAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = createLogger(config, { name: 'api', destination: options.logDestination });
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Trust the one proxy in front (the socket peer) and so the address it appended to X-Forwarded-For, not the
    // left-most entry, which the client writes itself and could vary to slip past per-address rate limits.
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    // Echo a well-formed incoming X-Request-Id; anything else gets a fresh one rather than being reflected.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  // CORS stays off (browsers refuse cross-origin calls) unless CORS_ORIGINS names the origins allowed.
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'X-Api-Key',
        'Idempotency-Key',
        'X-Request-Id',
        'X-Tracking-Token',
      ],
      // The feed's signature headers too, so that a partner's browser client can check the signature.
      exposedHeaders: ['Retry-After', 'X-Request-Id', ...Object.values(FEED_SIGNATURE_HEADERS)],
      maxAge: 600,
    });
  }

  // Evidence uploads (POST /v1/reports/:id/evidence) stream past the JSON body limit; the route sets its own limits.
  // Every other route refuses multipart bodies as before (415), so none runs on a body it never reads.
  await app.register(multipart, { limits: { files: 1, fields: 0, parts: 1, headerPairs: 50 } });

  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  addAccessLog(fastify, logger);
  fastify.addHook('onRequest', async (request, reply) => {
    const type = request.headers['content-type'];
    const multipartHere = MULTIPART_ROUTES.has(request.routeOptions.url ?? '');
    if (typeof type === 'string' && /^\s*multipart\//i.test(type) && !multipartHere) {
      await reply.status(415).send(errorBody(415, `Unsupported Media Type: ${type.split(';')[0].trim()}`));
    }
  });
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.get(MetricsRegistry).instrument(fastify);
  addSecurityHeaders(fastify, config.nodeEnv === 'production');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Vigil')
      .setDescription('Moderation queue for reports of terrorist-affiliated channels — contract v1')
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
      .build(),
  );
  completeApiDocument(app, document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await serveQueueBoard(app);
  await serveConsole(app, config.consoleDir);

  await app.init();
  await app.get(BootstrapAdmin).run();
  return app;
}
