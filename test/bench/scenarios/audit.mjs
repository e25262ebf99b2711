// Audit trail:
//  - sealing lag at peak: max and p99 of sealed_at − occurred_at for the events that occurred during the peak
//    intake run and the surge, sealed by the worker's repeatable sealer as configured;
//  - verify speed: synthetic unsealed events are inserted in bulk (generate_series) until the chain holds at least
//    the requested number, the worker's sealer seals them (its backlog rate is reported too), then
//    GET /v1/audit/verify recomputes the whole chain from genesis and is timed.
import { performance } from 'node:perf_hooks';
import { round } from '../lib/stats.mjs';
import { adminToken } from './review.mjs';

/** max/p99 of the sealing lag over the events that occurred in any of `windows` ([{from, to}]). */
export async function sealingLag(system, windows, { timeoutMs }) {
  const until = windows.reduce((latest, w) => (w.to > latest ? w.to : latest), windows[0].to);
  const sealed = await system.waitSealed({ until, timeoutMs });
  const where = windows.map((_, i) => `(occurred_at BETWEEN $${2 * i + 1} AND $${2 * i + 2})`).join(' OR ');
  const params = windows.flatMap((w) => [w.from, w.to]);
  const row = await system.one(
    `SELECT count(*)::int AS events,
            count(sealed_at)::int AS sealed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - occurred_at)) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - occurred_at)) AS p99,
            max(extract(epoch FROM sealed_at - occurred_at)) AS max,
            count(*) FILTER (WHERE sealed_at - occurred_at > interval '2 seconds')::int AS over2s
     FROM audit_events WHERE ${where}`,
    params,
  );
  return {
    allSealed: sealed.done,
    unsealedAtTimeout: sealed.left,
    events: row.events,
    sealed: row.sealed,
    p50Seconds: round(Number(row.p50), 3),
    p99Seconds: round(Number(row.p99), 3),
    maxSeconds: round(Number(row.max), 3),
    eventsOver2s: row.over2s,
  };
}

export const INSERT_CHUNK = 100_000;

/**
 * Unsealed synthetic events numbered $1..$2, shaped like report.received events (a report id, a channel key, a
 * category, a source), labelled synthetic. Shared with test/bench/audit-tree.mjs.
 */
export const INSERT_SYNTHETIC_EVENTS = `
  INSERT INTO audit_events (occurred_at, actor_id, actor_role, action, target_type, target_id, data, request_id)
  SELECT clock_timestamp(), NULL, 'system', 'bench.synthetic_event', 'report', gen_random_uuid()::text,
         jsonb_build_object('channelKey', 'telegram:bench_channel_' || (g % 2000), 'category', 'propaganda',
                            'source', 'public', 'synthetic', true, 'n', g),
         'bench-' || g
  FROM generate_series($1::int, $2::int) AS g`;

export async function verifySpeed(system, { minEvents, sealTimeoutMs, log }) {
  const { n: existing } = await system.one(`SELECT count(*)::int AS n FROM audit_events`);
  const synthetic = Math.max(0, minEvents - existing);
  log(`audit: ${existing.toLocaleString('en-US')} real events; inserting ${synthetic.toLocaleString('en-US')} synthetic unsealed ones`);
  const insertStarted = performance.now();
  for (let done = 0; done < synthetic; done += INSERT_CHUNK) {
    const size = Math.min(INSERT_CHUNK, synthetic - done);
    await system.sql(INSERT_SYNTHETIC_EVENTS, [done + 1, done + size]);
  }
  const insertSeconds = (performance.now() - insertStarted) / 1000;
  const insertedUntil = await system.dbNow();

  log('audit: waiting for the worker to seal the backlog');
  const sealStarted = performance.now();
  const sealed = await system.waitSealed({ until: insertedUntil, timeoutMs: sealTimeoutMs, intervalMs: 250 });
  const sealSeconds = (performance.now() - sealStarted) / 1000;
  if (!sealed.done) log(`audit: ${sealed.left} event(s) still unsealed after ${round(sealSeconds, 1)} s; verifying what is sealed`);

  log('audit: GET /v1/audit/verify');
  const token = await adminToken(system);
  const started = performance.now();
  const response = await system.http.request('GET', '/v1/audit/verify', { token });
  const verifySeconds = (performance.now() - started) / 1000;
  if (response.status !== 200) throw new Error(`GET /v1/audit/verify answered ${response.status}: ${response.text.slice(0, 300)}`);
  const result = response.body;
  return {
    realEvents: existing,
    syntheticEvents: synthetic,
    insertSeconds: round(insertSeconds, 2),
    backlogSealed: sealed.done,
    backlogSealSeconds: round(sealSeconds, 2),
    backlogSealPerSecond: sealed.done ? round(synthetic / sealSeconds, 0) : null,
    verify: {
      ok: result.ok,
      checked: result.checked,
      headSeq: result.headSeq,
      firstInvalidSeq: result.firstInvalidSeq,
      seconds: round(verifySeconds, 3),
      eventsPerSecond: round(result.checked / verifySeconds, 0),
    },
  };
}
