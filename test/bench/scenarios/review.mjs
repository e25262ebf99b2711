// Review: moderators created through the admin API, then one loop per moderator, all at once:
// POST /v1/review/claim → POST /v1/cases/:id/decisions, until the queue is empty (204) or the time is up.
// Double assignments are counted three ways: by the loops themselves, from the `case.claimed` audit events, and from
// cases with more than one decision.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_EMAIL } from '../lib/system.mjs';
import { round, summarise } from '../lib/stats.mjs';

const LANGUAGE_SETS = [['ar'], ['en'], ['ar', 'en'], ['fr', 'en'], ['ru'], []];
const DECISIONS = [
  { action: 'takedown', policy: 'TVEC-1', legalGround: 'Regulation (EU) 2021/784' },
  { action: 'takedown', policy: 'TVEC-2' },
  { action: 'restrict', policy: 'TVEC-4' },
  { action: 'no_violation', policy: 'TVEC-0' },
];
const REASON = 'The channel distributes material of a designated terrorist organisation (benchmark decision).';
const MODERATOR_PASSWORD = 'bench moderator password';

export async function adminToken(system) {
  const { body } = await system.http.expect(200, 'POST', '/v1/auth/login', {
    body: { email: ADMIN_EMAIL, password: system.adminPassword },
  });
  return body.accessToken;
}

/** Creates `count` moderators and logs each in; argon2id makes this the slow part, so only a few at a time. */
export async function createModerators(system, { count, parallel = 2 }) {
  const admin = await adminToken(system);
  const moderators = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const email = `moderator-${String(i).padStart(3, '0')}@bench.example.org`;
      const created = await system.http.expect(201, 'POST', '/v1/admin/users', {
        token: admin,
        body: {
          email,
          password: MODERATOR_PASSWORD,
          displayName: `Bench moderator ${i}`,
          roles: ['moderator'],
          languages: LANGUAGE_SETS[i % LANGUAGE_SETS.length],
        },
      });
      const login = await system.http.expect(200, 'POST', '/v1/auth/login', {
        body: { email, password: MODERATOR_PASSWORD },
      });
      moderators.push({ id: created.body.id, email, token: login.body.accessToken });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return moderators;
}

/**
 * `loops` concurrent claim → decide loops over the moderator accounts (round robin: with fewer accounts than loops,
 * as in --quick where argon2id would dominate the run, one account drives several loops). A case claimed by two
 * loops counts as a double assignment even when both loops are the same account.
 *
 * `thinkMs: [min, max]` makes each loop read the case for a random time in that range between claim and decision,
 * as a person does, and start after a random time up to `max` (paced); without it the loops click as fast as the API answers (closed loop), which measures
 * throughput and makes latency a queueing figure (50 requests in flight / throughput).
 *
 * `readCase` adds GET /v1/cases/:id after each claim (the case page opened again: an audited `case.viewed` read), for
 * the comparison of review with reads audited and not (test/bench/paired.mjs --read-case).
 */
export async function review(system, { moderators, loops, seconds, thinkMs = null, readCase = false, log }) {
  const { n: openCases } = await system.one(`SELECT count(*)::int AS n FROM cases WHERE status = 'open'`);
  const pace = thinkMs ? `, ${thinkMs[0] / 1000}–${thinkMs[1] / 1000} s reading each case` : ', no pause';
  log(`review: ${loops} loops (${moderators.length} moderator accounts) over ${openCases} open cases (at most ${seconds} s${pace})`);
  const from = await system.dbNow();
  // Every claim and decision: its latency, start time and the size of the claimed case's answer, so the slowest can
  // be told apart (a hot case's long answer, or a moment when the whole machine was busy).
  const timeline = [];
  const emptyClaimMs = [];
  const claimedBy = new Map();
  const unexpected = new Map();
  let stopping = false;
  system.onCleanup(() => (stopping = true));
  const note = (step, response) => {
    const key = `${step} ${response.status} ${response.text.slice(0, 160)}`;
    unexpected.set(key, (unexpected.get(key) ?? 0) + 1);
  };

  const started = performance.now();
  const until = started + seconds * 1000;
  const loop = async (index) => {
    const moderator = moderators[index % moderators.length];
    let n = 0;
    let failures = 0;
    // Paced moderators arrive as people do, spread over one reading time, not all in the same millisecond (which
    // the closed loop still does): fifty claims at one instant queue behind the API's ten database connections.
    if (thinkMs) await sleep(Math.random() * thinkMs[1]);
    while (!stopping && performance.now() < until && failures < 20) {
      const claim = await system.http.request('POST', '/v1/review/claim', { token: moderator.token, body: {} });
      if (claim.status === 204) {
        emptyClaimMs.push(claim.ms);
        return;
      }
      if (claim.status !== 200) {
        note('claim', claim);
        failures++;
        continue;
      }
      const kb = Buffer.byteLength(claim.text) / 1024;
      timeline.push({ step: 'claim', at: claim.startedAt - started, ms: claim.ms, kb });
      const caseId = claim.body.id;
      const holders = claimedBy.get(caseId) ?? new Set();
      holders.add(index);
      claimedBy.set(caseId, holders);
      if (readCase) {
        const viewed = await system.http.request('GET', `/v1/cases/${caseId}`, { token: moderator.token });
        if (viewed.status !== 200) {
          note('view', viewed);
          failures++;
          continue;
        }
        timeline.push({ step: 'view', at: viewed.startedAt - started, ms: viewed.ms, kb });
      }
      if (thinkMs) await sleep(thinkMs[0] + Math.random() * (thinkMs[1] - thinkMs[0]));
      const decision = DECISIONS[(index + n++) % DECISIONS.length];
      const decided = await system.http.request('POST', `/v1/cases/${caseId}/decisions`, {
        token: moderator.token,
        body: { ...decision, reason: REASON },
      });
      if (decided.status !== 201) {
        note('decision', decided);
        failures++;
        continue;
      }
      timeline.push({ step: 'decision', at: decided.startedAt - started, ms: decided.ms, kb });
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, i) => loop(i)));
  const elapsed = (performance.now() - started) / 1000;
  const of = (step, keep = () => true) => timeline.filter((t) => t.step === step && keep(t));

  const { n: auditDoubles } = await system.one(
    `SELECT count(*)::int AS n FROM (
       SELECT target_id FROM audit_events
       WHERE action = 'case.claimed' AND occurred_at >= $1
       GROUP BY target_id HAVING count(DISTINCT actor_id) > 1) d`,
    [from],
  );
  const { n: decisionDoubles } = await system.one(
    `SELECT count(*)::int AS n FROM (
       SELECT case_id FROM decisions WHERE created_at >= $1 GROUP BY case_id HAVING count(*) > 1) d`,
    [from],
  );
  const loopDoubles = [...claimedBy.values()].filter((holders) => holders.size > 1).length;
  return {
    loops,
    thinkMs,
    moderatorAccounts: moderators.length,
    openCasesAtStart: openCases,
    seconds: round(elapsed, 2),
    claims: of('claim').length,
    decisions: of('decision').length,
    decisionsPerSecond: round(of('decision').length / elapsed, 1),
    claimMs: summarise(of('claim').map((t) => t.ms)),
    claimResponseKb: summarise(of('claim').map((t) => t.kb)),
    decisionMs: summarise(of('decision').map((t) => t.ms)),
    ...(readCase ? { viewMs: summarise(of('view').map((t) => t.ms)) } : {}),
    // Latency by the size of the claimed case's answer (a hot case's carries 200 reports and their history).
    byClaimAnswerKb: Object.fromEntries(
      ['claim', 'decision'].flatMap((step) => [
        [`${step} < 100 KB`, summarise(of(step, (t) => t.kb < 100).map((t) => t.ms))],
        [`${step} ≥ 100 KB`, summarise(of(step, (t) => t.kb >= 100).map((t) => t.ms))],
      ]),
    ),
    slowest: timeline
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 20)
      .map((t) => ({ step: t.step, atSeconds: round(t.at / 1000, 2), ms: round(t.ms, 1), kb: round(t.kb, 0) })),
    emptyClaimMs: summarise(emptyClaimMs),
    doubleAssignments: Math.max(loopDoubles, auditDoubles, decisionDoubles),
    doubleAssignmentChecks: { loops: loopDoubles, auditCaseClaimed: auditDoubles, casesWithTwoDecisions: decisionDoubles },
    unexpectedResponses: Object.fromEntries(unexpected),
    queueEmptied: emptyClaimMs.length > 0,
  };
}
