import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import {
  checkpointBody,
  decodeBase64,
  noteKeyId,
  openCheckpoint,
  parseVerifierKey,
  signedNote,
  verifierKeyText,
} from './tree-checkpoint';

const rawKey = (publicKey: KeyObject) =>
  new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));

function signer(origin: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawKey(publicKey);
  return {
    raw,
    vkey: verifierKeyText(origin, raw),
    note(body: string, name = origin): string {
      return signedNote(body, name, noteKeyId(name, raw), sign(null, Buffer.from(body), privateKey));
    },
  };
}

const ORIGIN = 'vigil.local/audit';
const ROOT = new Uint8Array(32).fill(7);
const BODY = checkpointBody({ origin: ORIGIN, treeSize: 12, rootHash: ROOT });

describe('C2SP signed-note checkpoints', () => {
  it('writes the tlog-checkpoint body and the signature line exactly as the specs do', () => {
    expect(BODY).toBe(`vigil.local/audit\n12\n${Buffer.from(ROOT).toString('base64')}\n`);
    const s = signer(ORIGIN);
    const note = s.note(BODY);
    const [body, signatureLine] = note.split('\n\n');
    expect(`${body}\n`).toBe(BODY);
    expect(signatureLine).toMatch(/^\u2014 vigil\.local\/audit [A-Za-z0-9+/]{91}=\n$/);
    // key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4], computed here with node:crypto rather than the code under test.
    const keyId = createHash('sha256').update(`${ORIGIN}\n`).update(Buffer.from([1])).update(s.raw).digest();
    const signature = Buffer.from(signatureLine.split(' ')[2], 'base64');
    expect(signature.subarray(0, 4)).toEqual(keyId.subarray(0, 4));
    const encodedKey = Buffer.concat([Buffer.from([1]), s.raw]).toString('base64');
    expect(s.vkey).toBe(`${ORIGIN}+${keyId.subarray(0, 4).toString('hex')}+${encodedKey}`);
  });

  it('opens a note signed by the verifier key', () => {
    const s = signer(ORIGIN);
    const opened = openCheckpoint(s.note(BODY), parseVerifierKey(s.vkey));
    expect(opened).toEqual({ ok: true, checkpoint: { origin: ORIGIN, treeSize: 12, rootHash: ROOT } });
  });

  it('ignores signatures of other keys and accepts the one it knows', () => {
    const s = signer(ORIGIN);
    const witness = signer('witness.example/w1');
    const note = s.note(BODY);
    const cosigned = `${note}${witness.note(BODY, 'witness.example/w1').split('\n\n')[1]}`;
    expect(openCheckpoint(cosigned, parseVerifierKey(s.vkey)).ok).toBe(true);
    expect(openCheckpoint(cosigned, parseVerifierKey(witness.vkey), ORIGIN).ok).toBe(true);
  });

  it.each([
    ['a changed tree size', (note: string) => note.replace('\n12\n', '\n13\n'), /does not verify/],
    ['a forged root', (note: string) => note.replace(/\n[A-Za-z0-9+/]{43}=\n/, `\n${'A'.repeat(43)}=\n`), /verify/],
    ['no signature', (note: string) => `${note.split('\n\n')[0]}\n\n`, /malformed signature line/],
    ['a changed signature', (note: string) => note.replace(/ (\S{10})/, ' AAAAAAAAAA'), /no signature of|verify/],
    ['no blank line', (note: string) => note.replace('\n\n', '\n'), /not a signed note|malformed/],
  ])('refuses %s', (_, mutate, reason) => {
    const s = signer(ORIGIN);
    const opened = openCheckpoint(mutate(s.note(BODY)), parseVerifierKey(s.vkey));
    expect(opened).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuses a checkpoint of another origin, even signed by a key of that name', () => {
    const other = signer('other.example/log');
    const body = checkpointBody({ origin: 'other.example/log', treeSize: 12, rootHash: ROOT });
    const opened = openCheckpoint(other.note(body), parseVerifierKey(other.vkey), ORIGIN);
    const reason = 'the checkpoint is of origin other.example/log, not vigil.local/audit';
    expect(opened).toEqual({ ok: false, reason });
    // And a note of our origin signed by another key carries no signature our verifier knows.
    const impostor = signer(ORIGIN);
    expect(openCheckpoint(impostor.note(BODY), parseVerifierKey(signer(ORIGIN).vkey)).ok).toBe(false);
  });

  it('refuses a verifier key whose id does not match, or that is not Ed25519', () => {
    const s = signer(ORIGIN);
    const [, name, id, key] = /^([^+]+)\+([^+]+)\+(.+)$/.exec(s.vkey)!;
    expect(() => parseVerifierKey(`${name}+${id === '00000000' ? '00000001' : '00000000'}+${key}`)).toThrow(/match/);
    expect(() => parseVerifierKey(`other.example+${id}+${key}`)).toThrow(/match/);
    expect(() => parseVerifierKey(`${name}+${id}+${Buffer.from([2, ...s.raw]).toString('base64')}`)).toThrow(
      /Ed25519/,
    );
    expect(() => parseVerifierKey('nonsense')).toThrow(/<name>\+<key id hex>\+<base64 key>/);
  });

  it('reads only canonical, padded base64', () => {
    expect(decodeBase64('AAE=')).toEqual(new Uint8Array([0, 1]));
    expect(decodeBase64('AAE')).toBeNull();
    expect(decodeBase64('AAF=')).toBeNull();
    expect(decodeBase64('AA E=')).toBeNull();
  });
});
