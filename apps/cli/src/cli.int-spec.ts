import { AuditService, SealAuditEvents, verifierKeyText } from '@vigil/audit';
import type { VigilConfig } from '@vigil/config';
import { dropDatabase, migrate } from '@vigil/database';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { testConfig } from '../../../test/support/test-system';
import { runCli, USAGE } from './cli';

const GENESIS_HASH = '0'.repeat(64);

/** An in-memory stream standing in for process.stdout / stderr. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

describe('operator CLI: audit commands (real PostgreSQL)', () => {
  const key = keyPair();
  let config: VigilConfig;
  let db: DataSource;
  let superuser: Client;
  let dir: string;
  let publicKeyFile: string;

  beforeAll(async () => {
    config = testConfig({ AUDIT_SIGNING_KEY: key.privatePem, AUDIT_SEAL_SETTLE_MS: '0' });
    await migrate(config);
    db = new DataSource({ type: 'postgres', url: config.databaseUrl, poolSize: 2 });
    await db.initialize();
    superuser = new Client({ connectionString: config.databaseUrl });
    await superuser.connect();
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    publicKeyFile = join(dir, 'audit-signing-key.pub.pem');
    writeFileSync(publicKeyFile, key.publicPem);
  });
  afterAll(async () => {
    await superuser?.end();
    await db?.destroy();
    if (config) await dropDatabase(config.databaseUrl);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function cli(argv: string[], readConfig: () => VigilConfig = () => config) {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(argv, { stdout, stderr, config: readConfig });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  /** Records events the way use-cases do (one transaction) and seals them, as the worker would. */
  async function recordAndSeal(count: number): Promise<void> {
    await db.transaction(async (manager) => {
      for (let i = 0; i < count; i++) {
        await new AuditService().record(
          manager,
          { actor: { id: `operator-${i}`, role: 'moderator' }, requestId: `cli-spec-${i}` },
          {
            action: 'case.claimed',
            target: { type: 'case', id: `case-${i}` },
            data: { n: i, note: 'ﺗﺠﺮﺑﺔ «quoted» \u2028 é', nested: { z: 1, a: [true, null, 2.5] } },
          },
        );
      }
    });
    await new SealAuditEvents(db, config).execute();
  }

  async function sealedHead(): Promise<{ seq: number; hash: string }> {
    const [head] = await db.query(`SELECT seq::int AS seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`);
    return head;
  }

  async function tamper(statement: string, params: unknown[]): Promise<void> {
    await superuser.query('BEGIN');
    await superuser.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await superuser.query(statement, params);
    await superuser.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    await superuser.query('COMMIT');
  }

  const exportLines = (text: string) =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));

  it('audit:verify exits 0 on an empty chain and on a sealed one, printing the verification', async () => {
    const empty = await cli(['audit:verify']);
    expect(empty).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(empty.stdout)).toMatchObject({
      ok: true,
      checked: 0,
      headSeq: 0,
      headHash: GENESIS_HASH,
      firstInvalidSeq: null,
    });

    await recordAndSeal(6);
    const head = await sealedHead();
    expect(head.seq).toBe(6);
    const sealed = await cli(['audit:verify']);
    expect(sealed).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(sealed.stdout)).toMatchObject({
      ok: true,
      checked: 6,
      headSeq: 6,
      headHash: head.hash,
      firstInvalidSeq: null,
    });
  });

  it('audit:checkpoint signs the sealed head with the configured key, audited as a CLI action', async () => {
    const head = await sealedHead();
    const result = await cli(['audit:checkpoint']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const checkpoint = JSON.parse(result.stdout);
    expect(checkpoint).toMatchObject({ seq: head.seq, hash: head.hash, algorithm: 'Ed25519', publicKey: key.publicPem });
    const message = Buffer.from(`${checkpoint.seq}.${checkpoint.hash}.${checkpoint.signedAt}`, 'utf8');
    expect(verify(null, message, key.publicPem, Buffer.from(checkpoint.signature, 'base64'))).toBe(true);

    const rows = await db.query(`SELECT seq::int AS seq, hash, signature FROM audit_checkpoints`);
    expect(rows).toEqual([{ seq: head.seq, hash: head.hash, signature: checkpoint.signature }]);
    const [event] = await db.query(
      `SELECT actor_id, actor_role, request_id, data FROM audit_events WHERE action = 'checkpoint.signed'`,
    );
    expect(event).toMatchObject({ actor_id: null, actor_role: 'system', data: { seq: head.seq, hash: head.hash } });
    expect(event.request_id).toMatch(/^cli-[0-9a-f-]{36}$/);

    await new SealAuditEvents(db, config).execute();
    const fromCheckpoint = await cli(['audit:verify', '--from-checkpoint']);
    expect(fromCheckpoint.code).toBe(0);
    expect(JSON.parse(fromCheckpoint.stdout)).toMatchObject({ ok: true, startSeq: head.seq, checked: 1, headSeq: head.seq + 1 });
  });

  it('audit:export writes NDJSON that audit:verify-export accepts with the public key, and refuses when edited', async () => {
    const exported = await cli(['audit:export', '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z']);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    const lines = exportLines(exported.stdout);
    const events = lines.filter((l) => l.type === 'event');
    const checkpoints = lines.filter((l) => l.type === 'checkpoint');
    const head = await sealedHead();
    expect(lines[0]).toMatchObject({ type: 'header', format: 'vigil-audit-export/1', firstSeq: 1, lastSeq: head.seq });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(events.length).toBeGreaterThanOrEqual(head.seq);
    expect(Math.max(...checkpoints.map((c) => c.seq))).toBe(events[events.length - 1].seq);

    const file = join(dir, 'export.ndjson');
    writeFileSync(file, exported.stdout);
    const accepted = await cli(['audit:verify-export', file, '--public-key', publicKeyFile]);
    expect(accepted).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(accepted.stdout)).toMatchObject({
      ok: true,
      checked: events.length,
      firstSeq: 1,
      lastSeq: events.length,
      firstInvalidSeq: null,
    });

    // One character of one event's data changed: the chain no longer holds at that event.
    const edited = join(dir, 'export-edited.ndjson');
    const text = readFileSync(file, 'utf8').split('\n');
    const at = text.findIndex((line) => line.includes('"seq":4,') && line.includes('"type":"event"'));
    expect(at).toBeGreaterThan(0);
    text[at] = text[at].replace('"n":3', '"n":33');
    writeFileSync(edited, text.join('\n'));
    const refused = await cli(['audit:verify-export', edited, `--public-key=${publicKeyFile}`]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, firstInvalidSeq: 4, fault: 'hash_mismatch', line: at + 1 });

    // Another key vouches for nothing in the file.
    const otherKeyFile = join(dir, 'other.pub.pem');
    writeFileSync(otherKeyFile, keyPair().publicPem);
    const wrongKey = await cli(['audit:verify-export', file, '--public-key', otherKeyFile]);
    expect(wrongKey.code).toBe(1);
    expect(JSON.parse(wrongKey.stdout)).toMatchObject({ ok: false, fault: 'checkpoint_signature_invalid' });

    const missing = await cli(['audit:verify-export', join(dir, 'nope.ndjson'), '--public-key', publicKeyFile]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^audit:verify-export failed: .*ENOENT/);
  });

  it('exports an empty range as its header and a checkpoint, which verifies', async () => {
    const exported = await cli(['audit:export', '--from', '2001-01-01T00:00:00Z', '--to', '2001-01-02T00:00:00Z']);
    expect(exported.code).toBe(0);
    const lines = exportLines(exported.stdout);
    expect(lines.map((l) => l.type)).toEqual(['header', 'checkpoint']);
    expect(lines[0]).toMatchObject({ firstSeq: null, lastSeq: null });
    const file = join(dir, 'empty.ndjson');
    writeFileSync(file, exported.stdout);
    const verified = await cli(['audit:verify-export', file, '--public-key', publicKeyFile]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, checked: 0 });
  });

  it('audit:export refuses a range whose end is not after its start (non-zero, with a message)', async () => {
    const result = await cli(['audit:export', '--from', '2026-02-01T00:00:00Z', '--to', '2026-01-01T00:00:00Z']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('audit:export failed: `from` must be before `to`');
  });

  it('audit:verify exits 1 naming the first edited seq after tampering, and 0 once restored', async () => {
    const [victim] = await db.query(`SELECT data FROM audit_events WHERE seq = 3`);
    await tamper(`UPDATE audit_events SET data = data || '{"n": 99}' WHERE seq = $1`, [3]);
    const broken = await cli(['audit:verify']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstInvalidSeq: 3, fault: 'hash_mismatch' });

    await tamper(`UPDATE audit_events SET data = $2::jsonb WHERE seq = $1`, [3, JSON.stringify(victim.data)]);
    expect((await cli(['audit:verify'])).code).toBe(0);
  });

  it('audit:prove bundles an event, its proof and a checkpoint; audit:verify-checkpoint checks offline', async () => {
    const noDatabase = () => {
      throw new Error('audit:verify-checkpoint must not need the configuration or the database');
    };
    const raw = Buffer.from(createPublicKey(key.publicPem).export({ format: 'jwk' }).x!, 'base64url');
    const verifierKey = verifierKeyText('vigil.local/audit', raw);
    const head = await sealedHead();
    const proved = await cli(['audit:prove', '--seq', '4']);
    expect(proved).toMatchObject({ code: 0, stderr: '' });
    const bundle = JSON.parse(proved.stdout);
    expect(bundle).toMatchObject({ format: 'vigil-audit-inclusion/1', seq: 4, leafIndex: 3, treeSize: head.seq });
    expect(bundle.checkpoint).toMatch(new RegExp(`^vigil\\.local/audit\\n${head.seq}\\n`));

    const file = join(dir, 'proof.json');
    writeFileSync(file, proved.stdout);
    const accepted = await cli(['audit:verify-checkpoint', file, '--key', verifierKey], noDatabase);
    expect(accepted).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(accepted.stdout)).toMatchObject({ ok: true, origin: 'vigil.local/audit', treeSize: head.seq });

    const noteFile = join(dir, 'checkpoint.txt');
    writeFileSync(noteFile, bundle.checkpoint);
    const note = await cli(['audit:verify-checkpoint', noteFile, `--key=${verifierKey}`], noDatabase);
    expect(JSON.parse(note.stdout)).toMatchObject({ ok: true, treeSize: head.seq });

    // The event changed by one character: it is not the leaf the signed tree holds.
    const canonical = Buffer.from(bundle.canonical, 'base64').toString('utf8').replace('"n":3', '"n":33');
    writeFileSync(file, JSON.stringify({ ...bundle, canonical: Buffer.from(canonical).toString('base64') }));
    const edited = await cli(['audit:verify-checkpoint', file, '--key', verifierKey], noDatabase);
    expect(edited.code).toBe(1);
    const notInTree = expect.stringMatching(/not in the signed tree/);
    expect(JSON.parse(edited.stdout)).toMatchObject({ ok: false, reason: notInTree });

    const otherRaw = Buffer.from(createPublicKey(keyPair().publicPem).export({ format: 'jwk' }).x!, 'base64url');
    const otherVerifierKey = verifierKeyText('vigil.local/audit', otherRaw);
    const otherKey = await cli(['audit:verify-checkpoint', noteFile, '--key', otherVerifierKey]);
    expect(otherKey.code).toBe(1);
    expect(JSON.parse(otherKey.stdout)).toMatchObject({ ok: false, reason: expect.stringMatching(/no signature of/) });

    const beyond = await cli(['audit:prove', '--seq', String(head.seq + 100)]);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toMatch(/beyond the sealed head/);
  });

  describe('usage errors', () => {
    const noConfig = () => {
      throw new Error('a usage error must not read the configuration');
    };

    it.each([
      [['audit:nope'], 'unknown command "audit:nope"'],
      [['audit:verify', '--bogus'], 'unknown option --bogus'],
      [['audit:verify', 'extra'], 'unexpected argument "extra"'],
      [['audit:checkpoint', '--from-checkpoint'], 'unknown option --from-checkpoint'],
      [['audit:export', '--from', '2026-01-01T00:00:00Z'], '--to <iso time> is required'],
      [['audit:export', '--from', 'yesterday', '--to', '2026-01-01T00:00:00Z'], '--from must be an ISO 8601 time (got "yesterday")'],
      [['audit:export', '--from'], '--from needs a value'],
      [['audit:verify-export', '--public-key', 'key.pem'], 'audit:verify-export needs the export file'],
      [['audit:verify-export', 'export.ndjson'], 'audit:verify-export needs --public-key <pem file>'],
      [['audit:verify-export', 'a.ndjson', 'b.ndjson', '--public-key', 'key.pem'], 'unexpected argument "b.ndjson"'],
      [['audit:prove'], 'audit:prove needs --seq <a positive integer>'],
      [['audit:prove', '--seq', '0'], 'audit:prove needs --seq <a positive integer>'],
      [['audit:verify-checkpoint', '--key', 'k'], 'audit:verify-checkpoint needs the checkpoint file'],
      [['audit:verify-checkpoint', 'note.txt'], 'audit:verify-checkpoint needs --key <verifier key>'],
    ])('%j exits 2 with the reason and the usage on stderr, touching nothing', async (argv, reason) => {
      const result = await cli(argv, noConfig);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`${reason}\n\n${USAGE}`);
    });

    it('prints the usage with exit 2 when no command is given, and exit 0 for help', async () => {
      expect(await cli([], noConfig)).toEqual({ code: 2, stdout: USAGE, stderr: '' });
      expect(await cli(['help'], noConfig)).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    });
  });
});
