// What the fault suite does and checks in every scenario: steady intake, and the integrity of the record after it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpClient } from '../../bench/lib/http.mjs';
import { sleep } from '../../bench/lib/stats.mjs';
import { createWorkload } from '../../bench/lib/workload.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** True when the app behind `http` (an HttpClient) answers /health/ready with 200 (the API, or a worker's port). */
export async function apiReady(http) {
  const response = await http.request('GET', '/health/ready', { timeoutMs: 2000 });
  return response.status === 200;
}

/**
 * Reports at a steady rate until stop(), round robin over `baseUrls` (APIs); stop() resolves with the ids of those
 * acknowledged (202).
 */
export function steadyIntake(system, rate, baseUrls = [system.baseUrl]) {
  const workload = createWorkload({ channelCount: 300 });
  const clients = baseUrls.map((url) => new HttpClient(url, { maxSockets: 64 }));
  const acknowledged = [];
  const pending = new Set();
  let refused = 0;
  // Refusals by status (0: no answer at all, the API itself down): an outage of PostgreSQL or Redis must be a 503.
  const refusedByStatus = {};
  const refuse = (status) => {
    refused++;
    refusedByStatus[status] = (refusedByStatus[status] ?? 0) + 1;
  };
  let stopped = false;
  const started = Date.now();
  let sent = 0;
  const loop = (async () => {
    while (!stopped) {
      const due = started + (sent * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      sent++;
      const { body, headers } = workload.next();
      const request = clients[sent % clients.length]
        .request('POST', '/v1/reports', { body, headers, timeoutMs: 10_000 })
        .then((response) => {
          if (response.status === 202) acknowledged.push(response.body.id);
          else refuse(response.status);
        })
        .catch(() => refuse(0))
        .finally(() => pending.delete(request));
      pending.add(request);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(pending);
      for (const client of clients) client.close();
      return { acknowledged, refused, refusedByStatus, sent };
    },
  };
}

/** What must hold after any single fault; returns the problems found (none: passed). */
export async function integrity(system, acknowledged) {
  const problems = [];
  const [{ stored }] = await system.sql(`SELECT count(*)::int AS stored FROM reports WHERE id = ANY($1::uuid[])`, [
    acknowledged,
  ]);
  if (stored !== acknowledged.length) {
    problems.push(`${acknowledged.length - stored} acknowledged report(s) not stored`);
  }
  const [{ untriaged }] = await system.sql(
    `SELECT count(*)::int AS untriaged FROM reports WHERE triaged_at IS NULL OR case_id IS NULL`,
  );
  if (untriaged > 0) problems.push(`${untriaged} report(s) not triaged`);
  const twice = await system.sql(
    `SELECT target_id FROM audit_events WHERE action = 'report.triaged' GROUP BY target_id HAVING count(*) > 1`,
  );
  if (twice.length > 0) problems.push(`${twice.length} report(s) triaged more than once`);
  const [{ triagedEvents, reports }] = await system.sql(
    `SELECT (SELECT count(DISTINCT target_id)::int FROM audit_events WHERE action = 'report.triaged')
              AS "triagedEvents",
            (SELECT count(*)::int FROM reports) AS reports`,
  );
  if (triagedEvents !== reports) problems.push(`${reports - triagedEvents} report(s) without a report.triaged event`);
  const doubled = await system.sql(
    `SELECT channel_id FROM cases WHERE status IN ('open', 'in_review', 'escalated')
     GROUP BY channel_id HAVING count(*) > 1`,
  );
  if (doubled.length > 0) problems.push(`${doubled.length} channel(s) with two unresolved cases`);
  const foreign = await system.sql(
    `SELECT r.id FROM reports r JOIN cases c ON c.id = r.case_id WHERE c.channel_id <> r.channel_id LIMIT 1`,
  );
  if (foreign.length > 0) problems.push('a report in a case of another channel');
  const [{ unsealed }] = await system.sql(`SELECT count(*)::int AS unsealed FROM audit_events WHERE seq IS NULL`);
  if (unsealed > 0) problems.push(`${unsealed} audit event(s) unsealed`);
  const verify = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', 'audit:verify'], {
    cwd: root,
    env: system.env,
    encoding: 'utf8',
  });
  if (verify.status !== 0) {
    problems.push(`audit:verify failed: ${(verify.stdout + verify.stderr).trim().slice(0, 300)}`);
  }
  return problems;
}

/** Polls until every acknowledged report is triaged; resolves with when that was seen (Date.now()). */
export async function acknowledgedTriaged(system, acknowledged, timeoutMs) {
  await waitFor(
    async () =>
      (
        await system.sql(`SELECT 1 FROM reports WHERE id = ANY($1::uuid[]) AND triaged_at IS NULL LIMIT 1`, [
          acknowledged,
        ])
      ).length === 0,
    timeoutMs,
    'every acknowledged report to be triaged',
  );
  return Date.now();
}
