// The OpenAPI document the API serves at /docs-json lints clean with `redocly lint` (redocly.yaml: the `recommended`
// rules), and describes the errors each route can give in API.md's shape (apps/api/src/http/openapi-document.ts).
// Offline: the local binary, no plugins or remote rulesets, telemetry off.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestSystem } from '../support/test-system';

const ROOT = path.resolve(__dirname, '../..');
const REDOCLY = path.join(ROOT, 'node_modules/.bin/redocly');

interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  location: { pointer: string }[];
}

/** `redocly lint` of `document`: its totals and problems, as its JSON output gives them. */
function lint(document: unknown): { errors: number; warnings: number; problems: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-openapi-lint-'));
  try {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const result = spawnSync(
      REDOCLY,
      ['lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'json'],
      {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 60_000,
      },
    );
    let report: { totals: { errors: number; warnings: number }; problems: LintProblem[] };
    try {
      report = JSON.parse(result.stdout);
    } catch {
      throw new Error(`redocly lint gave no JSON report (exit ${result.status}): ${result.stdout}\n${result.stderr}`);
    }
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`,
    );
    return { errors: report.totals.errors, warnings: report.totals.warnings, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Operation = {
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }>;
};

describe('the OpenAPI document (/docs-json)', () => {
  let system: TestSystem;
  let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    const response = await system.request('GET', '/docs-json');
    expect(response.status).toBe(200);
    document = response.body;
  });
  afterAll(() => system.stop());

  const operation = (method: string, path: string): Operation => document.paths[path][method];

  it('lints clean with redocly’s recommended rules: no error, no warning', () => {
    const result = lint(document);
    expect(result.problems).toEqual([]);
    expect({ errors: result.errors, warnings: result.warnings }).toEqual({ errors: 0, warnings: 0 });
  }, 90_000);

  it('is linted for real: an operation without a summary is reported', () => {
    const broken = structuredClone(document);
    delete broken.paths['/v1/cases/{id}'].get.summary;
    const result = lint(broken);
    expect(result.errors).toBe(1);
    expect(result.problems).toEqual([expect.stringMatching(/^error operation-summary: .*~1v1~1cases~1\{id\}/)]);
  }, 90_000);

  it('describes every error answer with the one ErrorBody schema, as ErrorFilter writes it', () => {
    expect(document.components.schemas.ErrorBody).toMatchObject({
      required: ['statusCode', 'error', 'message'],
      properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, errorId: { format: 'uuid' } },
    });
    const ref = { $ref: '#/components/schemas/ErrorBody' };
    const wrong: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, { responses }] of Object.entries(operations)) {
        const always = path === '/health/live' ? ['401', '500'] : ['401', '500', '503'];
        for (const status of always) if (!responses[status]) wrong.push(`${method} ${path}: no ${status}`);
        for (const [status, response] of Object.entries(responses)) {
          // The readiness check's 503 carries which dependency is down, in a schema of its own.
          if (Number(status) < 400 || (path === '/health/ready' && status === '503')) continue;
          const schema = response.content?.['application/json']?.schema;
          if (JSON.stringify(schema) !== JSON.stringify(ref)) wrong.push(`${method} ${path} ${status}: ${schema}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('derives each route’s errors from what its code declares', () => {
    const codes = (method: string, path: string) => Object.keys(operation(method, path).responses).sort();
    // Public, rate-limited intake with a body and its own 403.
    expect(codes('post', '/v1/reports')).toEqual(['202', '400', '401', '403', '413', '415', '429', '500', '503']);
    expect(operation('post', '/v1/reports').responses['429'].headers).toHaveProperty('Retry-After');
    expect(operation('post', '/v1/reports').responses['503'].headers).toHaveProperty('Retry-After');
    // Staff only, with a path parameter and no body.
    expect(codes('get', '/v1/cases/{id}')).toEqual(['200', '400', '401', '403', '404', '500', '503']);
    // Staff only, with a query.
    expect(codes('get', '/v1/cases')).toEqual(['200', '400', '401', '403', '500', '503']);
    // Public, nothing to validate, no dependency: only bad credentials and the server's own failure.
    expect(codes('get', '/health/live')).toEqual(['200', '401', '500']);
  });

  it('states the security each route accepts from its access policy', () => {
    expect(operation('post', '/v1/auth/login').security).toEqual([{}]);
    expect(operation('get', '/v1/cases').security).toEqual([{ bearer: [] }]);
    expect(operation('get', '/v1/feeds/actioned-channels').security).toEqual([{ bearer: [] }, { 'api-key': [] }]);
    // Auditors and admins only: no API key, whatever a decorator on its controller says.
    expect(operation('get', '/v1/audit/events/{seq}').security).toEqual([{ bearer: [] }]);
  });
});
