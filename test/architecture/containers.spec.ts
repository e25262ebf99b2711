// There is no Docker engine where the tests run, so the container files are checked as text: what `docker compose -f
// docker/compose.yml up` would start, and how (multi-stage images, a non-root user, health checks, read-only root file
// systems, the console inside the API's image).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The instructions of a Dockerfile's stages, continuation lines joined. */
function stages(file: string): { from: string; instructions: string[] }[] {
  const lines = read(file)
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const result: { from: string; instructions: string[] }[] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) result.push({ from: line, instructions: [] });
    else result[result.length - 1]?.instructions.push(line);
  }
  return result;
}

describe.each(['docker/api.Dockerfile', 'docker/worker.Dockerfile'])('%s', (file) => {
  const all = stages(file);
  const runtime = all[all.length - 1];

  it('builds in one stage and runs from another that copies only the build output', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all[0].instructions).toContain('RUN npm ci --no-audit --no-fund');
    const copies = runtime.instructions.filter((i) => i.startsWith('COPY'));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy).toMatch(/^COPY --from=build --chown=node:node /);
  });

  it('runs as the non-root node user, with a health check, in production mode', () => {
    const user = runtime.instructions.findIndex((i) => i === 'USER node');
    const cmd = runtime.instructions.findIndex((i) => i.startsWith('CMD'));
    expect(user).toBeGreaterThanOrEqual(0);
    expect(cmd).toBeGreaterThan(user);
    // Only the directory the development keys live in is made writable for node, before the user switch.
    expect(runtime.instructions.indexOf('RUN mkdir .vigil && chown node:node .vigil')).toBeLessThan(user);
    expect(runtime.instructions.some((i) => /^HEALTHCHECK .*CMD /.test(i))).toBe(true);
    expect(runtime.instructions.find((i) => i.startsWith('ENV'))).toMatch(/NODE_ENV=production/);
  });
});

describe('docker/compose.yml', () => {
  const compose = parse(read('docker/compose.yml'), { merge: true }) as {
    services: Record<string, Record<string, any>>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;

  it('brings up the whole stack: PostgreSQL, Redis, the migration, the API (with the console) and the worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'migrate', 'api', 'worker']));
    expect(services.api.ports).toContain('127.0.0.1:3000:3000');
    expect(services.api.depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
    expect(services.worker.depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
    for (const name of ['postgres', 'redis']) expect(services[name].healthcheck.test).toBeDefined();
    // The console is built into dist/ by `npm run build`, which the API's image runs; the API serves it at /.
    expect(read('docker/api.Dockerfile')).toMatch(/RUN npm run build /);
    expect(JSON.parse(read('package.json')).scripts.build).toMatch(/build:console/);
    expect(read('docker/api.Dockerfile')).toMatch(/COPY apps \.\/apps/);
  });

  it.each(['migrate', 'api', 'worker'])('runs %s read-only, without capabilities or privilege escalation', (name) => {
    const service = services[name];
    expect(service.read_only).toBe(true);
    expect(service.cap_drop).toEqual(['ALL']);
    expect(service.security_opt).toContain('no-new-privileges:true');
    expect(service.tmpfs).toEqual([expect.stringMatching(/^\/tmp:/)]);
    // The one writable place: the development keys, shared so that all three sign and encrypt alike.
    expect(service.volumes).toEqual(['vigilsecrets:/app/.vigil']);
    expect(service.user ?? 'node').toBe('node');
  });

  it('keeps the keys, the database, the queue and the metrics in named volumes', () => {
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['pgdata', 'redisdata', 'vigilsecrets', 'promdata', 'grafanadata']),
    );
  });

  it('monitors the apps: Prometheus scrapes both by their service names, Grafana loads the dashboard by itself', () => {
    expect(services.prometheus.volumes).toContain('./prometheus:/etc/prometheus:ro');
    const prometheus = parse(read('docker/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    expect(targets.sort()).toEqual(['api:3000', 'worker:9464']);
    expect(services.api.environment.HOST).toBe('0.0.0.0');
    expect(services.worker.environment.HOST).toBe('0.0.0.0');
    for (const file of prometheus.rule_files) expect(() => read(`docker/prometheus/${file}`)).not.toThrow();

    const provider = parse(read('docker/grafana/provisioning/dashboards/vigil.yml')) as {
      providers: { options: { path: string } }[];
    };
    const mounted = (services.grafana.volumes as string[]).map((v) => v.split(':'));
    expect(mounted).toContainEqual(['./grafana/dashboards', provider.providers[0].options.path, 'ro']);
    expect(mounted).toContainEqual(['./grafana/provisioning', '/etc/grafana/provisioning', 'ro']);
    for (const name of ['prometheus', 'grafana']) expect(services[name].healthcheck.test).toBeDefined();
  });
});
