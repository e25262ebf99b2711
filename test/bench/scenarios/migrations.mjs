// The migration search (API.md "Migration intelligence") under load:
//  - its cost: intake and triage at a fixed rate on channels that match nothing, before and after the database holds
//    `actioned` channels taken down (their names looked up by every triage);
//  - the seed's scenario: `successors` of those channels reported on another platform, as fast as intake takes them:
//    the links suggested, recall on the planted successors, and the seconds from a successor's first report to its
//    suggested link.
// The actioned channels are written straight into the database (their takedowns are not what is measured); their
// lookup keys are made by the built libs/domain, the same code intake runs.
import { createRequire } from 'node:module';
import path from 'node:path';
import { firePaced } from '../lib/paced-load.mjs';
import { round, summarise } from '../lib/stats.mjs';
import { fireReports, triageLag } from './intake.mjs';

/** A handle of the bench's own, the same once normalised (lower case letters and digits, no affix, not generic). */
const actionedHandle = (i) => `mig${i.toString(36)}outlet`;

function built(root, file) {
  const require = createRequire(import.meta.url);
  return require(path.join(root, 'dist', file));
}

const domain = (root) => built(root, 'libs/domain/src/index.js');

/**
 * What the search adds to triage's read, per report: the select-list columns of the built triage
 * (`MIGRATION_COLUMNS`) timed alone over the waiting reports of `channelIds`, one statement each, as triage runs them.
 */
async function searchCost(system, { root, channelIds, windowDays }) {
  const { MIGRATION_COLUMNS } = built(root, 'libs/moderation/src/triage/migration-candidates.js');
  const sql = `WITH waiting AS (SELECT r.match_keys, r.previous_channel_key FROM reports r WHERE r.channel_id = $1)
    SELECT ${MIGRATION_COLUMNS.replaceAll(':channelId', '$1').replaceAll(':migrationWindowDays', '$2')}`;
  return timeEach(channelIds, (id) => system.sql(sql, [id, windowDays]));
}

/** Milliseconds of `run` for each item, one after the other. */
async function timeEach(items, run) {
  const ms = [];
  for (const item of items) {
    const started = process.hrtime.bigint();
    await run(item);
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summarise(ms);
}

/** Reports of fresh channels that match nothing actioned: what every report pays for the search, and no more. */
function freshReports(prefix) {
  let i = 0;
  return () => {
    i += 1;
    const body = {
      channel: `https://tamtam.chat/${prefix}${i.toString(36)}x`,
      category: 'propaganda',
      description: `Re-posts statements of a designated group (#${i})`,
      channelTitle: `Fresh outlet ${prefix} ${i}`,
    };
    return { path: '/v1/reports', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  };
}

async function pacedRun(system, { prefix, rate, seconds, connections, title }) {
  const from = await system.dbNow();
  const load = await firePaced(system.baseUrl, {
    rate,
    duration: seconds,
    connections,
    title,
    request: freshReports(prefix),
    onCleanup: (hook) => system.onCleanup(hook),
  });
  const to = await system.dbNow();
  await system.waitTriaged({ timeoutMs: 120_000, intervalMs: 100 });
  return { load, lag: await triageLag(system, from, to) };
}

async function seedActioned(system, { root, count }) {
  const { matchKeys } = domain(root);
  for (const i of [0, 1, count - 1]) {
    const keys = matchKeys({ handle: actionedHandle(i) });
    if (keys.join() !== `handle:${actionedHandle(i)}`) {
      throw new Error(`the bench's handle ${actionedHandle(i)} gives lookup keys ${keys}, not its own`);
    }
  }
  const started = Date.now();
  const handles = Array.from({ length: count }, (_, i) => actionedHandle(i));
  await system.sql(
    `WITH made AS (
       INSERT INTO channels (platform, kind, canonical_key, handle, url, status, actioned_at)
       SELECT 'telegram', 'channel', 'telegram:' || h, h, 'https://t.me/' || h, 'actioned',
              now() - interval '1 hour' * (1 + n % 48)
       FROM unnest($1::text[]) WITH ORDINALITY AS given (h, n)
       RETURNING id, handle)
     INSERT INTO channel_names (key, channel_id) SELECT 'handle:' || handle, id FROM made`,
    [handles],
  );
  return round((Date.now() - started) / 1000, 1);
}

/** Successors of the first `count` actioned channels, on TamTam, with an affix; one report each. */
function successorWorkload(count) {
  let i = 0;
  return {
    next() {
      const n = i % count;
      i += 1;
      return {
        headers: { 'content-type': 'application/json' },
        body: {
          channel: `https://tamtam.chat/${actionedHandle(n)}_new`,
          category: 'attack_claim',
          description: `Claims an attack; the channel came back after its takedown (#${i})`,
        },
      };
    },
  };
}

export async function migrationSearch(system, { root, actioned, successors, rate, seconds, connections, log }) {
  log(`migrations: ${rate}/s for ${seconds} s on fresh channels, before any actioned channel`);
  const before = await pacedRun(system, { prefix: 'pre', rate, seconds, connections, title: 'migration search off' });
  log(`migrations: writing ${actioned.toLocaleString('en-US')} actioned channels`);
  const seedSeconds = await seedActioned(system, { root, count: actioned });
  await system.sql(`ANALYZE channels`);
  await system.sql(`ANALYZE channel_names`);
  log(`migrations: ${rate}/s for ${seconds} s on fresh channels, with ${actioned} actioned channels to look up`);
  const after = await pacedRun(system, { prefix: 'post', rate, seconds, connections, title: 'migration search on' });

  log(`migrations: ${successors} successors reported as fast as intake takes them`);
  const from = await system.dbNow();
  const load = await fireReports(system, successorWorkload(successors), {
    connections,
    amount: successors,
    title: 'successors',
  });
  await system.waitTriaged({ timeoutMs: 300_000, intervalMs: 100 });
  // Fresh channels (their lookups find nothing) and successors (each finds its predecessor), a round trip each.
  const sample = await system.sql(
    `(SELECT id FROM channels WHERE canonical_key LIKE 'tamtam:post%' LIMIT 250)
     UNION ALL (SELECT id FROM channels WHERE canonical_key LIKE 'tamtam:mig%' LIMIT 250)`,
  );
  const cost = await searchCost(system, { root, channelIds: sample.map((r) => r.id), windowDays: 90 });
  const baseline = await timeEach(sample, () => system.sql(`SELECT 1`));
  const found = await system.one(
    `WITH firsts AS (
       SELECT r.channel_id, min(r.received_at) AS first_report FROM reports r WHERE r.received_at >= $1
       GROUP BY r.channel_id)
     SELECT count(l.id)::int AS links,
            count(DISTINCT l.from_channel_id) FILTER (WHERE t.canonical_key LIKE 'telegram:mig%')::int AS planted,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.created_at - f.first_report)) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM l.created_at - f.first_report)) AS p99,
            max(extract(epoch FROM l.created_at - f.first_report)) AS max
     FROM firsts f
     JOIN channel_links l ON l.from_channel_id = f.channel_id AND l.kind = 'suspected_migration'
     JOIN channels t ON t.id = l.to_channel_id`,
    [from],
  );
  return {
    actioned,
    seedSeconds,
    before,
    after,
    // Milliseconds per statement of the search alone, and of a bare `SELECT 1` round trip beside it.
    searchStatementMs: cost,
    roundTripMs: baseline,
    successors: {
      planted: Math.min(successors, actioned),
      load,
      links: found.links,
      recall: round(found.planted / Math.min(successors, actioned), 3),
      secondsToLink: {
        p50: round(Number(found.p50), 3),
        p99: round(Number(found.p99), 3),
        max: round(Number(found.max), 3),
      },
    },
  };
}
