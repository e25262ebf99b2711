import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseSamples, Sample, sampleValue, SelectedMetric, selectedMetrics } from '../support/prometheus-text';
import { freePort, TestSystem, waitFor } from '../support/test-system';
import { WebhookReceiver, webhookEnv } from '../support/webhook-receiver';

// docker/ ships Prometheus's scrape config and alert rules and Grafana's provisioning and dashboard. Their shape is
// checked here, and every metric their PromQL names is checked against what the API and the worker export after
// real work (a report triaged, a decision, an enforcement webhook refused once then delivered).
const DOCKER = join(__dirname, '../../docker');
const readYaml = (path: string) => parse(readFileSync(join(DOCKER, path), 'utf8'));

const prometheus = readYaml('prometheus/prometheus.yml');
const ruleFiles: string[] = prometheus.rule_files ?? [];
const rules: Record<string, any>[] = ruleFiles.flatMap((file) =>
  (readYaml(join('prometheus', file)).groups as { name: string; rules: Record<string, any>[] }[]).flatMap((group) =>
    group.rules.map((rule) => ({ group: group.name, ...rule })),
  ),
);
const DASHBOARDS = join(DOCKER, 'grafana/dashboards');
const dashboards = readdirSync(DASHBOARDS)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, ...JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) }));
const panels = dashboards.flatMap((dashboard) => dashboard.panels.filter((panel: any) => panel.type !== 'row'));

/** Grafana's own variables, as Prometheus would see them once Grafana has substituted them. */
const withGrafanaVariables = (expr: string) => expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1h');

/** Every PromQL expression of the rules and the dashboards, with where it comes from. */
const expressions: { where: string; expr: string }[] = [
  ...rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: String(rule.expr) })),
  ...panels.flatMap((panel: any) =>
    panel.targets.map((target: any) => ({ where: `panel "${panel.title}"`, expr: withGrafanaVariables(target.expr) })),
  ),
];

/** Series Prometheus makes itself for each target, not exported by the apps. */
const PROMETHEUS_OWN = new Set(['up']);
const DURATION = /^\d+[smhd]$/;
const RULE_KEYS = ['group', 'alert', 'expr', 'for', 'labels', 'annotations'];

describe('the Prometheus configuration', () => {
  it('scrapes the API and the worker at their compose service names and loads the alert rules', () => {
    const jobs = Object.fromEntries(
      prometheus.scrape_configs.map((job: any) => [
        job.job_name,
        { path: job.metrics_path, targets: job.static_configs.flatMap((c: any) => c.targets) },
      ]),
    );
    expect(jobs).toEqual({
      'vigil-api': { path: '/metrics', targets: ['api:3000'] },
      'vigil-worker': { path: '/metrics', targets: ['worker:9464'] },
    });
    expect(ruleFiles).toEqual(['alerts.yml']);
  });

  it('has alert rules in Prometheus’s shape, covering triage lag, failed jobs, SLA breaches and enforcement failures', () => {
    expect(rules.length).toBeGreaterThan(0);
    const problems = rules.flatMap((rule) => {
      const where = `rule ${rule.alert ?? JSON.stringify(rule)}`;
      const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.includes(key));
      return [
        unknown.length > 0 && `${where}: unknown keys ${unknown.join(', ')}`,
        !/^Vigil[A-Z][A-Za-z]+$/.test(rule.alert) && `${where}: alert is not a VigilCamelCase name`,
        typeof rule.expr !== 'string' && `${where}: expr is not a string`,
        rule.for !== undefined && !DURATION.test(rule.for) && `${where}: for is not a duration`,
        !['warning', 'critical'].includes(rule.labels?.severity) && `${where}: labels.severity is not warning|critical`,
        typeof rule.annotations?.summary !== 'string' && `${where}: no annotations.summary`,
        typeof rule.annotations?.description !== 'string' && `${where}: no annotations.description`,
      ].filter(Boolean);
    });
    expect(problems).toEqual([]);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    const alertOn = (metric: string) =>
      rules.filter((rule) => selectedMetrics(rule.expr).some((m) => m.name === metric));
    expect(alertOn('vigil_triage_lag_seconds_bucket').length).toBeGreaterThan(0);
    expect(alertOn('vigil_job_failures_total').length).toBeGreaterThan(0);
    expect(alertOn('vigil_cases_sla_breached').length).toBeGreaterThan(0);
    expect(alertOn('vigil_webhook_deliveries_total').some((rule) => /webhook="enforcement"/.test(rule.expr))).toBe(
      true,
    );
  });
});

describe('the Grafana provisioning and dashboard', () => {
  const datasources = readYaml('grafana/provisioning/datasources/prometheus.yml');
  const providers = readYaml('grafana/provisioning/dashboards/vigil.yml');

  it('provisions the Prometheus data source and the dashboards folder', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', uid: expect.any(String) }),
    ]);
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toEqual([
      expect.objectContaining({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } }),
    ]);
  });

  it('has dashboards in Grafana’s shape whose panels query the provisioned data source', () => {
    expect(dashboards.length).toBeGreaterThan(0);
    const uid = datasources.datasources[0].uid;
    for (const dashboard of dashboards) {
      expect(dashboard).toMatchObject({
        uid: expect.any(String),
        title: expect.any(String),
        schemaVersion: expect.any(Number),
      });
      const ids = dashboard.panels.map((panel: any) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(panels.length).toBeGreaterThan(0);
    const problems = panels.flatMap((panel: any) => {
      const where = `panel "${panel.title}"`;
      const { x, y, w, h } = panel.gridPos ?? {};
      const refIds = (panel.targets ?? []).map((target: any) => target.refId);
      return [
        (typeof panel.type !== 'string' || typeof panel.title !== 'string') && `${where}: no type or title`,
        !([x, y, w, h].every(Number.isInteger) && x >= 0 && w > 0 && h > 0 && x + w <= 24) && `${where}: bad gridPos`,
        (panel.datasource?.type !== 'prometheus' || panel.datasource?.uid !== uid) &&
          `${where}: not the data source ${uid}`,
        refIds.length === 0 && `${where}: no targets`,
        new Set(refIds).size !== refIds.length && `${where}: refIds repeat`,
        ...(panel.targets ?? []).map(
          (target: any) =>
            (target.datasource?.uid !== uid || typeof target.expr !== 'string') && `${where}: target ${target.refId}`,
        ),
      ].filter(Boolean);
    });
    expect(problems).toEqual([]);
  });
});

describe('the metrics the rules and the dashboards name', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let exported: Sample[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    const port = await freePort();
    system = await TestSystem.create({ ...webhookEnv(receiver), WORKER_METRICS_PORT: String(port) });
    await system.startApi();
    await system.startWorker();
    // Real work: a report triaged, a takedown decided, its enforcement webhook refused once and then delivered.
    receiver.answer('/enforce', 500);
    const moderator = await system.staff(['moderator']);
    const { caseId } = await system.reportAndTriage({ channel: 'https://t.me/monitoring_probe' });
    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token })).status).toBe(200);
    const decided = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
      token: moderator.token,
      body: { action: 'takedown', policy: 'TVEC-1', reason: 'Distributes claims of responsibility for attacks.' },
    });
    expect(decided.status).toBe(201);
    const worker = `http://127.0.0.1:${port}`;
    const scrape = async (url: string) => parseSamples(await (await fetch(`${url}/metrics`)).text());
    const workerSamples = await waitFor(
      async () => {
        const samples = await scrape(worker);
        return sampleValue(samples, 'vigil_webhook_deliveries_total', { webhook: 'enforcement', outcome: 'delivered' })
          ? samples
          : null;
      },
      { what: 'the enforcement webhook delivered' },
    );
    exported = [...(await scrape(system.baseUrl)), ...workerSamples];
  });
  afterAll(async () => {
    await system.stop();
    await receiver.stop();
  });

  it('reads metric names and label matchers with Prometheus’s grammar, and refuses what it cannot read', () => {
    expect(
      selectedMetrics('histogram_quantile(0.9, sum by (le) (rate(a_bucket{x="1", y=~"z"}[5m]))) > on() b'),
    ).toEqual([
      { name: 'a_bucket', labels: ['x', 'y'] },
      { name: 'b', labels: [] },
    ]);
    expect(() => selectedMetrics('sum(rate(a[5m])')).toThrow(/syntax error/);
    expect(() => selectedMetrics('{__name__="a"}')).toThrow(/without a metric name/);
  });

  it('are all exported by the API or the worker, with the labels they match on', () => {
    expect(expressions.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const { where, expr } of expressions) {
      let selected: SelectedMetric[];
      try {
        selected = selectedMetrics(expr);
      } catch (error) {
        missing.push(`${where}: ${(error as Error).message}`);
        continue;
      }
      expect(selected.length).toBeGreaterThan(0);
      for (const { name, labels } of selected) {
        if (PROMETHEUS_OWN.has(name)) continue;
        const series = exported.filter((sample) => sample.name === name);
        if (series.length === 0) missing.push(`${where}: ${name} is not exported`);
        for (const label of labels) {
          if (!series.some((sample) => label in sample.labels)) missing.push(`${where}: ${name} has no label ${label}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
