import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, ModulesContainer, Reflector } from '@nestjs/core';
import type { OpenAPIObject, OperationObject, ResponseObject, SecurityRequirementObject } from '@nestjs/swagger';
import { API_KEY_ROLES, STAFF_ROLES } from '@vigil/domain';
import { ACCESS_POLICY, AccessPolicy } from '@vigil/identity';
import { IntakeRateLimitGuard } from './rate-limit.guard';

/** The schema every error answer refers to: the shape ErrorFilter writes (API.md, Conventions). */
export const ERROR_BODY_SCHEMA = 'ErrorBody';

/** What each generic error means; a route's own `@ApiResponse` description, when it has one, wins. */
const GENERIC: Record<number, string> = {
  400: 'Invalid input: a body, parameter or query value the API refuses (the message says which)',
  401: 'Not authenticated, or a wrong or revoked bearer token or API key (checked even where none is needed)',
  403: 'Authenticated, but the caller’s role does not allow this',
  404: 'Nothing of that id here (also for what the caller may not know exists)',
  413: 'The body is over 64 KiB',
  415: 'A body of a media type this route does not read',
  429: 'Rate-limited: try again after `Retry-After` seconds',
  500: 'An unexpected failure on the server’s side (never a client’s mistake); `errorId` is logged with it',
  503: 'PostgreSQL or Redis cannot be reached: nothing was changed; try again after `Retry-After` seconds',
};

/** Routes that touch neither PostgreSQL nor Redis, so never answer 503. */
const SELF_CONTAINED_ROUTES = new Set(['/health/live']);

/** Methods whose body Fastify reads, whatever the handler does with it: a body it cannot parse is refused first. */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/**
 * Completes the document @nestjs/swagger generates with what it cannot see but the code already declares, so that a
 * route added later is described without a decorator of its own:
 * - every error answer a route can give, all in ErrorFilter's shape: 401 on every route (credentials are checked even
 *   on public ones), 403 where `@Roles` restricts it, 400 where it reads a body, a path parameter or a query, 404
 *   where a path parameter names something, 413 and 415 where it reads a body, 429 with `Retry-After` where the intake
 *   rate limit guards it, 500 and 503 (a dependency out of reach) everywhere. Route-specific codes (409, 410, a public route's 403…) stay `@ApiResponse`
 *   decorators next to their handler; this gives them the error body.
 * - the security each route accepts, from its access policy rather than from decorators that could disagree with it.
 * test/e2e/openapi-lint.e2e-spec.ts lints the result; the e2e suites check that every status they see is described.
 */
export function completeApiDocument(app: INestApplication, document: OpenAPIObject): void {
  // Relative: the document is served by the API it describes, wherever that is.
  if (!document.servers?.length) document.servers = [{ url: '/', description: 'the API serving this document' }];
  document.components ??= {};
  document.components.schemas ??= {};
  for (const schema of Object.values(document.components.schemas)) unwrapLoneAllOf(schema);
  document.components.schemas[ERROR_BODY_SCHEMA] = {
    type: 'object',
    description: 'Every error answer (API.md, Conventions)',
    required: ['statusCode', 'error', 'message'],
    properties: {
      statusCode: { type: 'integer', description: 'The HTTP status, repeated', example: 400 },
      error: { type: 'string', description: 'The status’s name', example: 'Bad Request' },
      message: {
        description: 'What was wrong: one sentence, or one per invalid field',
        oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
      errorId: { type: 'string', format: 'uuid', description: 'On a 500 only: the id logged with the failure' },
    },
  };
  describeRoutes(app, document);
}

/**
 * The generator writes an enum property as `{allOf: [{$ref}]}` even with nothing beside it to keep (a description,
 * `nullable`); a one-schema `allOf` alone says no more than the schema itself.
 */
function unwrapLoneAllOf(schema: object): void {
  const properties = (schema as { properties?: Record<string, Record<string, unknown>> }).properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    const keys = Object.keys(property);
    if (keys.length === 1 && keys[0] === 'allOf' && Array.isArray(property.allOf) && property.allOf.length === 1) {
      properties[name] = property.allOf[0] as Record<string, unknown>;
    }
  }
}

function describeRoutes(app: INestApplication, document: OpenAPIObject): void {
  const reflector = new Reflector();
  for (const route of controllerRoutes(app)) {
    const operation = (document.paths[route.path] as Record<string, OperationObject> | undefined)?.[route.method];
    if (!operation) continue; // excluded from the document (@ApiExcludeEndpoint)
    const policy = reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      route.handler,
      route.controller,
    ]);
    const guards = reflector.getAllAndMerge<unknown[]>(GUARDS_METADATA, [route.handler, route.controller]);
    const parameters = (operation.parameters ?? []) as { in?: string }[];
    const readsBody = BODY_METHODS.has(route.method);
    const hasPathParameter = /\{[^}]+\}/.test(route.path);

    const codes = [401, 500];
    if (!SELF_CONTAINED_ROUTES.has(route.path)) codes.push(503);
    if (policy?.kind !== 'public') codes.push(403);
    if (readsBody || hasPathParameter || parameters.some((p) => p.in === 'query')) codes.push(400);
    if (hasPathParameter) codes.push(404);
    if (readsBody) codes.push(413, 415);
    if (guards.includes(IntakeRateLimitGuard)) codes.push(429);
    for (const code of codes) operation.responses[code] ??= { description: GENERIC[code] };

    for (const [code, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
      if (Number(code) < 400) continue;
      response.content ??= { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_BODY_SCHEMA}` } } };
      if (code === '429' || code === '503') {
        response.headers = {
          ...response.headers,
          'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
        };
      }
    }
    operation.security = security(policy, operation.security);
  }
}

/** Public: anonymous, or whatever a decorator declared. Roles: a bearer token for staff roles, a key for key roles. */
function security(
  policy: AccessPolicy | undefined,
  declared: SecurityRequirementObject[] | undefined,
): SecurityRequirementObject[] {
  if (policy?.kind !== 'roles') return [{}, ...(declared ?? []).filter((entry) => Object.keys(entry).length > 0)];
  const requirements: SecurityRequirementObject[] = [];
  if (policy.roles.some((role) => (STAFF_ROLES as readonly string[]).includes(role))) requirements.push({ bearer: [] });
  if (policy.roles.some((role) => (API_KEY_ROLES as readonly string[]).includes(role))) {
    requirements.push({ 'api-key': [] });
  }
  return requirements;
}

interface ControllerRoute {
  /** As the document writes it: `/v1/cases/{id}`. */
  path: string;
  /** Lower case, as the document's keys: `get`, `post`. */
  method: string;
  controller: Type<unknown>;
  handler: Function;
}

/** Every handler of every controller the app registered, with the path and method it answers. */
function controllerRoutes(app: INestApplication): ControllerRoute[] {
  const routes: ControllerRoute[] = [];
  for (const wrapper of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const controller = wrapper.metatype as Type<unknown> | null;
    if (!controller) continue;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler: unknown = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      for (const prefix of paths(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const path of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
          const joined = `/${prefix}/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
          routes.push({
            path: joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
            method: RequestMethod[method].toLowerCase(),
            controller,
            handler,
          });
        }
      }
    }
  }
  return routes;
}

const paths = (value: string | string[] | undefined): string[] =>
  value === undefined ? ['/'] : Array.isArray(value) ? value : [value];
