// Who may call what: every route the API serves, for every role and for an anonymous caller, checked against one
// table. The routes are read from the running app (Nest's controller metadata, cross-checked with Fastify's router),
// so a new route fails this test until someone decides, here, who may call it.
import { ExecutionContext, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, ModulesContainer, Reflector } from '@nestjs/core';
import { API_KEY_ROLES, Role, STAFF_ROLES } from '@vigil/domain';
import { ACCESS_POLICY, AccessPolicy, Authenticator, Principal } from '@vigil/identity';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AccessGuard } from '../../apps/api/src/http/access.guard';
import { CONSOLE_ROUTES } from '../../apps/api/src/http/console-static';
import { undescribedAnswers } from '../support/answers';
import { HttpResponse, reportBody, TestSystem } from '../support/test-system';

type Caller = 'anonymous' | Role;
const CALLERS: readonly Caller[] = ['anonymous', ...STAFF_ROLES, ...API_KEY_ROLES];

const EVERYONE: readonly Caller[] = CALLERS;
const STAFF: readonly Caller[] = STAFF_ROLES;
const REVIEWERS: readonly Caller[] = ['moderator', 'senior_moderator', 'admin'];
const SENIOR_REVIEWERS: readonly Caller[] = ['senior_moderator', 'admin'];
const ADMIN: readonly Caller[] = ['admin'];
const AUDITORS: readonly Caller[] = ['admin', 'auditor'];
/** Trusted flaggers and referral units (API keys) acting on Vigil's takedowns, and admins. */
const PARTNERS: readonly Caller[] = ['trusted_flagger', 'referral_unit', 'admin'];
/** Whoever may check the audit log's Merkle tree: auditors, admins and every API key holder. */
const LOG_CHECKERS: readonly Caller[] = [...AUDITORS, ...API_KEY_ROLES];

/**
 * THE table: for each "METHOD /path", the callers allowed through. A route whose callers include `anonymous` must be
 * declared `@Public()`; any other route must declare `@Roles(...)` with exactly these roles. "Allowed" means the
 * answer is neither 401 nor 403; anyone else gets 401 when anonymous and 403 otherwise.
 */
const ACCESS: Record<string, readonly Caller[]> = {
  // Public intake; staff accounts are refused by the handler (403) — they use the public form or an API key.
  'POST /v1/reports': ['anonymous', 'trusted_flagger', 'referral_unit'],
  'GET /v1/reports/:id': EVERYONE,
  // Public: the reporter's tracking token or the submitting API key is checked by the handler (404 otherwise).
  'POST /v1/reports/:id/evidence': EVERYONE,
  'GET /v1/evidence/:id': [...REVIEWERS, 'auditor'],
  'POST /v1/appeals': EVERYONE,
  'POST /v1/auth/login': EVERYONE,

  'GET /v1/me': STAFF,

  'GET /v1/cases': REVIEWERS,
  'GET /v1/cases/:id': REVIEWERS,
  'POST /v1/review/claim': REVIEWERS,
  'POST /v1/cases/:id/claim': REVIEWERS,
  'POST /v1/cases/:id/lease/renew': REVIEWERS,
  'POST /v1/cases/:id/lease/release': REVIEWERS,
  'POST /v1/cases/:id/decisions': REVIEWERS,
  'POST /v1/cases/bulk-decisions': SENIOR_REVIEWERS,
  'GET /v1/channels/:id': REVIEWERS,
  'POST /v1/channels/:id/links': REVIEWERS,
  'POST /v1/channels/:id/links/:linkId/confirm': REVIEWERS,
  'POST /v1/channels/:id/links/:linkId/reject': REVIEWERS,
  'GET /v1/migrations': STAFF,
  'POST /v1/cases/:id/legal-holds': ADMIN,
  'DELETE /v1/cases/:id/legal-holds/:holdId': ADMIN,
  'POST /v1/incidents': SENIOR_REVIEWERS,
  'POST /v1/incidents/:id/close': SENIOR_REVIEWERS,
  'GET /v1/incidents': STAFF,

  'GET /v1/appeals': SENIOR_REVIEWERS,
  'POST /v1/appeals/:id/resolve': SENIOR_REVIEWERS,

  'POST /v1/admin/users': ADMIN,
  'GET /v1/admin/users': ADMIN,
  'PATCH /v1/admin/users/:id': ADMIN,
  'POST /v1/admin/api-keys': ADMIN,
  'GET /v1/admin/api-keys': ADMIN,
  'DELETE /v1/admin/api-keys/:id': ADMIN,
  'POST /v1/admin/reports/:id/reveal-reporter': ADMIN,
  'POST /v1/admin/enforcements/:id/retry': ADMIN,
  'GET /v1/admin/reporters/:pseudonym': ADMIN,
  'POST /v1/admin/reporters/:pseudonym/reinstate': ADMIN,
  'GET /v1/admin/queues': ADMIN,
  'POST /v1/admin/queues/board-session': ADMIN,

  'GET /v1/audit': AUDITORS,
  'GET /v1/audit/verify': AUDITORS,
  'GET /v1/audit/checkpoints/latest': AUDITORS,
  'POST /v1/audit/checkpoints': ADMIN,
  'GET /v1/audit/events/:seq': AUDITORS,
  'GET /v1/audit/tree/checkpoint': LOG_CHECKERS,
  'GET /v1/audit/tree/verifier-key': LOG_CHECKERS,
  'GET /v1/audit/tree/inclusion': LOG_CHECKERS,
  'GET /v1/audit/tree/consistency': LOG_CHECKERS,

  'GET /v1/transparency': AUDITORS,
  'GET /v1/exports/statements-of-reasons': AUDITORS,
  'GET /v1/feeds/actioned-channels': PARTNERS,
  'GET /v1/feeds/signing-key': PARTNERS,

  'GET /health/live': EVERYONE,
  'GET /health/ready': EVERYONE,
  'GET /metrics': EVERYONE,
  // Served by Swagger straight from Fastify, outside Nest's router and so outside the guard.
  'GET /docs': EVERYONE,
  'GET /docs/': EVERYONE,
  'GET /docs-json': EVERYONE,
  'GET /docs-yaml': EVERYONE,
  // The console's pages (index.html, or a 404 without a build): public files; what they show comes from the routes
  // above, each guarded.
  ...Object.fromEntries(CONSOLE_ROUTES.map((route) => [`GET ${route}`, EVERYONE])),
  // Bull Board, served by Fastify outside Nest's guard, behind its own hook (apps/api/src/http/queue-board.ts): its
  // page, its static files and its API, read-only (a mutating call is a 405 for an admin, after the role check).
  'GET /admin/queues': ADMIN,
  'GET /admin/queues/': ADMIN,
  'GET /admin/queues/*': ADMIN,
  'GET /admin/queues/api/queues': ADMIN,
  'GET /admin/queues/api/queues/:queueName/:jobId': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/retry/:queueStatus': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/clean/:queueStatus': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/:jobId/promote': ADMIN,
  'POST /admin/queues/api/queues/:queueName/add': ADMIN,
};
/** Every other route Bull Board registers (its version decides which): admin only, each one checked below. */
const QUEUE_BOARD_ROUTE = /^[A-Z]+ \/admin\/queues(?:\/|$)/;

/** Swagger UI's and the console's static assets: public files under /docs and /assets, not API routes. */
const SWAGGER_ASSETS = /^GET \/(docs|assets)\/./;

/**
 * Bodies that get an allowed caller past the guard without changing anything worth mentioning: by default `{}`,
 * which validation refuses (400). Intake gets a valid report so a staff token reaches the handler that refuses it.
 */
const BODIES: Record<string, unknown> = {
  'POST /v1/reports': reportBody(),
};
/** What a route parameter is filled with: a well-formed value of its kind that names nothing. */
const PARAMS: Record<string, () => string> = {
  id: () => randomUUID(),
  linkId: () => randomUUID(),
  holdId: () => randomUUID(),
  pseudonym: () => 'reporter%231a2b3c4d',
  seq: () => '999999999',
  queueName: () => 'triage',
  jobId: () => 'triage-no-such-job',
  queueStatus: () => 'failed',
  schedulerId: () => 'no-such-scheduler',
};
const HAS_BODY = new Set(['POST', 'PATCH', 'PUT']);
const ROUTES_WITHOUT_BODY = new Set([
  'POST /v1/cases/:id/claim',
  'POST /v1/cases/:id/lease/renew',
  'POST /v1/cases/:id/lease/release',
  'POST /v1/admin/enforcements/:id/retry',
  'POST /v1/audit/checkpoints',
  'POST /v1/incidents/:id/close',
  'POST /v1/admin/queues/board-session',
]);

interface NestRoute {
  key: string;
  controller: Type<unknown>;
  handler: (...args: unknown[]) => unknown;
}

/** Every route of every controller the app registered, as "METHOD /path", with its class and handler. */
function nestRoutes(system: TestSystem): NestRoute[] {
  const discovery = new DiscoveryService(system.api!.get(ModulesContainer));
  const routes: NestRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Type<unknown> | null;
    if (!controller) continue;
    const prefixes = paths(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of methodNames(controller.prototype)) {
      const handler = controller.prototype[name];
      const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
      if (method === undefined) continue;
      for (const prefix of prefixes) {
        for (const path of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
          routes.push({ key: `${RequestMethod[method]} ${joinPath(prefix, path)}`, controller, handler });
        }
      }
    }
  }
  return routes;
}

function methodNames(prototype: object): string[] {
  const names = new Set<string>();
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, name)?.value === 'function') {
        names.add(name);
      }
    }
  }
  return [...names];
}

const paths = (value: string | string[] | undefined): string[] =>
  value === undefined ? ['/'] : Array.isArray(value) ? value : [value];

const joinPath = (...parts: string[]): string => `/${parts.join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/**
 * Every route Fastify serves, from `printRoutes` (one tree line per node: indentation is depth, methods in
 * parentheses). HEAD mirrors GET and OPTIONS is CORS, so neither is a route of its own here.
 */
function fastifyRoutes(system: TestSystem): string[] {
  const fastify: FastifyInstance = system.api!.getHttpAdapter().getInstance();
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    stack.push(match[2]);
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push(`${method} ${stack.join('')}`);
    }
  }
  return routes;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

describe('authorization matrix: every route × every role, from the routes the app registers', () => {
  let system: TestSystem;
  let routes: NestRoute[];
  let served: string[];
  const credentials = new Map<Caller, Record<string, string>>();

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    routes = nestRoutes(system);
    served = sorted([
      ...routes.map((r) => r.key),
      ...fastifyRoutes(system).filter((route) => !SWAGGER_ASSETS.test(route)),
    ]);
    for (const route of served) if (QUEUE_BOARD_ROUTE.test(route) && !(route in ACCESS)) ACCESS[route] = ADMIN;
    credentials.set('anonymous', {});
    const admin = await system.login();
    for (const role of STAFF_ROLES) {
      const token = role === 'admin' ? admin : (await system.staff([role])).token;
      credentials.set(role, { authorization: `Bearer ${token}` });
    }
    for (const role of API_KEY_ROLES) {
      const created = await system.request('POST', '/v1/admin/api-keys', {
        token: admin,
        body: { name: `${role} key`, role, organization: 'Authorisation matrix' },
      });
      expect(created.status).toBe(201);
      credentials.set(role, { 'x-api-key': created.body.key });
    }
  });
  afterAll(() => system.stop());

  it('finds the controllers’ routes in Nest’s metadata', () => {
    // A guard against the enumeration silently finding nothing (and so checking nothing).
    expect(routes.length).toBeGreaterThanOrEqual(25);
    expect(routes.map((r) => r.key)).toEqual(expect.arrayContaining(['POST /v1/reports', 'GET /v1/cases/:id']));
  });

  it('has one table entry for every route the app serves, and a route for every table entry', () => {
    const missingFromTable = served.filter((route) => !(route in ACCESS));
    const withoutRoute = Object.keys(ACCESS).filter((route) => !served.includes(route));
    expect({ missingFromTable, withoutRoute }).toEqual({ missingFromTable: [], withoutRoute: [] });
  });

  it('every Nest route declares its policy (@Public() or @Roles(...)), and it is the table’s', () => {
    const reflector = new Reflector();
    const mismatches: string[] = [];
    for (const route of routes) {
      const policy = reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
        route.handler,
        route.controller,
      ]);
      const allowed = ACCESS[route.key];
      if (!policy) {
        mismatches.push(`${route.key}: declares no access policy (the guard denies it to everyone)`);
        continue;
      }
      if (!allowed) continue; // reported by the table-coverage test
      const declared = policyText(policy);
      if (allowed.includes('anonymous')) {
        if (declared !== 'public') mismatches.push(`${route.key}: the table says public, the route says ${declared}`);
      } else if (declared !== `roles ${sorted(allowed).join(', ')}`) {
        mismatches.push(`${route.key}: the table says roles ${sorted(allowed).join(', ')}, the route says ${declared}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('denies a handler without a declared policy to everyone, an admin included (deny by default)', async () => {
    class Undeclared {
      handler() {
        return 'reached';
      }
    }
    const admin: Principal = {
      kind: 'staff',
      userId: randomUUID(),
      email: 'admin@vigil.test',
      roles: ['admin'],
      languages: [],
    };
    const authenticator = { fromBearer: async () => admin, fromApiKey: async () => admin } as unknown as Authenticator;
    const guard = new AccessGuard(new Reflector(), authenticator);
    const request = { headers: { authorization: 'Bearer any' } };
    const context = {
      getHandler: () => Undeclared.prototype.handler,
      getClass: () => Undeclared,
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    await expect(guard.canActivate(context)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers every route × caller as the table says: 401 anonymous, 403 wrong role, else neither', async () => {
    const cases = Object.entries(ACCESS)
      .filter(([route]) => served.includes(route))
      .flatMap(([route, allowed]) =>
        CALLERS.map((caller) => ({ route, caller, allowed: allowed.includes(caller) })),
      );

    const results = await inBatches(cases, 16, async ({ route, caller, allowed }) => {
      const response = await call(route, caller);
      const denied = response.status === 401 || response.status === 403;
      const expected = allowed ? 'allowed' : caller === 'anonymous' ? 401 : 403;
      const actual = denied ? response.status : 'allowed';
      return { route, caller, expected, actual, detail: `${response.status} ${response.text.slice(0, 160)}` };
    });

    const wrong = results
      .filter((r) => r.expected !== r.actual)
      .map((r) => `${r.route} as ${r.caller}: expected ${r.expected}, got ${r.detail}`);
    expect(wrong).toEqual([]);
    expect(results.length).toBe(cases.length);
  });

  it('refuses a wrong bearer token or API key with 401 even on public routes, never as anonymous', async () => {
    const bad: Record<string, string>[] = [
      { authorization: 'Bearer not-a-token' },
      { 'x-api-key': 'vgl_0000000000000000_wrong' },
    ];
    for (const headers of bad) {
      for (const route of ['POST /v1/reports', 'GET /v1/reports/:id', 'GET /v1/cases']) {
        const response = await call(route, 'anonymous', headers);
        expect({ route, headers, status: response.status }).toEqual({ route, headers, status: 401 });
      }
    }
  });

  it('describes in the OpenAPI document every status it answered (401, 403 and whatever the allowed callers got)', async () => {
    expect(system.answered.size).toBeGreaterThan(50); // the recorder saw the calls above
    expect(await undescribedAnswers(system)).toEqual([]);
  });

  function call(route: string, caller: Caller, extraHeaders: Record<string, string> = {}): Promise<HttpResponse> {
    const [method, template] = route.split(' ');
    const path = template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      if (!PARAMS[name]) throw new Error(`no sample value for the route parameter :${name}; add one to PARAMS`);
      return PARAMS[name]();
    });
    const headers = { ...credentials.get(caller), ...extraHeaders };
    if (HAS_BODY.has(method) && !ROUTES_WITHOUT_BODY.has(route)) {
      return system.request(method, path, { body: BODIES[route] ?? {}, headers });
    }
    return system.request(method, path, { headers });
  }
});

function policyText(policy: AccessPolicy): string {
  return policy.kind === 'public' ? 'public' : `roles ${sorted(policy.roles).join(', ')}`;
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}
