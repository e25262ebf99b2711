import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashRecord } from './audit-chain';
import { verifyAuditExport } from './audit-export';
import { AuditEventRow, auditEventColumns, chainEventOf, tupleOfRow } from './audit-rows';
import { checkpointMessage, signCheckpointMessage } from './checkpoint-signature';
import { AuditTestDatabase, AuditUseCases } from './testing/audit-test-database';
import { AuditVerification, VerifyAuditChain } from './verify-audit-chain.use-case';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const system = { actor: { id: null, role: 'system' as const }, requestId: 'test' };

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('audit trail verification and checkpoints (real PostgreSQL)', () => {
  let database: AuditTestDatabase;
  let u: AuditUseCases;

  async function write(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await u.db.transaction((manager) =>
        u.audit.record(manager, { actor: { id: `user-${i % 3}`, role: 'moderator' }, requestId: `req-${i}` }, {
          action: i % 2 ? 'case.claimed' : 'case.lease_released',
          target: { type: 'case', id: `case-${i % 4}` },
          data: { i, before: { status: 'open' }, after: { status: 'in_review' }, note: 'é «ﺍﻟﻘﺎﻧﻮﻥ»' },
        }),
      );
      await sleep(2); // distinct occurred_at, so time ranges in the export test are meaningful
    }
  }

  let threaded: VerifyAuditChain;

  /** Verifies in this thread, and checks the chain cut into three ranges for worker threads gives the same answer. */
  async function verify(fromCheckpoint = false): Promise<AuditVerification> {
    const inThisThread = await u.verify.execute({ fromCheckpoint });
    expect(await threaded.execute({ fromCheckpoint })).toEqual(inThisThread);
    return inThisThread;
  }

  beforeAll(async () => {
    database = await AuditTestDatabase.create();
    u = await database.useCases(5);
    threaded = new VerifyAuditChain(u.db, u.key, { ...database.config, auditVerifyThreads: 3, auditVerifyThreadMinEvents: 1 });
    // Checkpoints at seq 10 and 30, and five sealed events after the last one: head 35.
    await write(10);
    await u.seal.execute();
    await u.sign.execute({ trigger: 'schedule' }, system);
    await write(20);
    await u.seal.execute();
    await u.sign.execute({ trigger: 'schedule' }, system);
    await write(5);
    await u.seal.execute();
    await database.sql(`CREATE TABLE events_backup AS SELECT * FROM audit_events`);
    await database.sql(`CREATE TABLE checkpoints_backup AS SELECT * FROM audit_checkpoints`);
    await database.sql(`CREATE TABLE tree_backup AS SELECT * FROM audit_tree_nodes`);
    await database.sql(`CREATE TABLE tree_heads_backup AS SELECT * FROM audit_tree_heads`);
  });

  afterEach(async () => {
    await database.tamper(
      `DELETE FROM audit_events`,
      `INSERT INTO audit_events SELECT * FROM events_backup`,
      `DELETE FROM audit_checkpoints`,
      `INSERT INTO audit_checkpoints SELECT * FROM checkpoints_backup`,
      `DELETE FROM audit_tree_nodes`,
      `INSERT INTO audit_tree_nodes SELECT * FROM tree_backup`,
      `DELETE FROM audit_tree_heads`,
      `INSERT INTO audit_tree_heads SELECT * FROM tree_heads_backup`,
    );
  });

  afterAll(() => database.drop());

  it('refuses UPDATE, DELETE and TRUNCATE on events and checkpoints, and a second seal', async () => {
    await expect(database.sql(`UPDATE audit_events SET data = '{}' WHERE seq = 3`)).rejects.toThrow(/append-only/);
    await expect(database.sql(`DELETE FROM audit_events WHERE seq = 3`)).rejects.toThrow(/append-only/);
    await expect(database.sql(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    await expect(database.sql(`UPDATE audit_events SET seq = 99, hash = 'x', sealed_at = now() WHERE seq = 3`)).rejects.toThrow(
      /append-only/,
    );
    await expect(database.sql(`UPDATE audit_checkpoints SET seq = 1`)).rejects.toThrow(/append-only/);
    await expect(database.sql(`DELETE FROM audit_checkpoints`)).rejects.toThrow(/append-only/);
    await expect(database.sql(`TRUNCATE audit_checkpoints`)).rejects.toThrow(/append-only/);
  });

  it('verifies the intact chain from genesis and from the latest checkpoint', async () => {
    const [head] = await database.sql(`SELECT seq::int, hash FROM audit_events ORDER BY seq DESC LIMIT 1`);
    expect(await verify()).toEqual({
      ok: true,
      checked: 35,
      headSeq: 35,
      headHash: head.hash,
      firstInvalidSeq: null,
      fault: null,
      startSeq: 0,
    });
    expect(await verify(true)).toMatchObject({ ok: true, checked: 5, headSeq: 35, startSeq: 30 });
  });

  it('reads back exactly what was sealed: any microseconds, tabs, newlines, backslashes, quotes, control characters', async () => {
    // Rows written by hand so their fields hold what the bulk reader (COPY text format, timestamps rewritten in
    // Node) must undo: PostgreSQL drops trailing zeros of the fraction and the whole fraction on a whole second.
    const awkward = 'tab\there\nnew line \\ back\\slash "quoted" \u0001\u001f é «ﺍﻟﻘﺎﻧﻮﻥ» 😀';
    await database.sql(
      `INSERT INTO audit_events (occurred_at, actor_id, actor_role, action, target_type, target_id, data, request_id)
       SELECT t, $1, 'moderator', 'case.claimed', 'case', $1, jsonb_build_object('note', $1::text, 'i', i, 'x', 1.50), $1
       FROM unnest($2::timestamptz[]) WITH ORDINALITY AS u(t, i)`,
      [awkward, ['2026-11-25 10:00:00+00', '2026-11-25 10:00:01.5+00', '2026-11-25 10:00:02.000450+00', '2026-11-25 10:00:03.123456+00', '2026-11-25 10:00:04.1+00']],
    );
    await u.seal.execute();
    const [head] = await database.sql(`SELECT seq::int FROM audit_events ORDER BY seq DESC LIMIT 1`);
    expect(head.seq).toBe(40);
    expect(await verify()).toMatchObject({ ok: true, checked: 40, headSeq: 40 });
    await database.tamper(`UPDATE audit_events SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = 36`);
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 36, fault: 'hash_mismatch' });
  });

  it('checks checkpoints past the first page of them, and names the first that disagrees', async () => {
    // More checkpointed seqs than one page of the verifier's checkpoint reads (2,000): one at every seq.
    await database.sql(
      `INSERT INTO audit_events (occurred_at, actor_id, actor_role, action, target_type, target_id, data, request_id)
       SELECT clock_timestamp(), NULL, 'system', 'case.opened', 'case', 'case-' || g, jsonb_build_object('g', g), NULL
       FROM generate_series(1, 2100) g`,
    );
    await u.seal.execute();
    const events = await database.sql<{ seq: string; hash: string }>(`SELECT seq, hash FROM audit_events ORDER BY seq`);
    expect(events).toHaveLength(2135);
    const signedAt = new Date().toISOString();
    const sign = (seq: number, hash: string) => signCheckpointMessage(u.key.privateKey, seq, hash, signedAt);
    const insertCheckpoints = (rows: { seq: number; hash: string }[]) =>
      database.tamper(
        `INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, algorithm, signature, public_key)
         SELECT * FROM (VALUES ${rows
           .map((r) => `(${r.seq}, '${r.hash}', '${signedAt}'::timestamptz, '${u.key.keyId}', 'Ed25519', '${sign(r.seq, r.hash)}', '${u.key.publicKeyPem}')`)
           .join(', ')}) AS v (seq, hash, signed_at, key_id, algorithm, signature, public_key)`,
      );
    await insertCheckpoints(events.map((e) => ({ seq: Number(e.seq), hash: e.hash })));
    expect(await verify()).toMatchObject({ ok: true, checked: 2135, headSeq: 2135 });
    // A validly signed checkpoint in the second page that vouches for another hash at 2,100.
    await insertCheckpoints([{ seq: 2100, hash: 'c'.repeat(64) }]);
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 2100, fault: 'checkpoint_mismatch', checked: 2100 });
  });

  it('names the row whose field was changed (data, or occurred_at by one microsecond)', async () => {
    await database.tamper(`UPDATE audit_events SET data = data || '{"i": 700}' WHERE seq = 7`);
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 7, fault: 'hash_mismatch' });
    await database.tamper(
      `UPDATE audit_events SET data = (SELECT data FROM events_backup WHERE seq = 7) WHERE seq = 7`,
      `UPDATE audit_events SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = 8`,
    );
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 8, fault: 'hash_mismatch' });
  });

  it('names a deleted row', async () => {
    await database.tamper(`DELETE FROM audit_events WHERE seq = 12`);
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 12, fault: 'missing_event' });
  });

  it('names the first of two rows whose contents were swapped', async () => {
    await database.tamper(`
      UPDATE audit_events e SET actor_id = o.actor_id, action = o.action, target_id = o.target_id, data = o.data,
        request_id = o.request_id, occurred_at = o.occurred_at
      FROM events_backup o WHERE (e.seq, o.seq) IN ((15, 16), (16, 15))`);
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 15 });
  });

  it('names a forged hash', async () => {
    const forged = createHash('sha256').update('forged').digest('hex');
    await database.tamper(`UPDATE audit_events SET hash = '${forged}' WHERE seq = 20`);
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 20, fault: 'hash_mismatch' });
  });

  it('catches a chain recomputed after an edit, from the last checkpoint that still matches', async () => {
    await database.tamper(`UPDATE audit_events SET data = data || '{"i": -14}' WHERE seq = 14`);
    const rows = await database.sql<AuditEventRow>(
      `SELECT ${auditEventColumns('e')} FROM audit_events e WHERE seq >= 14 ORDER BY seq`,
    );
    let prev = rows[0].prev_hash!;
    const rewrites = rows.map((row) => {
      const hash = hashRecord(prev, chainEventOf(tupleOfRow(row)));
      const statement = `UPDATE audit_events SET prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${row.seq}`;
      prev = hash;
      return statement;
    });
    await database.tamper(...rewrites);
    // The checkpoint at 10 still matches; the one at 30 does not: nothing after 10 can be vouched for.
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 11, fault: 'checkpoint_mismatch' });
    expect(await verify(true)).toMatchObject({ ok: false, firstInvalidSeq: 30, fault: 'checkpoint_mismatch' });
  });

  it('catches events removed from the end when a checkpoint covers them', async () => {
    await database.tamper(`DELETE FROM audit_events WHERE seq > 25`);
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 26, fault: 'missing_checkpointed_events' });
  });

  it('catches a forged checkpoint that claims our key', async () => {
    await database.tamper(`
      INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, algorithm, signature, public_key)
      SELECT 20, hash, now(), '${u.key.keyId}', 'Ed25519', 'AAAA', 'x' FROM audit_events WHERE seq = 20`);
    expect(await verify()).toMatchObject({ ok: false, firstInvalidSeq: 20, fault: 'checkpoint_signature_invalid' });
  });

  it('signs checkpoints that verify with the public key in node and with openssl', async () => {
    const checkpoint = await u.queries.latestCheckpoint();
    expect(checkpoint).toMatchObject({ seq: 30, algorithm: 'Ed25519', keyId: u.key.keyId });
    expect(checkpoint.signedAt).toBe(new Date(checkpoint.signedAt).toISOString());
    const [row] = await database.sql(`SELECT hash FROM audit_events WHERE seq = 30`);
    expect(checkpoint.hash).toBe(row.hash);
    const message = Buffer.from(`${checkpoint.seq}.${checkpoint.hash}.${checkpoint.signedAt}`, 'utf8');
    expect(message).toEqual(checkpointMessage(checkpoint.seq, checkpoint.hash, checkpoint.signedAt));
    const signature = Buffer.from(checkpoint.signature, 'base64');
    expect(verifySignature(null, message, createPublicKey(checkpoint.publicKey), signature)).toBe(true);
    expect(createPublicKey(database.config.auditSigningKey!).export({ type: 'spki', format: 'pem' })).toBe(
      checkpoint.publicKey,
    );

    if (!opensslAvailable()) return;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-checkpoint-'));
    try {
      writeFileSync(join(dir, 'public.pem'), checkpoint.publicKey);
      writeFileSync(join(dir, 'message'), message);
      writeFileSync(join(dir, 'signature'), signature);
      const verified = execFileSync('openssl', [
        'pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'public.pem'), '-rawin',
        '-in', join(dir, 'message'), '-sigfile', join(dir, 'signature'),
      ]).toString();
      expect(verified).toMatch(/Signature Verified Successfully/);
      writeFileSync(join(dir, 'message'), `${checkpoint.seq + 1}.${checkpoint.hash}.${checkpoint.signedAt}`);
      expect(() =>
        execFileSync('openssl', [
          'pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'public.pem'), '-rawin',
          '-in', join(dir, 'message'), '-sigfile', join(dir, 'signature'),
        ], { stdio: 'pipe' }),
      ).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('signs a scheduled checkpoint only when the sealed head moved; a requested one always, audited', async () => {
    const first = await u.sign.execute({ trigger: 'schedule' }, system);
    expect(first).toMatchObject({ seq: 35 });
    expect(await u.sign.execute({ trigger: 'schedule' }, system)).toBeNull();
    const requested = await u.sign.execute({ trigger: 'request' }, { actor: { id: 'admin-1', role: 'admin' }, requestId: 'r' });
    expect(requested).toMatchObject({ seq: 35 });
    const events = await database.sql(`SELECT actor_id, data FROM audit_events WHERE action = 'checkpoint.signed'`);
    expect(events).toEqual([{ actor_id: 'admin-1', data: expect.objectContaining({ seq: 35, keyId: u.key.keyId }) }]);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('exports a time range with the checkpoint covering it, which verifies offline; an edited line does not', async () => {
    const [from] = await database.sql(`SELECT occurred_at FROM audit_events WHERE seq = 12`);
    const [to] = await database.sql(`SELECT occurred_at FROM audit_events WHERE seq = 20`);
    const [expected] = await database.sql(
      `SELECT min(seq)::int AS first, max(seq)::int AS last FROM audit_events WHERE occurred_at >= $1 AND occurred_at < $2`,
      [from.occurred_at, to.occurred_at],
    );
    const lines: string[] = [];
    for await (const line of u.exportRange.execute({ from: from.occurred_at, to: to.occurred_at }, system)) {
      lines.push(line);
    }
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ type: 'header', firstSeq: expected.first, lastSeq: expected.last });
    const events = parsed.filter((l) => l.type === 'event');
    // The span runs on to the checkpoint at 30, the first one at or after the range's last event.
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 31 - expected.first }, (_, i) => expected.first + i));
    expect(parsed.filter((l) => l.type === 'checkpoint').map((c) => c.seq)).toEqual([30]);

    const publicKey = u.key.publicKeyPem;
    expect(await verifyAuditExport(() => lines, publicKey)).toMatchObject({ ok: true, checked: events.length, checkpointSeq: 30 });
    const edited = lines.map((l) => (l.includes('"seq":17,') ? l.replace(/"action":"[a-z_.]+"/, '"action":"case.escalated"') : l));
    expect(edited).not.toEqual(lines);
    expect(await verifyAuditExport(() => edited, publicKey)).toMatchObject({ ok: false, firstInvalidSeq: 17 });
  });

  it('exports up to the head by signing a checkpoint when none covers the range yet', async () => {
    const lines: string[] = [];
    for await (const line of u.exportRange.execute({ from: new Date(0), to: new Date(Date.now() + 60_000) }, system)) {
      lines.push(line);
    }
    const checkpoints = lines.map((l) => JSON.parse(l)).filter((l) => l.type === 'checkpoint');
    expect(checkpoints.map((c) => c.seq)).toEqual([10, 30, 35]);
    expect(await verifyAuditExport(() => lines, u.key.publicKeyPem)).toMatchObject({ ok: true, checked: 35, lastSeq: 35 });
  });
});
