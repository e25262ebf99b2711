// The audit Merkle tree (issue 26), measured on its own, in one run:
//  - sealing throughput with the tree against a build without it: rounds alternate the two builds (AB BA AB …),
//    each on a fresh database holding the same synthetic backlog of unsealed events, sealed by that build's
//    SealAuditEvents until none is left;
//  - proof latency at a large tree: a tree of --leaves synthetic events is written straight into the tree's tables
//    (real SHA-256 over each event's canonical JSON, level by level, in SQL), with the events the proofs read; then
//    inclusion and consistency proofs for random seqs and sizes are timed one at a time through AuditTreeQueries (what
//    the API's handlers call: database round trips included, HTTP not), and every one is verified against the root.
//   npm run build && node test/bench/audit-tree.mjs --baseline=<a built checkout without the tree>
//     [--leaves=10000000] [--events=100000] [--rounds=3] [--proofs=2000]
// Without --baseline only the proofs are measured. Every database it creates is dropped, also on failure.
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { processCpuSeconds } from './lib/probe.mjs';
import { percentile, round } from './lib/stats.mjs';
import { INSERT_CHUNK, INSERT_SYNTHETIC_EVENTS } from './scenarios/audit.mjs';

const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
};
const LEAVES = Number(option('leaves', '10000000'));
const EVENTS = Number(option('events', '100000'));
const ROUNDS = Number(option('rounds', '3'));
const PROOFS = Number(option('proofs', '2000'));
const BASELINE = option('baseline', null);
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const log = (text) => process.stderr.write(`[audit-tree bench] ${text}\n`);

/** One built checkout: its libs from dist/, as the apps load them. */
function build(root) {
  const require = createRequire(path.join(root, 'package.json'));
  require('reflect-metadata');
  require('@nestjs/common').Logger.overrideLogger(['error', 'fatal']);
  const lib = (name) => require(path.join(root, `dist/libs/${name}/src/index.js`));
  return {
    root,
    require,
    audit: lib('audit'),
    database: lib('database'),
    config: lib('config'),
    typeorm: require('typeorm'),
  };
}

const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A migrated throwaway database of `variant`, handed to `work`, dropped afterwards. */
async function withDatabase(variant, label, work) {
  const { loadConfig } = variant.config;
  const databaseUrl = variant.database.throwawayDatabaseUrl(loadConfig().databaseUrl, label);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    AUDIT_SIGNING_KEY: signingKey,
    AUDIT_SEAL_SETTLE_MS: '0',
  });
  const db = new variant.typeorm.DataSource({ type: 'postgres', url: databaseUrl, poolSize: 4, extra: { max: 4 } });
  try {
    await variant.database.migrate(config);
    await db.initialize();
    return await work(db, config);
  } finally {
    if (db.isInitialized) await db.destroy();
    await variant.database.dropDatabase(databaseUrl);
  }
}

/** The same synthetic backlog as the full bench's verify scenario. */
async function insertBacklog(db, events) {
  for (let done = 0; done < events; done += INSERT_CHUNK) {
    await db.query(INSERT_SYNTHETIC_EVENTS, [done + 1, Math.min(events, done + INSERT_CHUNK)]);
  }
  await db.query('VACUUM ANALYZE audit_events');
}

async function sealingRound(variant, name) {
  return withDatabase(variant, 'bench', async (db, config) => {
    await insertBacklog(db, EVENTS);
    const sealer = new variant.audit.SealAuditEvents(db, config);
    const sessions = await clientSessions(db);
    const cpuBefore = sessions.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
    const nodeBefore = process.cpuUsage();
    const started = performance.now();
    let sealed = 0;
    while (sealed < EVENTS) {
      const outcome = await sealer.execute();
      if (outcome.sealed === 0) throw new Error(`${name}: the sealer stopped at ${sealed} of ${EVENTS}`);
      sealed += outcome.sealed;
    }
    const seconds = (performance.now() - started) / 1000;
    const node = process.cpuUsage(nodeBefore);
    const postgres = (await clientSessions(db)).reduce((sum, pid) => sum + processCpuSeconds(pid), 0) - cpuBefore;
    const perSecond = round(EVENTS / seconds, 0);
    // CPU per event is what the work costs, whatever else the machine runs meanwhile (wall time is not, here).
    const nodeUs = ((node.user + node.system) / EVENTS);
    const postgresUs = (postgres / EVENTS) * 1e6;
    const cpuUsPerEvent = round(nodeUs + postgresUs, 1);
    log(
      `sealing, ${name}: ${EVENTS} events in ${round(seconds, 2)} s, ${perSecond}/s, ${cpuUsPerEvent} µs CPU/event ` +
        `(this process ${round(nodeUs, 1)}, PostgreSQL ${round(postgresUs, 1)})`,
    );
    return { perSecond, cpuUsPerEvent };
  });
}

/**
 * The canonical JSON of synthetic event `g` (leaf g, seq g + 1), written in SQL exactly as canonicalEventJson writes
 * the row `syntheticEvents` inserts: the tree's leaves are hashed in SQL, and the proofs read the events back.
 */
const canonicalSql = (g) =>
  `'{"action":"bench.synthetic_event","actor":{"id":null,"role":"system"},"data":{"n":' || ${g} || '},"id":"' ||
   lpad(to_hex(${g}), 32, '0')::uuid::text || '","occurredAt":"2026-12-07T00:00:00.000000Z","requestId":null,"seq":' ||
   (${g} + 1) || ',"target":{"id":"t' || ${g} || '","type":"report"}}'`;

/** Sealed events for the given leaves (no more: the tree reads only a few leaves per proof). */
async function syntheticEvents(db, leaves) {
  await db.query(
    `INSERT INTO audit_events (id, occurred_at, actor_id, actor_role, action, target_type, target_id, data,
                               request_id, seq, prev_hash, hash, sealed_at)
     SELECT lpad(to_hex(g), 32, '0')::uuid, '2026-12-07 00:00:00+00', NULL, 'system', 'bench.synthetic_event',
            'report', 't' || g, jsonb_build_object('n', g), NULL, g + 1, repeat('0', 64), repeat('0', 64), now()
     FROM unnest($1::bigint[]) AS g`,
    [leaves],
  );
}

/**
 * The tree of `leaves` synthetic events, level by level in SQL with PostgreSQL's sha256() (each level in a scratch
 * table), keeping the levels the sealer keeps, and its size.
 */
async function writeTree(db, leaves, { isStoredLevel }) {
  const chunk = 1_000_000;
  const started = performance.now();
  const level = (k) => `bench_level_${k}`;
  await db.query(`CREATE UNLOGGED TABLE ${level(1)} (idx bigint, hash bytea)`);
  for (let from = 0; from < leaves - 1; from += chunk) {
    await db.query(
      `INSERT INTO ${level(1)}
       SELECT g / 2, sha256('\\x01'::bytea || string_agg(leaf, ''::bytea ORDER BY g))
       FROM generate_series($1::bigint, $2::bigint) AS g,
            LATERAL (SELECT sha256('\\x00'::bytea || convert_to(${canonicalSql('g')}, 'UTF8')) AS leaf) AS l
       GROUP BY g / 2`,
      [from, Math.min(Math.floor(leaves / 2) * 2, from + chunk) - 1],
    );
  }
  let width = Math.floor(leaves / 2);
  for (let k = 2; width >= 2; k++) {
    await db.query(`CREATE UNLOGGED TABLE ${level(k)} (idx bigint, hash bytea)`);
    await db.query(
      `INSERT INTO ${level(k)}
       SELECT idx / 2, sha256('\\x01'::bytea || string_agg(hash, ''::bytea ORDER BY idx))
       FROM ${level(k - 1)} WHERE idx < $1 GROUP BY idx / 2`,
      [Math.floor(width / 2) * 2],
    );
    if (isStoredLevel(k)) {
      await db.query(`INSERT INTO audit_tree_nodes (level, idx, hash) SELECT $1, idx, hash FROM ${level(k)}`, [k]);
    }
    await db.query(`DROP TABLE ${level(k - 1)}`);
    width = Math.floor(width / 2);
    if (width < 2) await db.query(`DROP TABLE ${level(k)}`);
  }
  await db.query(`INSERT INTO audit_tree_heads (tree_size) VALUES ($1)`, [leaves]);
  await db.query('VACUUM ANALYZE audit_tree_nodes');
  const [{ rows, bytes }] = await db.query(
    `SELECT count(*)::bigint AS rows, pg_total_relation_size('audit_tree_nodes') AS bytes FROM audit_tree_nodes`,
  );
  log(`tree of ${leaves} leaves written in ${round((performance.now() - started) / 1000, 1)} s: ${rows} stored ` +
    `nodes, ${round(Number(bytes) / 2 ** 20, 0)} MiB with their index`);
  return { storedNodes: Number(rows), mebibytes: round(Number(bytes) / 2 ** 20, 0) };
}

/** The backends of `db`'s pool: the sealer's statements run in one of them. */
const clientSessions = async (db) =>
  (
    await db.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
    )
  ).map((row) => row.pid);

const randomInt = (min, max) => min + Math.floor(Math.random() * (max - min + 1));

function summary(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    maxMs: round(sorted[sorted.length - 1], 3),
  };
}

async function proofLatency(variant) {
  const { audit } = variant;
  const store = variant.require(path.join(variant.root, 'dist/libs/audit/src/audit-tree-store.js'));
  // Half the proofs in the whole tree (the checkpoint a verifier holds), half in a random earlier size.
  const sizeFor = (i) => (i % 2 === 0 ? LEAVES : randomInt(1, LEAVES));
  const inclusions = Array.from({ length: PROOFS }, (_, i) => {
    const treeSize = sizeFor(i);
    return { seq: randomInt(1, treeSize), treeSize };
  });
  const consistencies = Array.from({ length: PROOFS }, (_, i) => {
    const to = sizeFor(i);
    return { from: randomInt(1, to), to };
  });
  // The events those proofs read (and the proven ones, to verify against): everything else is stored nodes.
  const root = (size) => audit.completeSubtrees({ start: 0, end: size });
  const nodes = [
    ...inclusions.flatMap(({ seq, treeSize }) => [
      { level: 0, index: seq - 1 },
      ...audit.inclusionProofRanges(seq - 1, treeSize).flatMap(audit.completeSubtrees),
      ...root(treeSize),
    ]),
    ...consistencies.flatMap(({ from, to }) => [
      ...audit.consistencyProofRanges(from, to).flatMap(audit.completeSubtrees),
      ...root(from),
      ...root(to),
    ]),
  ];
  const leaves = store.storedReads(nodes).leaves;
  return withDatabase(variant, 'bench', async (db, config) => {
    const tree = await writeTree(db, LEAVES, store);
    await syntheticEvents(db, leaves);
    await db.query('ANALYZE audit_events');
    const queries = new audit.AuditTreeQueries(db, new audit.AuditSigningKey(config), config);
    const roots = new Map();
    const rootOf = async (size) => {
      if (!roots.has(size)) roots.set(size, await queries.rootHash(size));
      return roots.get(size);
    };
    const bytes = (hashes) => hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64')));
    const time = async (run) => {
      const started = performance.now();
      const result = await run();
      return [performance.now() - started, result];
    };
    for (const { seq, treeSize } of inclusions.slice(0, 200)) await queries.inclusion(seq, treeSize); // warm-up
    const inclusion = [];
    let longest = 0;
    for (const { seq, treeSize } of inclusions) {
      const [ms, proof] = await time(() => queries.inclusion(seq, treeSize));
      inclusion.push(ms);
      longest = Math.max(longest, proof.hashes.length);
      const leaf = audit.defaultHasher.leaf(Buffer.from((await queries.event(seq)).canonical, 'base64'));
      if (!audit.verifyInclusion(seq - 1, treeSize, leaf, bytes(proof.hashes), await rootOf(treeSize))) {
        throw new Error(`the inclusion proof of seq ${seq} in ${treeSize} does not verify`);
      }
    }
    const consistency = [];
    // The machine's floor, interleaved with the proofs: one `SELECT 1` round trip on the same pool.
    const floor = [];
    for (const { from, to } of consistencies) {
      floor.push((await time(() => db.query('SELECT 1')))[0]);
      const [ms, proof] = await time(() => queries.consistency(from, to));
      consistency.push(ms);
      const ok = audit.verifyConsistency(from, to, await rootOf(from), await rootOf(to), bytes(proof.hashes));
      if (!ok) throw new Error(`the consistency proof ${from} → ${to} does not verify`);
    }
    return {
      leaves: LEAVES,
      tree,
      eventsRead: leaves.length,
      longestInclusionPath: longest,
      inclusion: summary(inclusion),
      consistency: summary(consistency),
      selectOne: summary(floor),
    };
  });
}

const current = build(here);
const result = { leaves: LEAVES, events: EVENTS, rounds: ROUNDS };
if (BASELINE) {
  const baseline = build(path.resolve(BASELINE));
  const rates = { baseline: [], tree: [] };
  // A B, B A, A B…: neither build always goes first (warmer caches, a quieter moment).
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['baseline', 'tree'] : ['tree', 'baseline'];
    for (const which of order) {
      if (which === 'baseline') rates.baseline.push(await sealingRound(baseline, 'without the tree'));
      else rates.tree.push(await sealingRound(current, 'with the tree'));
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rate = (runs) => runs.map((run) => run.perSecond);
  const cpu = (runs) => runs.map((run) => run.cpuUsPerEvent);
  result.sealing = {
    withoutTreePerSecond: rate(rates.baseline),
    withTreePerSecond: rate(rates.tree),
    medianRatio: round(median(rate(rates.tree)) / median(rate(rates.baseline)), 3),
    // Each round's two runs side by side: less of the machine's drift between rounds in it.
    medianRoundRatio: round(median(rates.tree.map((run, r) => run.perSecond / rates.baseline[r].perSecond)), 3),
    // The same comparison in CPU (this process and its PostgreSQL sessions) per event: the throughput the two would
    // have on a machine of their own, as far as CPU bounds it; far steadier than wall time on a shared machine.
    withoutTreeCpuUsPerEvent: cpu(rates.baseline),
    withTreeCpuUsPerEvent: cpu(rates.tree),
    cpuRatio: round(median(cpu(rates.baseline)) / median(cpu(rates.tree)), 3),
  };
  log(`sealing: median ${median(rate(rates.tree))}/s with the tree, ${median(rate(rates.baseline))}/s without; ` +
    `CPU ${median(cpu(rates.tree))} against ${median(cpu(rates.baseline))} µs/event`);
}
if (LEAVES > 0) result.proofs = await proofLatency(current);
process.stdout.write(`${JSON.stringify(result)}\n`);
