// API.md "Verifiable audit log" through HTTP: the worker seals events into the Merkle tree and signs C2SP
// checkpoints; an outside party checks them with the verifier in libs/audit, and — for the checkpoint and the root —
// with a second implementation written below from the specs with node:crypto alone.
import {
  verifyCheckpointConsistency,
  verifyCheckpointNote,
  verifyEventInclusion,
  verifyInclusionBundle,
  INCLUSION_BUNDLE_FORMAT,
} from '@vigil/audit';
import { createHash, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { TestSystem, waitFor } from '../support/test-system';

const ORIGIN = 'vigil.local/audit';

/** c2sp.org/signed-note and c2sp.org/tlog-checkpoint, from the specs: the checkpoint if Vigil's key signed it. */
function independentlyOpen(note: string, publicKey: KeyObject): { size: number; root: Buffer } | null {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const keyId = createHash('sha256').update(ORIGIN).update(Buffer.from([0x0a, 0x01])).update(raw).digest();
  const blank = note.lastIndexOf('\n\n');
  const text = Buffer.from(note.slice(0, blank + 1), 'utf8');
  const signed = note
    .slice(blank + 2)
    .split('\n')
    .filter((line) => line.startsWith(`\u2014 ${ORIGIN} `))
    .map((line) => Buffer.from(line.split(' ')[2], 'base64'))
    .some((sig) => sig.subarray(0, 4).equals(keyId.subarray(0, 4)) && verify(null, text, publicKey, sig.subarray(4)));
  const [origin, size, root, end] = note.slice(0, blank + 1).split('\n');
  if (!signed || origin !== ORIGIN || end !== '' || !/^[1-9][0-9]*$/.test(size)) return null;
  return { size: Number(size), root: Buffer.from(root, 'base64') };
}

/** RFC 9162 §2.1.1 MTH, recursively, with node:crypto. */
function independentRoot(leaves: Buffer[]): Buffer {
  const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const mth = (entries: Buffer[]): Buffer => {
    if (entries.length === 1) return sha(Buffer.from([0]), entries[0]);
    let k = 1;
    while (k * 2 < entries.length) k *= 2;
    return sha(Buffer.from([1]), mth(entries.slice(0, k)), mth(entries.slice(k)));
  };
  return mth(leaves);
}

describe('verifiable audit log over HTTP (API and worker)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  let system: TestSystem;
  let auditorToken: string;
  let apiKey: string;
  let verifierKey: string;

  const get = (path: string, token = auditorToken) => system.request('GET', path, { token });
  /** The latest checkpoint once it covers at least `size` events. */
  const checkpointOfAtLeast = (size: number) =>
    waitFor(
      async () => {
        const response = await get('/v1/audit/tree/checkpoint');
        const opened = response.status === 200 ? verifyCheckpointNote(response.text, verifierKey) : null;
        return opened?.ok && opened.treeSize >= size ? { note: response.text, treeSize: opened.treeSize } : null;
      },
      { what: `a tree checkpoint of at least ${size} events` },
    );

  beforeAll(async () => {
    system = await TestSystem.create({
      AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '1',
      AUDIT_SEAL_SETTLE_MS: '0',
    });
    await system.startApi();
    await system.startWorker();
    const admin = await system.login();
    auditorToken = (await system.staff(['auditor'])).token;
    const created = await system.request('POST', '/v1/admin/api-keys', {
      token: admin,
      body: { name: 'platform', role: 'trusted_flagger', organization: 'A platform' },
    });
    apiKey = created.body.key;
    verifierKey = (await get('/v1/audit/tree/verifier-key')).text;
  });
  afterAll(() => system?.stop());

  it('serves the verifier key as the spec writes it, for the configured origin and the audit key', async () => {
    const response = await system.request('GET', '/v1/audit/tree/verifier-key', { headers: { 'x-api-key': apiKey } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const keyId = createHash('sha256').update(`${ORIGIN}\n\x01`).update(raw).digest().subarray(0, 4);
    const encodedKey = Buffer.concat([Buffer.from([1]), raw]).toString('base64');
    expect(response.text).toBe(`${ORIGIN}+${keyId.toString('hex')}+${encodedKey}`);
  });

  it('serves a checkpoint Vigil signed, which a second implementation verifies, over the events’ root', async () => {
    const { note, treeSize } = await checkpointOfAtLeast(3);
    const response = await system.request('GET', '/v1/audit/tree/checkpoint', { headers: { 'x-api-key': apiKey } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.text).toMatch(
      /^vigil\.local\/audit\n[1-9][0-9]*\n[A-Za-z0-9+/]{43}=\n\n\u2014 vigil\.local\/audit \S+\n$/,
    );

    const opened = independentlyOpen(note, publicKey);
    expect(opened?.size).toBe(treeSize);
    const leaves: Buffer[] = [];
    for (let seq = 1; seq <= treeSize; seq++) {
      const event = await get(`/v1/audit/events/${seq}`);
      expect(event.body).toMatchObject({ seq, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      leaves.push(Buffer.from(event.body.canonical, 'base64'));
    }
    expect(independentRoot(leaves).equals(opened!.root)).toBe(true);
    // The canonical bytes are those the hash chain covers.
    const first = (await get('/v1/audit/events/1')).body;
    const chained = createHash('sha256').update('0'.repeat(64)).update(Buffer.from(first.canonical, 'base64'));
    expect(chained.digest('hex')).toBe(first.hash);
    // Reading an event is a query of the trail, audited like GET /v1/audit.
    const reads = await system.sql(
      `SELECT data FROM audit_events WHERE action = 'audit.queried' AND data->>'seq' = '1'`,
    );
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads[0].data).toEqual({ seq: 1 });
  });

  it('proves an event in the signed tree; a tampered leaf, a forged root, another origin fail', async () => {
    const { note, treeSize } = await checkpointOfAtLeast(3);
    const seq = Math.ceil(treeSize / 2);
    const proof = await system.request('GET', `/v1/audit/tree/inclusion?seq=${seq}&treeSize=${treeSize}`, {
      headers: { 'x-api-key': apiKey },
    });
    expect(proof.status).toBe(200);
    expect(proof.body).toEqual({
      leafIndex: seq - 1,
      treeSize,
      rootHash: independentlyOpen(note, publicKey)!.root.toString('base64'),
      hashes: expect.any(Array),
    });
    const canonical = new Uint8Array(Buffer.from((await get(`/v1/audit/events/${seq}`)).body.canonical, 'base64'));
    const input = { note, verifierKey, canonical, leafIndex: seq - 1, hashes: proof.body.hashes };
    expect(verifyEventInclusion(input)).toMatchObject({ ok: true, origin: ORIGIN, treeSize });

    const tampered = canonical.slice();
    tampered[tampered.length - 3] ^= 1;
    expect(verifyEventInclusion({ ...input, canonical: tampered })).toMatchObject({ ok: false });
    // A root other than the signed one: the signature no longer covers the note.
    const forged = note.replace(/\n[A-Za-z0-9+/]{43}=\n/, `\n${Buffer.alloc(32, 9).toString('base64')}\n`);
    expect(verifyEventInclusion({ ...input, note: forged })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not verify/),
    });
    // Signed by Vigil's very key, under its name, but for another log.
    const body = note.slice(0, note.lastIndexOf('\n\n') + 1).replace(ORIGIN, 'other.example/audit');
    const signatureLine = note.slice(note.lastIndexOf('\n\n') + 2);
    const keyId = Buffer.from(signatureLine.split(' ')[2], 'base64').subarray(0, 4);
    const signature = Buffer.concat([keyId, sign(null, Buffer.from(body), privateKey)]).toString('base64');
    const otherOrigin = `${body}\n\u2014 ${ORIGIN} ${signature}\n`;
    expect(verifyEventInclusion({ ...input, note: otherOrigin })).toMatchObject({
      ok: false,
      reason: 'the checkpoint is of origin other.example/audit, not vigil.local/audit',
    });
    // And a note signed by some other key claiming Vigil's name.
    const impostor = generateKeyPairSync('ed25519').privateKey;
    const impostorNote = `${note.slice(0, note.lastIndexOf('\n\n') + 1)}\n\u2014 ${ORIGIN} ${Buffer.concat([
      keyId,
      sign(null, Buffer.from(note.slice(0, note.lastIndexOf('\n\n') + 1)), impostor),
    ]).toString('base64')}\n`;
    expect(verifyEventInclusion({ ...input, note: impostorNote })).toMatchObject({ ok: false });
    // A proof for a tree beyond the signed one proves nothing.
    expect(verifyEventInclusion({ ...input, leafIndex: treeSize })).toMatchObject({ ok: false });
    const bundle = {
      format: INCLUSION_BUNDLE_FORMAT,
      checkpoint: note,
      seq,
      leafIndex: seq - 1,
      treeSize: treeSize + 1,
      canonical: Buffer.from(canonical).toString('base64'),
      hashes: proof.body.hashes,
    };
    expect(verifyInclusionBundle(bundle, verifierKey)).toMatchObject({ ok: false });
    expect(verifyInclusionBundle({ ...bundle, treeSize }, verifierKey)).toMatchObject({ ok: true });
  });

  it('proves that a later signed tree extends an earlier one', async () => {
    const earlier = await checkpointOfAtLeast(1);
    await system.staff(['moderator']);
    const later = await checkpointOfAtLeast(earlier.treeSize + 1);
    const proof = await get(`/v1/audit/tree/consistency?from=${earlier.treeSize}&to=${later.treeSize}`);
    expect(proof.status).toBe(200);
    expect(proof.body).toEqual({ from: earlier.treeSize, to: later.treeSize, hashes: expect.any(Array) });
    expect(verifyCheckpointConsistency(earlier.note, later.note, verifierKey, proof.body.hashes)).toMatchObject({
      ok: true,
      treeSize: later.treeSize,
    });
    const zero = Buffer.alloc(32).toString('base64');
    const wrong = proof.body.hashes.map((hash: string, i: number) => (i === 0 ? zero : hash));
    expect(verifyCheckpointConsistency(earlier.note, later.note, verifierKey, wrong)).toMatchObject({ ok: false });
  });

  it('answers bad sizes and seqs with a 400 naming the problem, never a 500', async () => {
    const { treeSize } = await checkpointOfAtLeast(1);
    const head = (await system.sql(`SELECT max(seq)::int AS head FROM audit_events`))[0].head as number;
    const cases: [string, RegExp][] = [
      [`/v1/audit/tree/inclusion?seq=1&treeSize=${head + 1000}`, /beyond the sealed head/],
      ['/v1/audit/tree/inclusion?seq=1&treeSize=0', /treeSize must be a positive integer/],
      [`/v1/audit/tree/inclusion?seq=0&treeSize=${treeSize}`, /seq must be a positive integer/],
      [`/v1/audit/tree/inclusion?seq=abc&treeSize=${treeSize}`, /seq must be a positive integer/],
      [`/v1/audit/tree/inclusion?seq=1.5&treeSize=${treeSize}`, /seq must be a positive integer/],
      [`/v1/audit/tree/inclusion?seq=-1&treeSize=${treeSize}`, /seq must be a positive integer/],
      [`/v1/audit/tree/inclusion?treeSize=${treeSize}`, /seq must be a positive integer/],
      [`/v1/audit/tree/inclusion?seq=${treeSize + 1}&treeSize=${treeSize}`, /is not in a tree of size/],
      ['/v1/audit/tree/inclusion?seq=1&treeSize=99999999999999999999', /treeSize must be a positive integer/],
      [`/v1/audit/tree/consistency?from=${treeSize}&to=1`, /must not be greater than/],
      [`/v1/audit/tree/consistency?from=1&to=${head + 1000}`, /beyond the sealed head/],
      ['/v1/audit/tree/consistency?from=0&to=1', /from must be a positive integer/],
      ['/v1/audit/events/0', /seq must be a positive integer/],
      ['/v1/audit/events/x1', /seq must be a positive integer/],
      [`/v1/audit/events/${head + 1000}`, /beyond the sealed head/],
    ];
    for (const [path, message] of cases) {
      const response = await get(path);
      expect({ path, status: response.status, error: response.body.error }).toEqual({
        path,
        status: 400,
        error: 'Bad Request',
      });
      const said = String(response.body.message);
      expect({ path, said }).toEqual({ path, said: expect.stringMatching(message) });
    }
  });

  it('describes the routes in OpenAPI', async () => {
    const paths = (await system.request('GET', '/docs-json')).body.paths;
    for (const path of [
      '/v1/audit/tree/checkpoint',
      '/v1/audit/tree/verifier-key',
      '/v1/audit/tree/inclusion',
      '/v1/audit/tree/consistency',
      '/v1/audit/events/{seq}',
    ]) {
      expect(paths[path]?.get).toBeDefined();
    }
    expect(paths['/v1/audit/tree/checkpoint'].get.responses['200'].content).toHaveProperty('text/plain');
  });
});
